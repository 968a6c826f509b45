import {
  allPolicies,
  AnyPolicy,
  bindingOf,
  EvaluatedResource,
  evaluatePolicies,
  PolicyConfig,
  Violation,
} from "../policies/rules";
import type { PlannedStack } from "./mockCloud";

/** Names the provider fills in at preview (auto-naming), which policies match buckets by. */
const AUTO_NAMED: Record<string, string> = { "aws:s3/bucket:Bucket": "bucket" };

/** The engine's marker for a secret value in resource inputs. */
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** The engine's sentinel for a string unknown at preview (`@pulumi/policy/proxy`). */
const { unknownStringValue: UNKNOWN_STRING } = require("@pulumi/policy/proxy") as {
  unknownStringValue: string;
};

/**
 * The planned resources as the policy engine sees them at `pulumi up`: inputs, auto-names
 * filled in, and secrets unwrapped (rules read a secret's value, as the engine passes it).
 */
export function toEvaluatedResources(plan: PlannedStack): EvaluatedResource[] {
  return plan.resources.map(({ type, name, inputs, outputs, urn }) => ({
    type,
    name,
    props: withAutoName(type, unwrapSecrets(inputs), outputs),
    urn,
  }));
}

function withAutoName(type: string, props: Record<string, any>, outputs: Record<string, any>) {
  const autoName = AUTO_NAMED[type];
  return autoName && props[autoName] === undefined
    ? { ...props, [autoName]: outputs[autoName] }
    : props;
}

function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object" && value.constructor === Object) {
    if (Object.values(value).includes(SECRET_SIGNATURE) && "value" in value)
      return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Computed values shorter than this are not traced: too likely to occur by chance. */
const MIN_TRACED_LENGTH = 8;

/**
 * The planned resources as the policy engine sees them at the first `pulumi preview` of
 * the stack, when none of them exists yet:
 *
 * - what a provider computes on create (ids, ARNs, domains, URLs: every output that is
 *   not an input) is unknown, and so is every input that contains such a value, as a
 *   whole, the way `pulumi.interpolate` and `pulumi.jsonStringify` make it;
 * - the engine records which resources each input came from (`propertyDependencies`);
 * - auto-names stay known: the provider fills them in at preview.
 *
 * Values are traced by their text, so a value the program derives from an output
 * without containing it (`arn.apply((a) => a.split(":")[4])`) counts as known here,
 * though it is unknown in a real preview.
 */
export function previewResources(plan: PlannedStack): EvaluatedResource[] {
  const producers = new Map<string, string>(); // computed value -> URN of its resource
  for (const { urn, inputs, outputs, custom } of plan.resources) {
    if (!custom) continue;
    for (const [key, value] of Object.entries(outputs)) {
      if (key !== "id" && JSON.stringify(value) === JSON.stringify(inputs[key])) continue;
      for (const text of strings(value))
        if (text.length >= MIN_TRACED_LENGTH && !producers.has(text)) producers.set(text, urn);
    }
  }
  if (producers.size === 0) return toEvaluatedResources(plan);
  // Longest first, so an ARN is matched whole rather than by the id inside it.
  const pattern = new RegExp(
    [...producers.keys()]
      .sort((a, b) => b.length - a.length)
      .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("|"),
    "g",
  );

  return plan.resources.map(({ type, name, inputs, outputs, urn }) => {
    const propertyDependencies: Record<string, string[]> = {};
    const props: Record<string, any> = {};
    for (const [key, value] of Object.entries(unwrapSecrets(inputs))) {
      const sources = new Set<string>();
      props[key] = unknownWhereComputed(value, pattern, producers, sources);
      sources.delete(urn);
      if (sources.size > 0) propertyDependencies[key] = [...sources];
    }
    return { type, name, props: withAutoName(type, props, outputs), urn, propertyDependencies };
  });
}

function unknownWhereComputed(
  value: unknown,
  pattern: RegExp,
  producers: ReadonlyMap<string, string>,
  sources: Set<string>,
): unknown {
  if (typeof value === "string") {
    const found = [...value.matchAll(pattern)].map(([text]) => producers.get(text)!);
    for (const source of found) sources.add(source);
    return found.length > 0 ? UNKNOWN_STRING : value;
  }
  if (Array.isArray(value))
    return value.map((item) => unknownWhereComputed(item, pattern, producers, sources));
  if (value && typeof value === "object" && (value as object).constructor === Object)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        unknownWhereComputed(v, pattern, producers, sources),
      ]),
    );
  return value;
}

