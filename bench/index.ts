/**
 * `npm run bench`: prints the project's performance figures against their targets.
 * Figures are measured, not asserted; a missed target is printed as MISSED.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildCacheFigures } from "./buildCache";
import { benchConvert } from "./convert";
import { benchDeploy } from "./deploy";
import { Figure, median, printFigures, timeCommand } from "./figures";
import { benchPlayer } from "./player";
import { benchPolicies } from "./policies";

const ROOT = path.resolve(__dirname, "..");
const PLAN_RUNS = 5;
const PLAN_TARGET_MS = 1_200;

/**
 * Offline plan wall time for the dev stack, median of five fresh processes: as a
 * developer runs it (the build cache filled by an earlier run, which is not timed), and
 * as on a fresh checkout (an empty build cache each run).
 */
function benchPlan(): Figure[] {
  const plan = (env: Record<string, string> = {}) =>
    timeCommand(process.execPath, ["--import", "tsx", "plan/cli.ts", "--stack", "dev"], ROOT, env);
  plan();
  const warm = median(Array.from({ length: PLAN_RUNS }, () => plan()));
  const cold = median(
    Array.from({ length: PLAN_RUNS }, () => {
      const cache = mkdtempSync(path.join(tmpdir(), "plan-bench-cache-"));
      try {
        return plan({ VOD_BUILD_CACHE: cache });
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    }),
  );
  return [
    {
      name: `offline plan, dev stack (median of ${PLAN_RUNS})`,
      value: `${Math.round(warm)} ms`,
      target: `≤ ${PLAN_TARGET_MS} ms`,
      ok: warm <= PLAN_TARGET_MS,
    },
    {
      name: `offline plan, dev stack, empty build cache (median of ${PLAN_RUNS})`,
      value: `${Math.round(cold)} ms`,
    },
  ];
}

async function main(): Promise<void> {
  const figures = [
    ...benchPlan(),
    ...benchDeploy(ROOT),
    ...(await buildCacheFigures()),
    ...(await benchPolicies(ROOT)),
    ...(await benchConvert()),
    ...(await benchPlayer()),
  ];
  printFigures(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
