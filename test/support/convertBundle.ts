/** The convert function's archive as Lambda unpacks it: `index.js` and the files beside it. */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleFunction } from "../../functions/bundle";

/** Writes the bundled convert function and its files to a fresh folder; returns `index.js`'s path. */
export function writeConvertBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "convert-"));
  const bundle = bundleFunction("convert");
  writeFileSync(path.join(dir, "index.js"), bundle.code);
  for (const [name, file] of Object.entries(bundle.files)) {
    copyFileSync(file, path.join(dir, name));
  }
  return path.join(dir, "index.js");
}
