/**
 * The esbuild builds the deployment uploads (the Lambda handlers, the player page), and
 * the files Pulumi reads them from.
 *
 * Builds run synchronously while the program registers its resources, so `pulumi up` stays
 * one command with no build step before it. A `FileAsset` keeps a path and a hash in the
 * stack's state, where a `StringAsset` would keep megabytes of text in every checkpoint.
 * The path is relative to the project and named by the content's hash, so the same bytes
 * have the same path on every machine, and changed bytes a changed path.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { BuildOptions, buildSync, OutputFile } from "esbuild";

/** The project's root: where Pulumi runs the program, and where entry points resolve from. */
export const ROOT = path.resolve(__dirname, "..");

/** Where the built files are written, relative to {@link ROOT} (git-ignored). */
export const BUNDLES_FOLDER = ".bundles";

/** Builds by their options: the program and the tests in one process share each. */
const built = new Map<string, OutputFile[]>();

/** Builds in memory from the project's root, once per process for the same options. */
export function build(options: BuildOptions): OutputFile[] {
  const key = JSON.stringify(options);
  let outputs = built.get(key);
  if (!outputs) {
    outputs = buildSync({ absWorkingDir: ROOT, ...options, write: false }).outputFiles;
    built.set(key, outputs);
  }
  return outputs;
}

/**
 * Writes `contents` as `.bundles/<sha256>/<name>` unless it is there already, and returns
 * that path, relative to the project as the engine resolves a `FileAsset`'s path.
 */
export function bundleFile(name: string, contents: string | Uint8Array): string {
  const hash = createHash("sha256").update(contents).digest("hex").slice(0, 32);
  const relative = path.join(BUNDLES_FOLDER, hash, name);
  const file = path.join(ROOT, relative);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written beside it and renamed: a concurrent run never reads half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, file);
  }
  return relative;
}
