import * as path from "node:path";
import type { BuildOptions } from "esbuild";
import { build, bundleFile } from "../bundling/bundles";

/** The Lambda handlers this program deploys, each a folder under `functions/`. */
export const FUNCTION_NAMES = ["convert", "metadata", "licenseToken"] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A handler bundled into one CommonJS file, deployed as `index.js`. */
export interface FunctionBundle {
  readonly code: string;
  readonly bytes: number;
  /** `index.js` on disk, relative to the project (see bundling/bundles.ts). */
  readonly indexFile: string;
  /**
   * Files the handler reads beside `index.js` at run time, by their name in the
   * function's archive: the absolute path of each on this machine.
   */
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
 * How the handlers are bundled: `functions/<name>/index.ts` of each into `<name>.js`, each
 * a whole bundle of its own, in one build that parses the SDK code they share once.
 *
 * The AWS SDK is bundled rather than taken from the Lambda runtime, so the deployed
 * code runs the SDK version that was tested. The output is deterministic, so an
 * unchanged handler never shows up as a diff.
 */
export const FUNCTIONS_BUILD: BuildOptions = {
  entryPoints: Object.fromEntries(
    FUNCTION_NAMES.map((name) => [name, path.join("functions", name, "index.ts")]),
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

/**
 * A handler's bundle, built once per process and written to disk: the program deploys
 * it, and the tests run the same bytes.
 */
export function bundleFunction(name: FunctionName): FunctionBundle {
  const output = build(FUNCTIONS_BUILD).find((file) => path.basename(file.path) === `${name}.js`);
  if (!output) throw new Error(`The build of functions/${name} has no ${name}.js`);
  return {
    code: output.text,
    bytes: output.contents.byteLength,
    indexFile: bundleFile("index.js", output.contents),
    files: FILES[name],
  };
}
