import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { CachedBuildOptions, cachedBuild, freshBuild, lookUp, ROOT } from "../build/cachedBuild";
import { deploymentFile, pruneDeploymentFiles } from "../build/deploymentFiles";
import { lambdaFunction } from "../components/common/lambdaFunction";
import { BUNDLE_GROUPS, bundleFunction, bundleOptions, FunctionName } from "../functions/bundle";
import { assetBytes, named, runProgram } from "./support/mockProgram";

const FUNCTIONS: FunctionName[] = ["convert", "metadata", "licenseToken"];
/** A modification time long past. */
const SETTLED = new Date("2026-01-01T00:00:00Z");

/** The text of one file of a Lambda function's archive, as the engine reads it. */
async function archived(code: any, file: string): Promise<string> {
  const assets = await code.assets;
  return (await assetBytes(assets[file])).toString("utf8");
}

/** Runs `body` with the build cache in a fresh folder, or off; puts the setting back. */
async function withCache<T>(setting: string, body: () => Promise<T>): Promise<T> {
  const previous = process.env.VOD_BUILD_CACHE;
  process.env.VOD_BUILD_CACHE = setting;
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env.VOD_BUILD_CACHE;
    else process.env.VOD_BUILD_CACHE = previous;
  }
}

describe("the Lambda bundles the program deploys", () => {
  for (const fn of FUNCTIONS) {
    it(`deploys ${fn}'s bundle byte for byte as esbuild builds it afresh`, async () => {
      const plan = await runProgram(() => {
        const parent = new aws.sqs.Queue("parent");
        lambdaFunction({
          name: "vod",
          fn,
          parent,
          description: fn,
          environment: {},
          statements: [],
          logRetentionDays: 30,
        });
      });
      const code = named(plan, "aws:lambda/function:Function", `vod-${fn}`).inputs.code;
      const group = BUNDLE_GROUPS.find((names) => names.includes(fn))!;
      const fresh = (await freshBuild(bundleOptions(group))).find(
        (file) => path.basename(file.path) === `${fn}.js`,
      )!;
      assert.ok((await archived(code, "index.js")) === fresh.text, "index.js differs");
      // What the tests run (bundleFunction) is what is deployed.
      assert.ok(bundleFunction(fn).code === fresh.text, "bundleFunction differs");
    });
  }

  it("ships MediaInfo's WebAssembly beside the convert function's code", async () => {
    const plan = await runProgram(() => {
      lambdaFunction({
        name: "vod",
        fn: "convert",
        parent: new aws.sqs.Queue("parent"),
        description: "convert",
        environment: {},
        statements: [],
        logRetentionDays: 30,
      });
    });
    const code = named(plan, "aws:lambda/function:Function", "vod-convert").inputs.code;
    const wasm = (await code.assets)["MediaInfoModule.wasm"];
    assert.equal(await wasm.path, require.resolve("mediainfo.js/MediaInfoModule.wasm"));
  });

  it("hands the engine each bundle as a file named by its content, not as text for the state", async () => {
    const plan = await runProgram(() => {
      lambdaFunction({
        name: "vod",
        fn: "metadata",
        parent: new aws.sqs.Queue("parent"),
        description: "metadata",
        environment: {},
        statements: [],
        logRetentionDays: 30,
      });
    });
    const code = named(plan, "aws:lambda/function:Function", "vod-metadata").inputs.code;
    const index = (await code.assets)["index.js"];
    assert.equal(await index.text, undefined, "not a StringAsset");
    const file = await index.path;
    assert.match(file, /^node_modules\/\.cache\/vod-multidrm\/deploy\/[0-9a-f]{32}\/index\.js$/);
    const hash = createHash("sha256").update(bundleFunction("metadata").code).digest("hex");
    assert.equal(file.split("/")[4], hash.slice(0, 32), "the folder is the content's hash");
  });
});

