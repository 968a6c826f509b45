/** IAM: no wildcard actions, and iam:PassRole only on named roles, only to a named service. */
import { asList, resourceRule, Statement, statementsOf } from "./util";

const POLICY_TYPES = [
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
];

/** The Allow statements of every permission document a resource carries. */
function allowStatements(type: string, props: Record<string, any>): Statement[] {
  const documents =
    type === "aws:iam/role:Role"
      ? (props.inlinePolicies ?? []).map((p: { policy?: unknown }) => p.policy)
      : [props.policy];
  return documents.flatMap(statementsOf).filter((s: Statement) => s.Effect === "Allow");
}

const isWildcardAction = (action: string) => action === "*" || action.endsWith(":*");

export const noWildcardActions = resourceRule(
  {
    name: "iam-no-wildcard-actions",
    description:
      'Checks whether an IAM policy allows a wildcard action ("*", "s3:*", "mediaconvert:*") or uses NotAction in an Allow. List the actions the role needs.',
  },
  POLICY_TYPES,
  (props, report, args) => {
    for (const statement of allowStatements(args.type, props)) {
      const wildcards = asList(statement.Action).filter(isWildcardAction);
      if (wildcards.length > 0)
        report(`Statement ${statement.Sid ?? "(no Sid)"} allows ${wildcards.join(", ")}.`);
      if (statement.NotAction)
        report(`Statement ${statement.Sid ?? "(no Sid)"} allows everything but NotAction.`);
    }
  },
);

export const passRoleScoped = resourceRule(
  {
    name: "iam-passrole-scoped",
    description:
      "Requires iam:PassRole to name specific role ARNs (no wildcard) and to carry an iam:PassedToService condition naming the service that receives the role.",
  },
  POLICY_TYPES,
  (props, report, args) => {
    for (const statement of allowStatements(args.type, props)) {
      const passes = asList(statement.Action).some(
        (a) => a === "iam:PassRole" || a === "iam:*" || a === "*",
      );
      if (!passes) continue;
      const broad = asList(statement.Resource).filter(
        (r) => r === "*" || /:role\/\*?$|:role\/.*\*$/.test(r),
      );
      if (broad.length > 0)
        report(`Statement ${statement.Sid ?? "(no Sid)"} passes any role: ${broad.join(", ")}.`);
      const condition = statement.Condition ?? {};
      const scoped = Object.values(condition).some(
        (operator) => operator && typeof operator === "object" && "iam:PassedToService" in operator,
      );
      if (!scoped)
        report(
          `Statement ${statement.Sid ?? "(no Sid)"} passes a role without an iam:PassedToService condition.`,
        );
    }
  },
);

export const iamPolicies = [noWildcardActions, passRoleScoped];
