/**
 * Temporary folders for what a test process shares between test files (the bundled
 * function, the generated uploads): each is made once and removed when the process
 * exits, whichever file used it last, so a run leaves nothing in the OS temp dir.
 * A folder one test or one file uses is removed in that test's `finally` or `after`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const made: string[] = [];

/** A fresh folder under the OS temp dir, named `<prefix><random>`, removed at exit. */
export function processTempFolder(prefix: string): string {
  if (made.length === 0) process.once("exit", removeProcessTempFolders);
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(folder);
  return folder;
}

/** Removes every folder {@link processTempFolder} made; called at exit. */
export function removeProcessTempFolders(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}
