import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { estimateCost, settingsFromConfig } from "../plan/cost";
import type { PlannedStack } from "../plan/mockCloud";
import { readPlanConfig } from "../plan/stackConfig";
import { bindingMismatches, isCantRun, previewVerdicts } from "../plan/verdicts";
import { AWS } from "./support/resourceTypes";
import { plan } from "./support/planRuns";

const PLACEHOLDERS =
  /\nAccount ids, ARNs, domains and URLs are placeholders \(account 123456789012, us-east-1\); `pulumi up` assigns the real ones\.\n$/;
const FULL = ["--stack", "full", "--config-file", "test/stacks/Pulumi.full.yaml"];

describe("the offline plan", () => {
  // The plans several tests read, started side by side; each runs once (support/planRuns.ts).
  const SHARED = [
    ["--stack", "dev"],
    ["--stack", "dev", "--json"],
    ["--stack", "prod"],
    ["--stack", "prod", "--json"],
    [...FULL, "--json"],
  ];
  before(() => SHARED.forEach((args) => void plan(...args)));

  it("prints the dev stack as a tree of components, children and key properties", async () => {
    const { status, stdout, stderr } = await plan("--stack", "dev");
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^Plan for vod-multidrm\/dev: \d+ resources/);
    assert.match(stdout, /└─ vod:index:VodPipeline vod\n/);
    assert.match(stdout, /\n {3}├─ vod:index:PrivateBucket vod-source\n/);
    assert.match(
      stdout,
      /aws:s3\/bucketPublicAccessBlock:BucketPublicAccessBlock vod-output {2}blockAll=true/,
    );
    assert.match(
      stdout,
      /aws:cloudfront\/distribution:Distribution vod-cdn {2}priceClass=PriceClass_100 {2}viewer=redirect-to-https/,
    );
    assert.match(
      stdout,
      /aws:s3\/bucket:Bucket vod-source {2}forceDestroy=true/,
      "Pulumi.dev.yaml is applied",
    );
    assert.match(stdout, /\nOutputs:\n(  .*\n)*  uploadBucketName: vod-source/);
  });

  it("gives a machine-readable form with --json", async () => {
    const { status, stdout, stderr } = await plan("--stack", "dev", "--json");
    assert.equal(status, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.stack, "dev");
    const fn = result.resources.find(
      (r: any) => r.type === AWS.lambda.Function && r.name === "vod-convert",
    );
    assert.equal(fn.parent, "vod:index:VodPipeline::vod");
    assert.equal(fn.inputs.environment.variables.APPLICATION_NAME, "vod-multidrm-dev");
    assert.deepEqual(
      result.violations,
      [],
      "the policy pack passes everything the dev stack registers",
    );
  });

  it("prints the policy verdicts after the outputs, then when each policy binds", async () => {
    const { stdout } = await plan("--stack", "dev");
    assert.match(
      stdout,
      /\nPolicy verdicts \(\d+ policies\): 0 mandatory, 0 advisory violations\nBinding: \d+ policies block at `pulumi preview`; \d+ only at `pulumi up`/,
    );
    assert.match(stdout, /\n {2}\[up\] iam-no-wildcard-actions\n/);
    assert.match(stdout, /\n {2}\[preview\] s3-bucket-public-access-blocked\n/);
  });

  it("plans the prod stack: every feature, no violation, secrets never shown", async () => {
    const { status, stdout, stderr } = await plan("--stack", "prod");
    assert.equal(status, 0, stderr);
    assert.match(
      stdout,
      /\nPolicy verdicts \(\d+ policies\): 0 mandatory, 0 advisory violations\n/,
    );
    for (const component of [
      "PallyConGateway kms",
      "DrmEndpoint live",
      "LicenseTokenService vod-tokens",
    ]) {
      assert.ok(stdout.includes(`vod:index:${component}`), component);
    }
    assert.match(stdout, /\n {2}liveIngestEndpoints: \[secret\]\n/);
    assert.match(stdout, /Integration kms-proxy-any .*parameters=\[secret\]/);
    // The secrets are not committed: the plan says which ones the stack still needs.
    for (const key of ["kmsGatewayEncToken", "licenseSiteKey", "licenseAccessKey"]) {
      assert.match(stdout, new RegExp(`Note: vod-multidrm:${key} is not set for this stack`));
    }
  });

  it("says nothing of secrets a stack does not use", async () => {
    assert.doesNotMatch((await plan("--stack", "dev")).stdout, /Note:/);
  });

  it("plans a stack with every feature on", async () => {
    const { status, stdout, stderr } = await plan(...FULL, "--json");
    assert.equal(status, 0, stderr);
    const { resources, violations } = JSON.parse(stdout);
    assert.deepEqual(violations, [], "the policy pack passes everything the full stack registers");
    const env = resources.find(
      (r: any) => r.name === "vod-convert" && r.type === AWS.lambda.Function,
    ).inputs.environment.variables;
    assert.equal(env.RATE_CONTROL, "QVBR");
    assert.match(env.SPEKE_URL, /\/drm\/cpix\/getKey$/);
    assert.equal(env.DRM_CLEAR_OUTPUTS, "true");
    assert.equal(JSON.parse(env.LADDER).length, 5);
    assert.ok(resources.some((r: any) => r.type === AWS.sns.TopicSubscription));
  });

  it("fails with status 2 and prints the fix when a mandatory policy is violated", async () => {
    const { status, stdout } = await plan(
      ...FULL,
      "--policy-config",
      "test/stacks/policy-config.strict-cors.json",
    );
    assert.equal(status, 2);
    assert.match(stdout, /Policy verdicts \(\d+ policies\): 1 mandatory, 0 advisory violations/);
    assert.match(
      stdout,
      /\[mandatory\] s3-cors-allowed-origins: aws:s3\/bucketCorsConfiguration:BucketCorsConfiguration vod-output\n {6}CORS allows "https:\/\/localhost:8443", which is not in the allowed origins\.\n {6}fix: Requires bucket CORS rules/,
    );
  });

  it("fails with a message naming each bad key", async () => {
    const { status, stdout, stderr } = await plan(
      "--stack",
      "bad",
      "--config-file",
      "test/stacks/Pulumi.bad.yaml",
    );
    assert.equal(status, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /vod-multidrm:ladder: "1280x720" is not WIDTHxHEIGHT@BITRATE/);
    assert.match(stderr, /vod-multidrm:cdnCorsAllowedOrigins: "\*" is not an origin/);
    assert.match(stderr, /vod-multidrm:ladderRateControl: "VBR" must be one of CBR, QVBR/);
  });

  it("prints a configuration error as the list of problems only: no stack, source or Node banner", async () => {
    const { status, stderr } = await plan(
      "--stack",
      "bad",
      "--config-file",
      "test/stacks/Pulumi.bad.yaml",
    );
    assert.equal(status, 1);
    const problems = [
      "  - vod-multidrm:ladder: ",
      "  - vod-multidrm:ladderRateControl: ",
      "  - vod-multidrm:cdnCorsAllowedOrigins: ",
    ];
    const lines = stderr.trimEnd().split("\n");
    assert.equal(lines[0], "Invalid stack configuration:", stderr);
    assert.equal(lines.length, 1 + problems.length, stderr);
    for (const [i, start] of problems.entries()) assert.ok(lines[i + 1].startsWith(start), stderr);
  });

  describe("a stack file with a plain-text secret, a mistyped key and a bad value", () => {
    // One run of one file serves the three checks (a plan loads the SDKs: seconds of work).
    let folder: string;
    let file: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), "plan-problems-"));
      file = path.join(folder, "Pulumi.problems.yaml");
      writeFileSync(
        file,
        "config:\n  aws:region: eu-west-1\n  vod-multidrm:kmsGateway: true\n" +
          "  vod-multidrm:kmsGatewayEncToken: abc\n  vod-multidrm:ladderRateControl: VBR\n" +
          "  vod-multidrm:ladders:\n    - 640x360@1M\n",
      );
    });
    after(() => rmSync(folder, { recursive: true, force: true }));
    const planProblems = () => plan("--stack", "problems", "--config-file", file);

    it("refuses the secret set in plain text, naming the key and the command, never the value", async () => {
      const { status, stdout, stderr } = await planProblems();
      assert.equal(status, 1);
      assert.equal(stdout, "");
      assert.ok(
        stderr.includes(
          "\n  - vod-multidrm:kmsGatewayEncToken: is a secret (Pulumi.yaml declares it `secret: true`) but " +
            "the stack file holds it in plain text (once committed, treat it as leaked and replace it); " +
            "set it encrypted with `pulumi config set --secret vod-multidrm:kmsGatewayEncToken <value>`\n",
        ),
        stderr,
      );
      assert.doesNotMatch(stderr, /abc/, "the value is never quoted");
    });

    it("lists the plain-text secret with the program's own problems", async () => {
      const { stderr } = await planProblems();
      assert.match(stderr, /^Invalid stack configuration:\n/);
      assert.match(stderr, /\n {2}- vod-multidrm:ladderRateControl: "VBR" must be one of/);
    });

    it("names an undeclared key of the project and suggests the declared one", async () => {
      const { stderr } = await planProblems();
      assert.match(
        stderr,
        /vod-multidrm:ladders: is not a key this program reads \(Pulumi\.yaml declares them\); did you mean vod-multidrm:ladder\?/,
      );
      assert.doesNotMatch(stderr, /aws:region/, "other namespaces are not checked");
    });
  });

  it("says that the account ids, ARNs and domains it prints are placeholders", async () => {
    const { stdout, stderr } = await plan("--stack", "dev");
    assert.match(stdout, PLACEHOLDERS);
    assert.match(stdout, /arn:aws:[a-z0-9-]+:us-east-1:123456789012:/);
    assert.equal(stderr, "", "nothing on stderr for a plan that succeeds");
  });

  it("prints its usage with --help and exits 0", async () => {
    const { status, stdout } = await plan("--help");
    assert.equal(status, 0);
    assert.match(stdout, /^Usage: npm run plan -- \[options\]\n/);
    for (const flag of [
      "--stack <name>",
      "--config-file <path>",
      "--policy-config <path>",
      "--json",
    ]) {
      assert.ok(stdout.includes(flag), flag);
    }
    assert.equal((await plan("-h")).stdout, stdout);
  });

  it("prints the usage and exits non-zero for an unknown flag or a missing value", async () => {
    for (const args of [["--stacks", "dev"], ["--stack"], ["dev"]]) {
      const { status, stdout, stderr } = await plan(...args);
      assert.equal(status, 1, args.join(" "));
      assert.equal(stdout, "");
      assert.match(stderr, /^plan: .+\n\nUsage: npm run plan -- \[options\]\n/, args.join(" "));
    }
    assert.match((await plan("--stacks", "dev")).stderr, /^plan: Unknown option '--stacks'/);
  });

  it("writes a long --json plan whole through a pipe, and ends by itself", async () => {
    // --config-file and --json: the largest output, which a process.exit could cut short.
    const { status, stdout } = await plan(...FULL, "--json");
    assert.equal(status, 0);
    assert.ok(stdout.length > 100_000, `${stdout.length} bytes`);
    assert.equal(JSON.parse(stdout).stack, "full");
  });

  it("fails clearly for a stack without a settings file", async () => {
    const { status, stderr } = await plan("--stack", "nope");
    assert.equal(status, 1);
    assert.match(stderr, /No settings file for stack "nope": Pulumi\.nope\.yaml does not exist/);
  });
});

