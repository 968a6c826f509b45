/**
 * The type-check, as one test among the others so that it runs beside them rather than
 * before them. `tsconfig.json` says `noCheck` (Pulumi's language host then runs the program
 * transpile-only), so each check here turns it back off.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/** Runs `tsc --noEmit --noCheck false` over a project file, and returns what it printed. */
function typeCheck(project: string): { status: number | null; output: string } {
  const tsc = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", project, "--noEmit", "--noCheck", "false"],
    { cwd: ROOT, encoding: "utf8" },
  );
  return { status: tsc.status, output: tsc.stdout + tsc.stderr };
}

describe("the type-check", () => {
  it("passes for the program, the functions, the policy pack, the tests and the tools", () => {
    const { status, output } = typeCheck("tsconfig.json");
    assert.equal(status, 0, output);
  });

  it("passes for the player's browser code against the DOM library", () => {
    const { status, output } = typeCheck("player");
    assert.equal(status, 0, output);
  });
});
