/**
 * Built files the deployment uploads (the Lambda handlers' code, the player's script,
 * stylesheet and font), written to disk and given to Pulumi as `FileAsset`s.
 *
 * A `StringAsset` is sent inline with its resource's registration and its text is kept
 * in the stack's state, in the inputs and again in the outputs: megabytes that every
 * checkpoint of every `pulumi up` would write. A `FileAsset` keeps a path and a hash.
 * The path is relative to the project and named by the content's SHA-256, so the same
 * bytes have the same path on every machine, and changed bytes a changed path.
 */
import { readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import * as path from "node:path";
import { ROOT, sha256, writeWhole } from "./cachedBuild";

/** Relative to the project's root, as the engine resolves a `FileAsset`'s path. */
export const DEPLOYMENT_FILES = path.join("node_modules", ".cache", "vod-multidrm", "deploy");
/** Files no deployment has used for this long are deleted (a long `up` still reads its own). */
const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000;

let pruned = false;

/**
 * Writes `contents` as `<DEPLOYMENT_FILES>/<sha256>/<name>` unless it is there already,
 * and returns that path.
 */
export function deploymentFile(name: string, contents: string | Uint8Array): string {
  const hash = sha256(contents).slice(0, 32);
  const relative = path.join(DEPLOYMENT_FILES, hash, name);
  const file = path.join(ROOT, relative);
  const folder = path.dirname(file);
  try {
    const now = new Date();
    // In use again: keep it from being pruned.
    utimesSync(folder, now, now);
    statSync(file);
  } catch {
    try {
      writeWhole(file, contents);
    } catch (error) {
      throw new Error(
        `Deploying needs a writable ${DEPLOYMENT_FILES} in the project: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (!pruned) {
    pruned = true;
    pruneDeploymentFiles(path.join(ROOT, DEPLOYMENT_FILES));
  }
  return relative;
}

/** Deletes the files of earlier builds in `folder` that no deployment has used for a day. */
export function pruneDeploymentFiles(folder: string): void {
  const cutoff = Date.now() - PRUNE_AFTER_MS;
  for (const entry of readdirSync(folder)) {
    const files = path.join(folder, entry);
    try {
      if (statSync(files).mtimeMs < cutoff) rmSync(files, { recursive: true, force: true });
    } catch {
      // Removed by a concurrent deployment.
    }
  }
}
