/** IAM: no wildcard actions, no AWS managed policies, and iam:PassRole only on named roles, to a named service. */
import type { ResourceValidationArgs } from "@pulumi/policy";
import {
  actionMatches,
  asList,
  Binding,
  Later,
  read,
  resourceRule,
  Statement,
  statementName,
  statementsOf,
  UNKNOWN,
} from "./util";

const ROLE = "aws:iam/role:Role";
/** Resources that carry permission documents: role inline policies, and policies of their own. */
const POLICY_TYPES = [
  ROLE,
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
];
/** Resources that attach managed policies. */
const ATTACHMENT_TYPES = [
  ROLE,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
];
/** ARNs of policies AWS manages: `arn:<partition>:iam::aws:policy/...`. */
const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/** Why the rules that read permission documents bind only at `pulumi up`. */
const DOCUMENT_BINDING: Binding["reason"] =
  "Each document names ARNs of resources in the stack; with one part unknown the whole document is one unknown string, so until they exist it is decided at `pulumi up`, before the policy is written.";

/**
 * The Allow statements of every permission document a resource carries, each with its
 * name. Documents unknown at preview are left to `later`.
 */
function allowStatements(args: ResourceValidationArgs, later: Later): Array<[string, Statement]> {
  return documentsOf(args, later).flatMap((document) =>
    (document === UNKNOWN ? [] : statementsOf(document))
      .map((statement, index): [string, Statement] => [statementName(statement, index), statement])
      .filter(([, statement]) => statement.Effect === "Allow"),
  );
}

/** A role's inline policies, or a policy resource's document. */
function documentsOf(args: ResourceValidationArgs, later: Later): unknown[] {
  if (args.type !== ROLE) return [later(() => args.props.policy)];
  const inline = later((): Array<{ policy?: unknown }> => args.props.inlinePolicies ?? []);
  if (inline === UNKNOWN) return [];
  return Array.from({ length: inline.length }, (_, i) => later(() => inline[i].policy));
}

/** `*` or a whole service (`s3:*`, `mediaconvert:*`). */
const isWildcardAction = (action: string) => action === "*" || /^[a-z0-9-]+:\*$/i.test(action);

export const noWildcardActions = resourceRule(
  {
    name: "iam-no-wildcard-actions",
    description:
      'Checks whether an IAM policy allows every action ("*") or every action of a service ("s3:*", "mediaconvert:*"), or allows through NotAction. List the actions the role needs.',
    binds: {
      at: "up",
      reason: DOCUMENT_BINDING,
    },
  },
  POLICY_TYPES,
  (_props, report, args, later) => {
    for (const [name, statement] of allowStatements(args, later)) {
      const wildcards = asList(statement.Action).filter(isWildcardAction);
      if (wildcards.length > 0) report(`Statement ${name} allows ${wildcards.join(", ")}.`);
      if (statement.NotAction !== undefined)
        report(`Statement ${name} allows every action but its NotAction.`);
    }
  },
);

/** The statements that allow iam:PassRole, by name or through a wildcard. */
const passRoleStatements = (args: ResourceValidationArgs, later: Later) =>
  allowStatements(args, later).filter(([, statement]) =>
    asList(statement.Action).some((action) => actionMatches(action, "iam:PassRole")),
  );

export const passRoleScoped = resourceRule(
  {
    name: "iam-passrole-scoped",
    description:
      "Requires iam:PassRole to be allowed only on named role ARNs: no wildcard in Resource, and no NotResource.",
    binds: {
      at: "up",
      reason: DOCUMENT_BINDING,
    },
  },
  POLICY_TYPES,
  (_props, report, args, later) => {
    for (const [name, statement] of passRoleStatements(args, later)) {
      const wildcards = asList(statement.Resource).filter((resource) => /[*?]/.test(resource));
      if (wildcards.length > 0)
        report(`Statement ${name} passes any role matching ${wildcards.join(", ")}.`);
      if (statement.NotResource !== undefined)
        report(`Statement ${name} passes every role but its NotResource.`);
    }
  },
);

export const passRolePassedToService = resourceRule(
  {
    name: "iam-passrole-passed-to-service",
    description:
      'Requires every statement that allows iam:PassRole to carry an iam:PassedToService condition (e.g. StringEquals "mediaconvert.amazonaws.com"), so the role can be handed only to the service it is for.',
    binds: {
      at: "up",
      reason: DOCUMENT_BINDING,
    },
  },
  POLICY_TYPES,
  (_props, report, args, later) => {
    for (const [name, statement] of passRoleStatements(args, later)) {
      const condition: Record<string, unknown> = statement.Condition ?? {};
      const scoped = Object.values(condition).some(
        (keys) =>
          keys &&
          typeof keys === "object" &&
          Object.keys(keys).some((key) => key.toLowerCase() === "iam:passedtoservice"),
      );
      if (!scoped)
        report(`Statement ${name} passes a role without an iam:PassedToService condition.`);
    }
  },
);

export const noAwsManagedPolicies = resourceRule(
  {
    name: "iam-no-aws-managed-policies",
    description:
      "Checks whether a role, user or group attaches an AWS managed policy (arn:aws:iam::aws:policy/...), which grants more than one function needs. Write a policy with the actions and resources the role uses, or list the ARN in allowedPolicyArns.",
    configSchema: {
      properties: {
        allowedPolicyArns: { type: "array", items: { type: "string" }, default: [] },
      },
    },
    binds: {
      at: "preview",
      reason:
        "AWS managed policy ARNs are literals; an ARN unknown at preview belongs to a policy created in this stack, which is customer managed.",
    },
  },
  ATTACHMENT_TYPES,
  (props, report, args) => {
    const { allowedPolicyArns = [] } = args.getConfig<{ allowedPolicyArns?: string[] }>();
    // An ARN unknown at preview comes from a policy in this stack: customer managed.
    const arns =
      args.type === ROLE ? read(() => props.managedPolicyArns) : [read(() => props.policyArn)];
    if (arns === UNKNOWN || !Array.isArray(arns)) return;
    for (let i = 0; i < arns.length; i++) {
      const arn = read(() => arns[i]);
      if (typeof arn !== "string") continue;
      if (AWS_MANAGED_POLICY.test(arn) && !allowedPolicyArns.includes(arn))
        report(`The AWS managed policy ${arn} is attached.`);
    }
  },
);

export const iamPolicies = [
  noWildcardActions,
  passRoleScoped,
  passRolePassedToService,
  noAwsManagedPolicies,
];
