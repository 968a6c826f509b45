/**
 * The deploy path: how long `pulumi preview` and `pulumi up` take to load and run the
 * program, compared with a process that only imports the SDKs it is built on.
 *
 * The program runs as the language host runs it (see test/support/languageHost.ts), in
 * a fresh process with an empty temporary folder, so every run is as cold as on a CI
 * runner. The target is for a CI runner's first deploy, with an empty build cache too
 * (the Lambda bundles and the player are built while the program loads); a developer's
 * deploy, with them cached, is shown beside it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runUnderLanguageHost } from "../test/support/languageHost";
import { Figure, median, timeCommand } from "./figures";

const RUNS = 7;
const TARGET_RATIO = 3;

/** Wall time of the dev stack under the language host; throws if it fails. */
function timeProgram(root: string, env: Record<string, string> = {}): number {
  const run = runUnderLanguageHost(root, "dev", { env });
  if (run.status !== 0)
    throw new Error(`the program failed under the language host: ${run.stderr}`);
  return run.ms;
}

/** The same with an empty build cache, deleted afterwards. */
function timeProgramColdCache(root: string): number {
  const cache = mkdtempSync(path.join(tmpdir(), "deploy-bench-cache-"));
  try {
    return timeProgram(root, { VOD_BUILD_CACHE: cache });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/**
 * The program's cold load under the language host, against importing `@pulumi/pulumi`
 * and `@pulumi/aws` alone: median wall time of fresh processes, run alternately.
 */
export function benchDeploy(root: string): Figure[] {
  const cold: number[] = [];
  const warm: number[] = [];
  const sdk: number[] = [];
  // Fills the project's build cache for the warm runs; not timed.
  timeProgram(root);
  for (let run = 0; run < RUNS; run++) {
    sdk.push(
      timeCommand(
        process.execPath,
        ["-e", 'require("@pulumi/pulumi"); require("@pulumi/aws");'],
        root,
      ),
    );
    cold.push(timeProgramColdCache(root));
    warm.push(timeProgram(root));
  }
  const sdkMs = median(sdk);
  const [coldMs, warmMs] = [median(cold), median(warm)];
  const figure = (ms: number) =>
    `${(ms / sdkMs).toFixed(2)}× (${Math.round(ms)} ms vs ${Math.round(sdkMs)} ms, fresh processes, median of ${RUNS})`;
  return [
    {
      name: "deploy: cold program load as the language host runs it (empty build cache) vs importing the SDKs",
      value: figure(coldMs),
      target: `≤ ${TARGET_RATIO}×`,
      ok: coldMs / sdkMs <= TARGET_RATIO,
    },
    {
      name: "deploy: the same with the bundles in the build cache",
      value: figure(warmMs),
    },
  ];
}
