/** Helpers shared by the rule modules. Type-only imports: nothing here loads the policy SDK. */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

type Props = Record<string, any>;

/**
 * When a rule can block a deployment.
 *
 * - `preview`: everything the rule decides on is known during `pulumi preview`, even for
 *   resources still to be created (literals, stack config, the provider's auto-names,
 *   references to other resources, which count as set), so a violation is mandatory
 *   at preview and fails the pull request.
 * - `up`: the rule reads a value that is another resource's output (a policy document
 *   naming a new bucket's ARN, an origin that is a new distribution's domain). Until
 *   that resource exists, the engine reports "can't run policy during preview" as an
 *   advisory; the rule binds at `pulumi up` (and at the preview of a stack where the
 *   resource already exists).
 */
export interface Binding {
  readonly at: "preview" | "up";
  /** Why, in one line: what the rule reads, and where it comes from. */
  readonly reason: string;
}

/** A rule's identity, description, settings and binding: everything but its validation. */
export type RuleSpec = Omit<ResourceValidationPolicy, "validateResource" | "enforcementLevel"> & {
  readonly binds: Binding;
};

/** A stack rule's identity, description and binding. */
export type StackRuleSpec = Omit<StackValidationPolicy, "validateStack" | "enforcementLevel"> & {
  readonly binds: Binding;
};

/** A rule of this pack: a Pulumi policy with its binding. */
export type BoundResourcePolicy = ResourceValidationPolicy & { readonly binds: Binding };
export type BoundStackPolicy = StackValidationPolicy & { readonly binds: Binding };

/**
 * Reads a value the rule must know to decide, which may be unknown during preview.
 * An unknown value is remembered and `UNKNOWN` returned, so the rule decides everything
 * else first; see {@link decideKnown}.
 */
export type Later = <T>(get: () => T) => T | typeof UNKNOWN;

/**
 * Runs `check` with a {@link Later}, then, if some value it needed was unknown, throws
 * the engine's own "unknown during preview" error. Violations reported before that
 * stay (mandatory); the engine adds its "can't run policy during preview" advisory
 * for what waits until `pulumi up`.
 */
export function decideKnown(check: (later: Later) => void): void {
  let pending: Error | undefined;
  const later: Later = (get) => {
    try {
      return get();
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      pending ??= error;
      return UNKNOWN;
    }
  };
  check(later);
  if (pending) throw pending;
}

/**
 * A mandatory resource rule that looks only at resources of the given type tokens
 * (`validateResourceOfType` would load the provider SDK to learn them).
 */
export function resourceRule(
  spec: RuleSpec,
  types: readonly string[],
  check: (
    props: Props,
    report: ReportViolation,
    args: ResourceValidationArgs,
    later: Later,
  ) => void,
): BoundResourcePolicy {
  const applies = new Set(types);
  return {
    ...spec,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
      if (applies.has(args.type))
        decideKnown((later) => check(args.props ?? {}, report, args, later));
    },
  };
}

/**
 * Stands for a value `pulumi preview` cannot know yet: an output of a resource that is
 * still to be created, such as an OAI's path or a key's ARN.
 */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/**
 * Whether an error is the engine's "unknown during preview" error (`UnknownValueError`
 * of `@pulumi/policy/proxy`), thrown when a rule reads a value that is not known yet.
 */
export const isUnknownValueError = (error: unknown): error is Error =>
  error instanceof Error && "unknownTypeSentinel" in error;

/**
 * Reads a reference that may be unknown during preview. The policy engine hands rules
 * proxies that throw on such values, which turns the whole rule into a "can't run"
 * advisory; rules read references to other resources through this instead.
 */
export function read<T>(get: () => T): T | typeof UNKNOWN {
  try {
    return get();
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

/**
 * Whether a reference is set. A value unknown at preview comes from another resource's
 * output (an OAI, a key, a role, a log group), so it counts as set.
 */
export function isSet(get: () => unknown): boolean {
  const value = read(get);
  return value === UNKNOWN || (value !== undefined && value !== null && value !== "");
}

/** One IAM policy statement, as JSON. */
export type Statement = Record<string, any>;

/** Parsed documents, by their JSON text: several rules read the same policies. */
const parsedDocuments = new Map<string, Statement[]>();
const MAX_PARSED_DOCUMENTS = 1000;

/**
 * The statements of a policy document given as JSON text or as an object. Text that is
 * not JSON has no statements: the provider rejects it before AWS sees it.
 */
export function statementsOf(document: unknown): Statement[] {
  if (document === undefined || document === null || document === "") return [];
  if (typeof document !== "string") return statementList(document);
  let statements = parsedDocuments.get(document);
  if (!statements) {
    statements = statementList(safeJson(document));
    if (parsedDocuments.size >= MAX_PARSED_DOCUMENTS) parsedDocuments.clear();
    parsedDocuments.set(document, statements);
  }
  return statements;
}

function statementList(parsed: unknown): Statement[] {
  const statements = (parsed as { Statement?: unknown } | undefined)?.Statement;
  if (statements === undefined || statements === null) return [];
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
  value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(String);

/** How a statement is named in messages: its Sid, or its position. */
export const statementName = (statement: Statement, index: number) =>
  statement.Sid ? String(statement.Sid) : `#${index + 1}`;

/** Whether a statement's principal is everyone: `"*"`, or `"*"` under any key (`{ AWS: "*" }`). */
export function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal && typeof principal === "object") {
    return Object.values(principal).some((value) => asList(value).includes("*"));
  }
  return false;
}

/**
 * Whether an IAM action pattern (`*`, `iam:Pass*`, `S3:GetObject`) matches an action.
 * IAM compares actions case-insensitively, with `*` and `?` as wildcards.
 */
export function actionMatches(pattern: string, action: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i").test(action);
}
