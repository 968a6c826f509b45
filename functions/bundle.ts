import * as path from "node:path";
import {
  BuiltFile,
  cachedBuild,
  cachedBuildSync,
  CachedBuildOptions,
  startBuild,
} from "../build/cachedBuild";
import { deploymentFile } from "../build/deploymentFiles";

/** The Lambda handlers this program deploys, each a folder under `functions/`. */
export type FunctionName = "convert" | "metadata" | "licenseToken";

/** A handler bundled into one CommonJS file, ready to zip as `index.js`. */
export interface FunctionBundle {
  readonly code: string;
  readonly bytes: number;
  /**
   * Files the handler reads beside `index.js` at run time, by their name in the
   * function's archive: the absolute path of each on this machine.
   */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * A bundle being built: once esbuild is done, its `index.js` on disk (a path relative to
 * the project, see build/deploymentFiles.ts); the files beside it now.
 */
export interface PendingFunctionBundle {
  readonly indexFile: Promise<string>;
  readonly files: Readonly<Record<string, string>>;
}

/**
 * What each handler needs beside its code. The convert function probes uploads with
 * MediaInfo, whose WebAssembly (2.5 MB) is loaded from a file, not bundled into the
 * JavaScript.
 */
const FILES: Record<FunctionName, Record<string, string>> = {
  convert: { "MediaInfoModule.wasm": require.resolve("mediainfo.js/MediaInfoModule.wasm") },
  metadata: {},
  licenseToken: {},
};

/**
 * Handlers bundled by one esbuild build: it parses the SDK code they share once, which
 * makes a cold build of the two every stack deploys about a third cheaper. The license
 * token handler, deployed only with that feature, is built on its own.
 */
export const BUNDLE_GROUPS: readonly (readonly FunctionName[])[] = [
  ["convert", "metadata"],
  ["licenseToken"],
];

/** The group a handler is built with. */
function groupOf(name: FunctionName): readonly FunctionName[] {
  return BUNDLE_GROUPS.find((group) => group.includes(name))!;
}

/**
 * How a group of handlers is bundled: `functions/<name>/index.ts` of each into
 * `<name>.js`, each a whole bundle of its own (nothing shared between outputs).
 *
 * The AWS SDK is bundled rather than taken from the Lambda runtime, so the deployed
 * code runs the SDK version that was tested. The output is deterministic, so an
 * unchanged handler never shows up as a diff.
 */
export function bundleOptions(group: readonly FunctionName[]): CachedBuildOptions {
  return {
    entryPoints: Object.fromEntries(
      group.map((name) => [name, path.join("functions", name, "index.ts")]),
    ),
    // Only names the outputs: builds stay in memory.
    outdir: "bundles",
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    // Prefer the packages' ES module builds: esbuild can drop the SDK commands the handler never sends.
    mainFields: ["module", "main"],
    // mediainfo.js's `module` build is for browsers: take its CommonJS build for Node,
    // which loads the WebAssembly from a file.
    alias: { "mediainfo.js": require.resolve("mediainfo.js") },
    minify: true,
    // Keep class and function names so stack traces in CloudWatch stay readable.
    keepNames: true,
    legalComments: "none",
    logLevel: "silent",
  };
}

/** A handler's output among its group's. */
function outputOf(name: FunctionName, outputs: BuiltFile[]): BuiltFile {
  const output = outputs.find((file) => path.basename(file.path) === `${name}.js`);
  if (!output) throw new Error(`The build of functions/${name} has no ${name}.js`);
  return output;
}

/**
 * Starts bundling handlers in esbuild's own process (or taking them from the build
 * cache) while the program goes on loading: the program calls it first thing for the
 * handlers every stack deploys.
 */
export function startFunctionBundles(names: readonly FunctionName[]): void {
  for (const name of names) startBuild(bundleOptions(groupOf(name)));
}

/**
 * A handler's bundle for deployment: its code resolves once esbuild is done, so
 * resources are registered meanwhile. The same bytes as {@link bundleFunction}.
 */
export function functionBundle(name: FunctionName): PendingFunctionBundle {
  const indexFile = cachedBuild(bundleOptions(groupOf(name))).then(
    (outputs) => deploymentFile("index.js", outputOf(name, outputs).contents),
    (error: unknown) => {
      throw new Error(
        `Bundling functions/${name}/index.ts failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  );
  return { indexFile, files: FILES[name] };
}

/**
 * A handler's bundle, built at once (or taken from the build cache): for tests and
 * tools. The deployment uses {@link functionBundle}, through the same cache and
 * options, so the tests run the bytes that are deployed.
 */
export function bundleFunction(name: FunctionName): FunctionBundle {
  const output = outputOf(name, cachedBuildSync(bundleOptions(groupOf(name))));
  return { code: output.text, bytes: output.contents.byteLength, files: FILES[name] };
}
