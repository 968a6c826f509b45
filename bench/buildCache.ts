/**
 * Whether the build cache pays: verifying a hit (hashing every file a bundle depended
 * on) against building the bundle again, for each Lambda handler.
 */
import { cachedBuild, freshBuild, lookUp } from "../build/cachedBuild";
import { bundleOptions, FunctionName } from "../functions/bundle";
import { Figure, median } from "./figures";

const RUNS = 5;
const FUNCTIONS: FunctionName[] = ["convert", "metadata", "licenseToken"];

/** Milliseconds `run` takes, median of {@link RUNS}; each run in its own turn of the event loop. */
async function time(run: () => unknown): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    await run();
    runs.push(performance.now() - started);
  }
  return median(runs);
}

export async function buildCacheFigures(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const name of FUNCTIONS) {
    const options = bundleOptions(name);
    await cachedBuild(options);
    const verify = await time(() => {
      if (!lookUp(options)) throw new Error(`no build cache entry for ${name} after building it`);
    });
    const build = await time(() => freshBuild(options));
    figures.push({
      name: `build cache, ${name} bundle: verifying a hit vs building (median of ${RUNS})`,
      value: `${verify.toFixed(0)} ms vs ${build.toFixed(0)} ms`,
      target: "verifying is cheaper",
      ok: verify < build,
    });
  }
  return figures;
}
