import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";

type Props = Record<string, any>;

/** A resource rule that looks only at resources of the given type tokens. */
export function resourceRule(
  policy: Omit<ResourceValidationPolicy, "validateResource">,
  types: readonly string[],
  check: (props: Props, report: ReportViolation, args: ResourceValidationArgs) => void,
): ResourceValidationPolicy {
  return {
    enforcementLevel: "mandatory",
    ...policy,
    validateResource: (args, report) => {
      if (types.includes(args.type)) check(args.props ?? {}, report, args);
    },
  };
}

/** One IAM policy statement, as JSON. */
export type Statement = Record<string, any>;

/** The statements of a policy document given as JSON text or as an object. */
export function statementsOf(document: unknown): Statement[] {
  if (document === undefined || document === null || document === "") return [];
  const parsed = typeof document === "string" ? safeJson(document) : document;
  const statements = (parsed as { Statement?: unknown })?.Statement;
  if (statements === undefined) return [];
  return (Array.isArray(statements) ? statements : [statements]) as Statement[];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A statement field that may be a string or a list, as a list. */
export const asList = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);

/** Whether a statement's principal is everyone. */
export function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal && typeof principal === "object") {
    return asList((principal as Record<string, unknown>).AWS).includes("*");
  }
  return false;
}
