/**
 * The program as `pulumi preview` and `pulumi up` run it: package.json's `main` (main.js)
 * under the Node.js language host's entry point, with TypeScript support off as
 * Pulumi.yaml says, against Pulumi's mock monitor.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { HostRun, runUnderLanguageHost } from "./support/languageHost";

const ROOT = path.resolve(__dirname, "..");
const FULL_STACK = path.join(ROOT, "test", "stacks", "Pulumi.full.yaml");

/** The resources the offline plan registers for a stack, as `type::name`. */
function planned(...args: string[]): string[] {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "plan/cli.ts", ...args, "--json"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  assert.equal(result.status, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as { resources: { type: string; name: string }[] };
  return plan.resources.map((r) => `${r.type}::${r.name}`).sort();
}

function registered(run: HostRun): string[] {
  return run
    .report!.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => `${r.type}::${r.name}`)
    .sort();
}

/**
 * Packages the Lambda handlers run with (the AWS SDK, Powertools) that a deployment
 * loaded: none should be. The handlers are bundled, not run, by the program.
 */
function functionRuntimePackages(packages: readonly string[]): string[] {
  return packages.filter((name) => /^@aws-(sdk|lambda-powertools)\//.test(name));
}

describe("the program as the language host runs it", () => {
  let dev: HostRun;
  before(function () {
    this.timeout(120_000);
    dev = runUnderLanguageHost(ROOT, "dev");
  });

  it("runs with TypeScript support off: package.json's main bundles and runs index.ts", () => {
    const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    assert.equal(project.runtime.options.typescript, false);
    assert.equal(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).main, "main.js");
    assert.equal(dev.status, 0, dev.stderr);
    assert.ok(!dev.report!.packages.includes("ts-node"), "ts-node is not loaded");
  });

  it("registers the resources the offline plan shows", () => {
    assert.deepEqual(registered(dev), planned("--stack", "dev"));
  });

  it("tells the engine where each resource is declared, in the TypeScript sources", () => {
    for (const resource of dev.report!.resources) {
      if (resource.type === "pulumi:pulumi:Stack") continue;
      const declared = resource.stack.find(
        (frame) => !frame.includes(`${path.sep}node_modules${path.sep}`),
      );
      assert.ok(declared, `${resource.type}::${resource.name} has no frame in the project`);
      assert.match(
        path.relative(ROOT, declared),
        /^(index|(components|functions|player|build|config)\/.+)\.ts:\d+$/,
        `${resource.type}::${resource.name} is placed at ${declared}`,
      );
    }
  });

  it("exports only outputs with values: Pulumi warns about none", () => {
    assert.deepEqual(dev.report!.outputs.sort(), [
      "assetMetadataUrlPattern",
      "dashboardName",
      "deadLetterQueueUrl",
      "notificationTopicArn",
      "playbackDomain",
      "playbackUrlPattern",
      "playerUrlPattern",
      "uploadBucketName",
    ]);
    assert.doesNotMatch(dev.stderr, /warning/);
  });

  it("loads only the AWS services it uses", () => {
    const { modules, packages } = dev.report!;
    assert.ok(modules.includes("@pulumi/aws/s3/index.js"));
    assert.ok(!modules.includes("@pulumi/aws/index.js"), "@pulumi/aws's index loads every service");
    assert.ok(!modules.includes("@pulumi/aws/ec2/index.js"));
    assert.deepEqual(functionRuntimePackages(packages), []);
  });

  it("stops at a bad setting with a message naming its key", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "bad-stack-"));
    try {
      const settings = path.join(folder, "Pulumi.bad.yaml");
      writeFileSync(settings, "config:\n  vod-multidrm:ladder:\n    - 1280x720\n");
      const run = runUnderLanguageHost(ROOT, "bad", { stackFile: settings });
      assert.equal(run.status, 32, run.stderr);
      assert.match(run.stderr, /vod-multidrm:ladder: "1280x720" is not WIDTHxHEIGHT@BITRATE/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "a message, not a stack trace");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("runs every feature, with each feature's outputs", function () {
    this.timeout(120_000);
    const full = runUnderLanguageHost(ROOT, "full", { stackFile: FULL_STACK });
    assert.equal(full.status, 0, full.stderr);
    assert.deepEqual(registered(full), planned("--stack", "full", "--config-file", FULL_STACK));
    for (const output of ["kmsSpekeUrl", "licenseTokenUrl", "liveHlsUrl", "liveCmafUrl"]) {
      assert.ok(full.report!.outputs.includes(output), output);
    }
    assert.ok(full.report!.packages.includes("@pulumi/aws-native"));
    assert.deepEqual(functionRuntimePackages(full.report!.packages), []);
    assert.doesNotMatch(full.stderr, /warning/);
  });
});

