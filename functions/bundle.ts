import * as path from "node:path";
import { buildSync } from "esbuild";

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
 * What each handler needs beside its code. The convert function probes uploads with
 * MediaInfo, whose WebAssembly (2.5 MB) is loaded from a file, not bundled into the
 * JavaScript.
 */
const FILES: Record<FunctionName, Record<string, string>> = {
  convert: { "MediaInfoModule.wasm": require.resolve("mediainfo.js/MediaInfoModule.wasm") },
  metadata: {},
  licenseToken: {},
};

const bundles = new Map<FunctionName, FunctionBundle>();

/**
 * Bundles `functions/<name>/index.ts` with esbuild, in memory.
 *
 * The AWS SDK is bundled rather than taken from the Lambda runtime, so the deployed
 * code runs the SDK version that was tested. The output is deterministic, so an
 * unchanged handler never shows up as a diff. Bundles are cached per process.
 */
export function bundleFunction(name: FunctionName): FunctionBundle {
  const cached = bundles.get(name);
  if (cached) return cached;
  const result = buildSync({
    entryPoints: [path.join(__dirname, name, "index.ts")],
    bundle: true,
    write: false,
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
  });
  const code = result.outputFiles[0].text;
  const bundle = { code, bytes: Buffer.byteLength(code), files: FILES[name] };
  bundles.set(name, bundle);
  return bundle;
}
