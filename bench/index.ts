/**
 * `npm run bench`: prints the project's performance figures against their targets.
 * Figures are measured, not asserted; a missed target is printed as MISSED.
 */
import * as path from "node:path";
import { benchConvert } from "./convert";
import { benchCost } from "./cost";
import { benchDeploy } from "./deploy";
import { Figure, median, printFigures, timeCommand } from "./figures";
import { benchPlayer } from "./player";
import { benchPolicies } from "./policies";
import { benchPreview } from "./preview";

const ROOT = path.resolve(__dirname, "..");
const PLAN_RUNS = 5;
const PLAN_TARGET_MS = 1_500;

/**
 * Offline plan wall time for the dev stack, median of fresh processes (the Lambda
 * handlers and the player bundled in each), after one untimed run that fills the caches
 * a developer's machine has (Node's compile cache).
 */
function benchPlan(): Figure {
  const plan = () =>
    timeCommand(
      process.execPath,
      ["-r", "./scripts/register-typescript.js", "plan/cli.ts", "--stack", "dev"],
      ROOT,
    );
  plan();
  const ms = median(Array.from({ length: PLAN_RUNS }, plan));
  return {
    name: `offline plan, dev stack (median of ${PLAN_RUNS})`,
    value: `${Math.round(ms)} ms`,
    target: `≤ ${PLAN_TARGET_MS} ms`,
    ok: ms <= PLAN_TARGET_MS,
  };
}

async function main(): Promise<void> {
  const figures = [
    benchPlan(),
    ...(await benchDeploy(ROOT)),
    ...(await benchPolicies(ROOT)),
    ...(await benchConvert()),
    ...(await benchPlayer()),
    ...(await benchPreview()),
    ...benchCost(ROOT),
  ];
  printFigures(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
