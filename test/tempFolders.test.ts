import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

describe("temporary folders shared by a test process", () => {
  it("are removed when the process exits, with what they hold", () => {
    const script = [
      'const { writeFileSync } = require("node:fs");',
      'const { processTempFolder } = require("./test/support/tempFolders");',
      'const folder = processTempFolder("temp-folders-test-");',
      'writeFileSync(folder + "/file", "x");',
      "console.log(folder);",
    ].join("\n");
    const run = spawnSync(
      process.execPath,
      ["-r", "./scripts/register-typescript.js", "-e", script],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const folder = run.stdout.trim();
    assert.match(path.basename(folder), /^temp-folders-test-/);
    assert.ok(!existsSync(folder), `${folder} is left behind`);
  });
});