// The first preview's verdicts over the whole stacks, from the plans the tests above read
// (in this file, so that they share the runs: plan/verdicts.ts has its unit tests).
describe("the offline plan, at the first preview", () => {
  for (const args of [["--stack", "dev"], ["--stack", "prod"], FULL]) {
    it(`holds every binding claim over the ${args[1]} stack: only policies that say so wait for up`, async () => {
      const { status, stdout, stderr } = await plan(...args, "--json");
      assert.equal(status, 0, stderr);
      const atPreview = await previewVerdicts(JSON.parse(stdout) as PlannedStack);
      assert.deepEqual(
        atPreview.filter((v) => !isCantRun(v)),
        [],
        "no verdict at the first preview but the engine's can't-run advisories",
      );
      assert.deepEqual(bindingMismatches(atPreview), new Map());
      const waiting = new Set(atPreview.map((v) => v.policyName));
      for (const name of ["s3-bucket-tls-requests-only", "iam-no-wildcard-actions"])
        assert.ok(waiting.has(name), `${name} waits for up: its documents name new ARNs`);
    });
  }
});

describe("the offline plan's cost estimate", () => {
  it("prints the estimate per source minute with the prices' region, date and pages", async () => {
    const { status, stdout, stderr } = await plan("--stack", "prod");
    assert.equal(status, 0, stderr);
    assert.match(
      stdout,
      /\nCost per source minute \(list prices for us-east-1, taken 2026-12-06\)\n {2}MediaConvert: 10 output minutes, DRM packaging separate, accelerated\n/,
    );
    assert.match(
      stdout,
      /\n {4}DASH +_1080 +1920x1080 6000 kb\/s HD <=30fps multi-pass HQ +Professional +not priced\n/,
    );
    assert.match(
      stdout,
      /\n {2}Egress per viewing hour at 1920x1080 \(6096 kb\/s with audio\): 2\.5548 GB; \$0\.2172 at \$0\.085\/GB/,
    );
    assert.match(
      stdout,
      /\n {2}Prices: https:\/\/aws\.amazon\.com\/mediaconvert\/pricing\/, https:\/\/aws\.amazon\.com\/s3\/pricing\/, https:\/\/aws\.amazon\.com\/cloudfront\/pricing\/ \(taken 2026-12-06\)\n/,
    );
  });

  it("carries the same estimate in --json as `cost`", async () => {
    const { status, stdout, stderr } = await plan("--stack", "prod", "--json");
    assert.equal(status, 0, stderr);
    const { cost } = JSON.parse(stdout);
    const prod = readPlanConfig(path.resolve(__dirname, ".."), "prod");
    const expected = estimateCost(settingsFromConfig(prod.values, prod.project));
    assert.deepEqual(cost, JSON.parse(JSON.stringify(expected)));
  });

  it("sets separate and CMAF packaging side by side for a stack with VOD DRM", async () => {
    const text = await plan("--stack", "prod");
    assert.match(
      text.stdout,
      /\n {4}separate: 10 output minutes, 0\.1710 GB-month\n {4}cmaf: {5}6 output minutes, 0\.0845 GB-month \(4 fewer output minutes, 51% less storage\)\n/,
    );
    const { packaging } = JSON.parse((await plan("--stack", "prod", "--json")).stdout);
    assert.deepEqual(
      { separate: packaging.separate.outputMinutes, cmaf: packaging.cmaf.outputMinutes },
      { separate: 10, cmaf: 6 },
    );
    const dev = await plan("--stack", "dev");
    assert.doesNotMatch(dev.stdout, /DRM packaging, per source minute/, "no DRM, no comparison");
  });
});