describe("main.js, the program's entry point", () => {
  let project: string;
  beforeEach(() => {
    // A project of its own, with this project's packages and entry point.
    project = mkdtempSync(path.join(tmpdir(), "entry-point-"));
    writeFileSync(path.join(project, "main.js"), readFileSync(path.join(ROOT, "main.js")));
    symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it("writes the bundle under a name of its content, and deletes bundles unused for a day", async () => {
    writeFileSync(path.join(project, "index.ts"), "export const answer: number = 42;\n");
    const { buildProgram } = require(path.join(project, "main.js"));
    const first: string = await buildProgram();
    assert.match(path.basename(first), /^program-[0-9a-f]{16}\.js$/);
    assert.equal(require(first).answer, 42);
    const folder = path.dirname(first);
    const old = path.join(folder, "program-0000000000000000.js");
    writeFileSync(old, "");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    assert.equal(await buildProgram(), first, "the same sources, the same bundle");
    assert.ok(!existsSync(old), "an old bundle is deleted");
    assert.ok(existsSync(first));
  });

  it("says what it needs when it cannot write its bundle", async () => {
    // A project whose node_modules holds the packages main.js loads, and a file where the
    // cache folder would go.
    const own = mkdtempSync(path.join(tmpdir(), "entry-point-unwritable-"));
    try {
      writeFileSync(path.join(own, "main.js"), readFileSync(path.join(ROOT, "main.js")));
      writeFileSync(path.join(own, "index.ts"), "export const answer = 42;\n");
      mkdirSync(path.join(own, "node_modules", "@pulumi"), { recursive: true });
      for (const name of ["esbuild", "@esbuild", "@pulumi/pulumi"]) {
        symlinkSync(path.join(ROOT, "node_modules", name), path.join(own, "node_modules", name));
      }
      writeFileSync(path.join(own, "node_modules", ".cache"), "");
      const { buildProgram } = require(path.join(own, "main.js"));
      await assert.rejects(buildProgram(), (error: Error) => {
        assert.ok(pulumi.RunError.isInstance(error));
        assert.match(
          error.message,
          /^Deploying needs a writable node_modules\/\.cache\/vod-multidrm\/ in the project: /,
        );
        return true;
      });
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("stops a deploy whose sources do not parse with a message naming the file and line", async () => {
    writeFileSync(path.join(project, "index.ts"), 'import "./broken";\n');
    writeFileSync(path.join(project, "broken.ts"), "export const a = ;\n");
    const { buildProgram } = require(path.join(project, "main.js"));
    await assert.rejects(buildProgram(), (error: Error) => {
      // A RunError: the language host prints its message alone, without a stack trace.
      assert.ok(pulumi.RunError.isInstance(error));
      assert.match(error.message, /^Bundling the program failed: broken\.ts:1:18: Unexpected ";"$/);
      // The host formats the stack anyway, and Node's inspect loops for seconds on the
      // SDK's frames an error made after an await has: it carries none.
      assert.equal(error.stack, `RunError: ${error.message}`);
      return true;
    });
    // As `pulumi preview` runs it: the message, and the host's status for a reported error.
    writeFileSync(path.join(project, "Pulumi.yaml"), readFileSync(path.join(ROOT, "Pulumi.yaml")));
    writeFileSync(
      path.join(project, "package.json"),
      readFileSync(path.join(ROOT, "package.json")),
    );
    writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config: {}\n");
    const run = runUnderLanguageHost(project, "dev");
    assert.equal(run.status, 32, run.stderr);
    assert.match(run.stderr, /error: \[runtime\] Bundling the program failed: broken\.ts:1:18/);
  });
});
