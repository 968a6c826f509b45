/**
 * The program as `pulumi preview` and `pulumi up` run it: `index.ts` (package.json's
 * `main`) under the Node.js language host's entry point with its TypeScript runtime, against
 * Pulumi's mock monitor.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { HostRun, runUnderLanguageHost } from "./support/languageHost";
import { plan } from "./support/planRuns";

const ROOT = path.resolve(__dirname, "..");

/** The offline plan of a stack, as `npm run plan -- --json` prints it (one run per process). */
async function planned(stack: string) {
  const { stdout } = await plan("--stack", stack, "--json");
  return JSON.parse(stdout) as {
    resources: { type: string; name: string }[];
    outputs: Record<string, unknown>;
  };
}

const names = (resources: readonly { type: string; name: string }[]) =>
  resources
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => `${r.type}::${r.name}`)
    .sort();

describe("the program as the language host runs it", () => {
  let dev: HostRun;
  let bad: HostRun;
  let plan: Awaited<ReturnType<typeof planned>>;
  let badStack: string;
  before(async function () {
    this.timeout(120_000);
    badStack = mkdtempSync(path.join(tmpdir(), "bad-stack-"));
    const settings = path.join(badStack, "Pulumi.bad.yaml");
    writeFileSync(settings, "config:\n  vod-multidrm:ladder:\n    - 1280x720\n");
    // Separate processes: run together.
    [dev, bad, plan] = await Promise.all([
      runUnderLanguageHost(ROOT, "dev"),
      runUnderLanguageHost(ROOT, "bad", settings),
      planned("dev"),
    ]);
  });
  after(() => rmSync(badStack, { recursive: true, force: true }));

  it("registers the resources and outputs the offline plan shows", () => {
    assert.equal(dev.status, 0, dev.stderr);
    assert.deepEqual(names(dev.report!.resources), names(plan.resources));
    assert.deepEqual(dev.report!.outputs.sort(), Object.keys(plan.outputs).sort());
  });

  it("stops at a bad setting with a message naming its key", () => {
    assert.notEqual(bad.status, 0, bad.stderr);
    assert.match(bad.stderr, /vod-multidrm:ladder: "1280x720" is not WIDTHxHEIGHT@BITRATE/);
  });
});
