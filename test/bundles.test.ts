import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { buildSync } from "esbuild";
import { ROOT } from "../bundling/bundles";
import { lambdaFunction } from "../components/common/lambdaFunction";
import { bundleFunction, FUNCTION_NAMES, FUNCTIONS_BUILD, FunctionName } from "../functions/bundle";
import { PlannedStack } from "../plan/mockCloud";
import { assetBytes, named, runProgram } from "./support/mockProgram";

/** Deploys each handler as a component would. */
function deployAll(): Promise<PlannedStack> {
  return runProgram(() => {
    const parent = new aws.sqs.Queue("parent");
    for (const fn of FUNCTION_NAMES) {
      lambdaFunction({
        name: "vod",
        fn,
        parent,
        description: fn,
        environment: {},
        statements: [],
        logRetentionDays: 30,
      });
    }
  });
}

describe("the Lambda bundles the program deploys", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await deployAll();
  });
  const archive = (fn: FunctionName) =>
    named(plan, "aws:lambda/function:Function", `vod-${fn}`).inputs.code.assets;

  it("deploys each handler byte for byte as esbuild builds it afresh, as the tests run it", async () => {
    const fresh = buildSync({ absWorkingDir: ROOT, ...FUNCTIONS_BUILD, write: false }).outputFiles;
    for (const fn of FUNCTION_NAMES) {
      const expected = fresh.find((file) => path.basename(file.path) === `${fn}.js`)!.text;
      const deployed = (await assetBytes((await archive(fn))["index.js"])).toString("utf8");
      assert.ok(deployed === expected, `${fn}: index.js differs`);
      assert.ok(bundleFunction(fn).code === expected, `${fn}: bundleFunction differs`);
    }
  });

  it("ships MediaInfo's WebAssembly beside the convert function's code", async () => {
    const wasm = (await archive("convert"))["MediaInfoModule.wasm"];
    assert.equal(await wasm.path, require.resolve("mediainfo.js/MediaInfoModule.wasm"));
  });

  it("hands the engine each bundle as a file named by its content, not as text for the state", async () => {
    const index = (await archive("metadata"))["index.js"];
    assert.equal(await index.text, undefined, "not a StringAsset");
    const file: string = await index.path;
    assert.match(file, /^\.bundles\/[0-9a-f]{32}\/index\.js$/, "relative to the project");
    const hash = createHash("sha256").update(bundleFunction("metadata").code).digest("hex");
    assert.equal(file.split("/")[1], hash.slice(0, 32), "the folder is the content's hash");
  });
});