describe("the build cache", () => {
  let project: string;
  let cache: string;
  const options: CachedBuildOptions = {
    entryPoints: ["entry.ts"],
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "silent",
  };
  const build = () => withCache(cache, () => cachedBuild({ ...options, absWorkingDir: project }));
  const find = () => withCache(cache, async () => lookUp({ ...options, absWorkingDir: project }));
  /** Writes a project file, always with the same old date: settled, so its build may be stored. */
  const write = (file: string, text: string) => {
    writeFileSync(path.join(project, file), text);
    utimesSync(path.join(project, file), SETTLED, SETTLED);
  };

  beforeEach(() => {
    project = mkdtempSync(path.join(tmpdir(), "build-cache-project-"));
    cache = mkdtempSync(path.join(tmpdir(), "build-cache-"));
    write("entry.ts", 'import { answer } from "./answer";\nconsole.log(answer);\n');
    write("answer.js", "exports.answer = 41;\n");
  });
  afterEach(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it("gives back, from a hit, the bytes of the build that stored it", async () => {
    const [built] = await build();
    assert.equal(readdirSync(cache).length, 1, "one entry stored");
    const [hit] = (await find())!;
    assert.deepEqual(Buffer.from(hit.contents), Buffer.from(built.contents));
    assert.match(hit.text, /41/);
  });

  it("rebuilds after a source edit that keeps its size and modification time", async () => {
    await build();
    // Same length, same date: only the content tells.
    write("answer.js", "exports.answer = 42;\n");
    assert.equal(await find(), undefined, "the stored build is not used");
    const [rebuilt] = await build();
    assert.match(rebuilt.text, /42/);
    assert.doesNotMatch(rebuilt.text, /41/);
  });

  it("rebuilds when a new file changes what an import resolves to", async () => {
    await build();
    // esbuild prefers answer.ts to answer.js for "./answer".
    write("answer.ts", "export const answer: number = 43;\n");
    assert.equal(await find(), undefined);
    assert.match((await build())[0].text, /43/);
  });

  it("rebuilds when a package.json that steers resolution changes", async () => {
    await build();
    write("package.json", '{ "name": "changed" }\n');
    assert.equal(await find(), undefined);
  });

  it("vouches for installed packages by npm's install record, which every install rewrites", async () => {
    mkdirSync(path.join(project, "node_modules", "dep"), { recursive: true });
    write("node_modules/dep/index.js", "exports.answer = 46;\n");
    write(
      "node_modules/.package-lock.json",
      '{ "packages": { "node_modules/dep": { "version": "1.0.0" } } }\n',
    );
    write("entry.ts", 'import { answer } from "dep";\nconsole.log(answer);\n');
    await build();
    assert.ok(await find(), "stored");
    // Like webpack's managed paths: a package's own files are not read again.
    write("node_modules/dep/index.js", "exports.answer = 47;\n");
    assert.ok(await find(), "a hand edit inside node_modules goes unseen");
    write(
      "node_modules/.package-lock.json",
      '{ "packages": { "node_modules/dep": { "version": "1.0.1" } } }\n',
    );
    assert.equal(await find(), undefined, "a new install record rebuilds");
    assert.match((await build())[0].text, /47/);
  });

  it("does not store a build whose inputs were edited just before or while it ran", async () => {
    writeFileSync(path.join(project, "answer.js"), "exports.answer = 44;\n");
    await build();
    assert.equal(readdirSync(cache).length, 0);
  });

  it("stores a build with a module a browser field disables, and drops it when the field changes", async () => {
    // video.js's dependencies map `min-document` to false for browsers: the player build has
    // such an input, named "(disabled):…", with no content of its own to hash.
    const browser = { ...options, platform: "browser" as const, absWorkingDir: project };
    write("package.json", '{ "browser": { "./answer.js": false } }\n');
    const [built] = await withCache(cache, () => cachedBuild(browser));
    assert.doesNotMatch(built.text, /41/, "the module is disabled");
    assert.equal(readdirSync(cache).length, 1, "the build is stored");
    assert.ok(await withCache(cache, async () => lookUp(browser)), "and found");
    write("package.json", "{}\n");
    assert.equal(await withCache(cache, async () => lookUp(browser)), undefined);
  });

  it("shares a build under way between requests for it, and looks again once it is done", async () => {
    const first = withCache(cache, () => {
      const [a, b] = [
        cachedBuild({ ...options, absWorkingDir: project }),
        cachedBuild({ ...options, absWorkingDir: project }),
      ];
      assert.equal(a, b, "the second request shares the first build");
      return a;
    });
    await first;
    write("answer.js", "exports.answer = 45;\n");
    assert.match((await build())[0].text, /45/, "a request after it is a new build");
  });

  it("is not consulted when turned off", async () => {
    await build();
    assert.equal(
      await withCache("off", async () => lookUp({ ...options, absWorkingDir: project })),
      undefined,
    );
  });
});

describe("esbuild's service process", () => {
  const TINY: CachedBuildOptions = {
    stdin: { contents: "export const x = 1;" },
    logLevel: "silent",
  };

  /** Runs `build`, recording each esbuild process it starts and the environment it gets. */
  async function started(build: () => Promise<unknown>) {
    const childProcess = require("node:child_process") as typeof import("node:child_process");
    const spawn = childProcess.spawn;
    const processes: { env: NodeJS.ProcessEnv; child: ChildProcess }[] = [];
    childProcess.spawn = ((command: string, args: readonly string[], options: SpawnOptions) => {
      const child = spawn(command, args, options);
      processes.push({ env: options.env ?? process.env, child });
      return child;
    }) as typeof spawn;
    try {
      await build();
    } finally {
      childProcess.spawn = spawn;
    }
    return processes;
  }

  it("runs with Go's garbage collector off, a core left to the program, and only as long as the builds under way", async () => {
    const [service, ...more] = await started(() => freshBuild(TINY));
    assert.equal(more.length, 0);
    assert.equal(service.env.GOGC, "off");
    assert.equal(service.env.GOMEMLIMIT, "1GiB", "Go collects should a build near 1 GiB");
    assert.equal(service.env.GOMAXPROCS, String(Math.max(1, availableParallelism() - 1)));
    assert.equal(service.env.PATH, process.env.PATH, "the rest of the environment is passed on");
    assert.ok(service.child.exitCode !== null || service.child.signalCode !== null, "stopped");
    assert.equal(process.env.GOGC, undefined, "this process's environment is untouched");
  });

  it("keeps Go settings the environment already has", async () => {
    process.env.GOGC = "200";
    try {
      const [service] = await started(() => freshBuild(TINY));
      assert.equal(service.env.GOGC, "200");
    } finally {
      delete process.env.GOGC;
    }
  });
});

describe("the files the deployment uploads", () => {
  const DAYS_AGO = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);

  it("are written once per content, under a path named by it, relative to the project", () => {
    const text = `deployment file ${Date.now()} ${Math.random()}\n`;
    const first = deploymentFile("index.js", text);
    assert.equal(deploymentFile("index.js", text), first, "the same content, the same path");
    assert.notEqual(deploymentFile("index.js", `${text}.`), first, "other content, another path");
    assert.ok(!path.isAbsolute(first));
    assert.equal(readFileSync(path.join(ROOT, first), "utf8"), text);
  });

  it("are deleted once no deployment has used them for a day", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "deployment-files-"));
    try {
      for (const name of ["old", "recent"]) {
        mkdirSync(path.join(folder, name));
        writeFileSync(path.join(folder, name, "index.js"), name);
      }
      utimesSync(path.join(folder, "old"), DAYS_AGO, DAYS_AGO);
      pruneDeploymentFiles(folder);
      assert.deepEqual(readdirSync(folder), ["recent"]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
