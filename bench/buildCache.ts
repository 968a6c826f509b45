/**
 * Whether the build cache pays: verifying a hit (hashing the project files a bundle
 * depended on, and npm's install record for its packages) against building the bundles
 * again, for each group of Lambda handlers built together.
 */
import { cachedBuild, freshBuild, lookUp } from "../build/cachedBuild";
import { BUNDLE_GROUPS, bundleOptions } from "../functions/bundle";
import { Figure, median } from "./figures";

const RUNS = 5;

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
  for (const group of BUNDLE_GROUPS) {
    const name = group.join(" + ");
    const options = bundleOptions(group);
    await cachedBuild(options);
    const verify = await time(() => {
      if (!lookUp(options)) throw new Error(`no build cache entry for ${name} after building it`);
    });
    const build = await time(() => freshBuild(options));
    figures.push({
      name: `build cache, ${name} ${group.length > 1 ? "bundles" : "bundle"}: verifying a hit vs building (median of ${RUNS})`,
      value: `${verify.toFixed(0)} ms vs ${build.toFixed(0)} ms`,
      target: "verifying is cheaper",
      ok: verify < build,
    });
  }
  return figures;
}
