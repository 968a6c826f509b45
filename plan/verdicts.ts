import { EvaluatedResource, evaluatePolicies, PolicyConfig, Violation } from "../policies/rules";
import type { PlannedStack } from "./mockCloud";

/** Names the provider fills in at preview (auto-naming), which policies match buckets by. */
const AUTO_NAMED: Record<string, string> = { "aws:s3/bucket:Bucket": "bucket" };

/** The planned resources as the policy engine sees them at preview: inputs, auto-names filled in. */
export function toEvaluatedResources(plan: PlannedStack): EvaluatedResource[] {
  return plan.resources.map(({ type, name, inputs, outputs, urn }) => {
    const autoName = AUTO_NAMED[type];
    const props =
      autoName && inputs[autoName] === undefined
        ? { ...inputs, [autoName]: outputs[autoName] }
        : inputs;
    return { type, name, props, urn };
  });
}

/** Runs the policy pack over the plan. */
export function planVerdicts(plan: PlannedStack, config?: PolicyConfig): Promise<Violation[]> {
  return evaluatePolicies(toEvaluatedResources(plan), config);
}

/** Violations as text: each with its resource and the fix. */
export function renderVerdicts(violations: Violation[], policyCount: number): string {
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
  return lines.join("\n");
}