/** Every string inside a value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** Runs the policy pack over the plan, as at `pulumi up`: every value known. */
export function planVerdicts(plan: PlannedStack, config?: PolicyConfig): Promise<Violation[]> {
  return evaluatePolicies(toEvaluatedResources(plan), config);
}

/**
 * Runs the policy pack over the plan as the first `pulumi preview` sees it: a rule that
 * reads a value unknown until its resource exists reports the engine's "can't run
 * policy during preview" advisory instead of a verdict.
 */
export function previewVerdicts(plan: PlannedStack, config?: PolicyConfig): Promise<Violation[]> {
  return evaluatePolicies(previewResources(plan), config);
}

/** Whether a violation is the engine's "can't run during preview" advisory. */
export const isCantRun = (v: Violation) =>
  v.enforcementLevel === "advisory" && /^can't run policy '[^']+' during preview: /.test(v.message);

/**
 * Rules that say they bind at preview but could not decide at the first preview, with
 * the resources they stopped on: each is a binding claim the program proves wrong.
 */
export function bindingMismatches(
  atPreview: readonly Violation[],
  policies: readonly AnyPolicy[] = allPolicies,
): Map<string, string[]> {
  const claimed = new Set(
    policies.filter((p) => bindingOf(p)?.at === "preview").map((p) => p.name),
  );
  const mismatches = new Map<string, string[]>();
  for (const v of atPreview.filter(isCantRun)) {
    if (!claimed.has(v.policyName)) continue;
    mismatches.set(v.policyName, [
      ...(mismatches.get(v.policyName) ?? []),
      v.resourceName ?? "stack",
    ]);
  }
  return mismatches;
}

/**
 * Violations as text, each with its resource and the fix; then when each rule binds;
 * and, given the verdicts at the first preview, what that preview leaves to `pulumi up`.
 */
export function renderVerdicts(
  violations: Violation[],
  policyCount: number,
  atPreview?: Violation[],
  policies: readonly AnyPolicy[] = allPolicies,
): string {
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const lines = [
    `Policy verdicts (${policyCount} policies): ${mandatory} mandatory, ${violations.length - mandatory} advisory violations`,
  ];
  for (const v of violations) {
    const subject = v.resourceType ? `${v.resourceType} ${v.resourceName}` : "stack";
    lines.push(
      `  [${v.enforcementLevel}] ${v.policyName}: ${subject}`,
      `      ${v.message}`,
      `      fix: ${v.fix}`,
    );
  }

  const bound = policies.flatMap((policy) => {
    const binding = bindingOf(policy);
    return binding ? [{ name: policy.name, ...binding }] : [];
  });
  const atUp = bound.filter((b) => b.at === "up").length;
  lines.push(
    `Binding: ${bound.length - atUp} policies block at \`pulumi preview\`; ${atUp} only at \`pulumi up\`, once the resources they read exist`,
  );
  for (const b of bound) lines.push(`  [${b.at}] ${b.name}`, `      ${b.reason}`);

  if (atPreview) lines.push(...renderFirstPreview(atPreview, policies));
  return lines.join("\n");
}

function renderFirstPreview(atPreview: Violation[], policies: readonly AnyPolicy[]): string[] {
  const mandatory = atPreview.filter((v) => v.enforcementLevel === "mandatory").length;
  const waiting = new Map<string, number>();
  for (const v of atPreview.filter(isCantRun))
    waiting.set(v.policyName, (waiting.get(v.policyName) ?? 0) + 1);
  const lines = [
    `At the first preview (outputs of resources not yet created unknown): ${mandatory} mandatory; ` +
      (waiting.size === 0
        ? "every policy decides"
        : `${waiting.size} policies can't run until \`pulumi up\` on some resources: ` +
          [...waiting].map(([name, count]) => `${name} (${count})`).join(", ")),
  ];
  for (const [name, resources] of bindingMismatches(atPreview, policies))
    lines.push(
      `  [mismatch] ${name} says it binds at preview, but can't decide on: ${resources.join(", ")}`,
    );
  return lines;
}
