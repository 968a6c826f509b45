/** Figures for the policy pack: evaluating every rule over the full-feature stack. */
import * as path from "node:path";
import { runUnderMocks } from "../plan/mockCloud";
import { readPlanConfig } from "../plan/stackConfig";
import { toEvaluatedResources } from "../plan/verdicts";
import { evaluatePolicies } from "../policies/rules";
import { Figure, median } from "./figures";

const RUNS = 9;
const TARGET_MS = 500;

export async function benchPolicies(root: string): Promise<Figure[]> {
  const config = readPlanConfig(root, "full", path.join(root, "test/stacks/Pulumi.full.yaml"));
  const plan = await runUnderMocks(config, async () => require("../index"));
  const resources = toEvaluatedResources(plan);
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await evaluatePolicies(resources);
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const ms = median(runs);
  return [
    {
      name: `policy pack over the full-feature stack (${resources.length} resources, median of ${RUNS})`,
      value: `${ms.toFixed(1)} ms`,
      target: `< ${TARGET_MS} ms`,
      ok: ms < TARGET_MS,
    },
  ];
}
