import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AWS } from "./support/resourceTypes";

const ROOT = path.resolve(__dirname, "..");
const PLACEHOLDERS =
  /\nAccount ids, ARNs, domains and URLs are placeholders \(account 123456789012, us-east-1\); `pulumi up` assigns the real ones\.\n$/;

/** Runs `npm run plan` the way a user does, in a fresh process. */
function plan(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "plan/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the offline plan", () => {
  it("prints the dev stack as a tree of components, children and key properties", () => {
    const { status, stdout, stderr } = plan("--stack", "dev");
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

  it("gives a machine-readable form with --json", () => {
    const { status, stdout, stderr } = plan("--stack", "dev", "--json");
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

  it("prints the policy verdicts after the outputs, then when each policy binds", () => {
    const { stdout } = plan("--stack", "dev");
    assert.match(
      stdout,
      /\nPolicy verdicts \(\d+ policies\): 0 mandatory, 0 advisory violations\nBinding: \d+ policies block at `pulumi preview`; \d+ only at `pulumi up`/,
    );
    assert.match(stdout, /\n {2}\[up\] iam-no-wildcard-actions\n/);
    assert.match(stdout, /\n {2}\[preview\] s3-bucket-public-access-blocked\n/);
  });

  it("plans the prod stack: every feature, no violation, secrets never shown", () => {
    const { status, stdout, stderr } = plan("--stack", "prod");
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

  it("says nothing of secrets a stack does not use", () => {
    assert.doesNotMatch(plan("--stack", "dev").stdout, /Note:/);
  });

  it("plans a stack with every feature on", () => {
    const { status, stdout, stderr } = plan(
      "--stack",
      "full",
      "--config-file",
      "test/stacks/Pulumi.full.yaml",
      "--json",
    );
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

  it("fails with status 2 and prints the fix when a mandatory policy is violated", () => {
    const { status, stdout } = plan(
      "--stack",
      "full",
      "--config-file",
      "test/stacks/Pulumi.full.yaml",
      "--policy-config",
      "test/stacks/policy-config.strict-cors.json",
    );
    assert.equal(status, 2);
    assert.match(stdout, /Policy verdicts \(\d+ policies\): 1 mandatory, 0 advisory violations/);
    assert.match(
      stdout,
      /\[mandatory\] s3-cors-allowed-origins: aws:s3\/bucketCorsConfiguration:BucketCorsConfiguration vod-output\n {6}CORS allows "http:\/\/localhost:8080", which is not in the allowed origins\.\n {6}fix: Requires bucket CORS rules/,
    );
  });

  it("fails with a message naming each bad key", () => {
    const { status, stdout, stderr } = plan(
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

  it("names an undeclared key of the project and suggests the declared one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plan-typo-"));
    try {
      const file = path.join(dir, "Pulumi.typo.yaml");
      writeFileSync(
        file,
        "config:\n  aws:region: eu-west-1\n  vod-multidrm:ladders:\n    - 640x360@1M\n",
      );
      const { status, stdout, stderr } = plan("--stack", "typo", "--config-file", file);
      assert.equal(status, 1);
      assert.equal(stdout, "");
      assert.match(
        stderr,
        /vod-multidrm:ladders: is not a key this program reads \(Pulumi\.yaml declares them\); did you mean vod-multidrm:ladder\?/,
      );
      assert.doesNotMatch(stderr, /aws:region/, "other namespaces are not checked");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says that the account ids, ARNs and domains it prints are placeholders", () => {
    const { stdout, stderr } = plan("--stack", "dev");
    assert.match(stdout, PLACEHOLDERS);
    assert.match(stdout, /arn:aws:[a-z0-9-]+:us-east-1:123456789012:/);
    assert.equal(stderr, "", "nothing on stderr for a plan that succeeds");
  });

  it("prints its usage with --help and exits 0", () => {
    const { status, stdout } = plan("--help");
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
    assert.equal(plan("-h").stdout, stdout);
  });

  it("prints the usage and exits non-zero for an unknown flag or a missing value", () => {
    for (const args of [["--stacks", "dev"], ["--stack"], ["dev"]]) {
      const { status, stdout, stderr } = plan(...args);
      assert.equal(status, 1, args.join(" "));
      assert.equal(stdout, "");
      assert.match(stderr, /^plan: .+\n\nUsage: npm run plan -- \[options\]\n/, args.join(" "));
    }
    assert.match(plan("--stacks", "dev").stderr, /^plan: Unknown option '--stacks'/);
  });

  it("writes a long --json plan whole through a pipe, and ends by itself", () => {
    // --config-file and --json: the largest output, which a process.exit could cut short.
    const { status, stdout } = plan(
      "--stack",
      "full",
      "--config-file",
      "test/stacks/Pulumi.full.yaml",
      "--json",
    );
    assert.equal(status, 0);
    assert.ok(stdout.length > 100_000, `${stdout.length} bytes`);
    assert.equal(JSON.parse(stdout).stack, "full");
  });

  it("fails clearly for a stack without a settings file", () => {
    const { status, stderr } = plan("--stack", "nope");
    assert.equal(status, 1);
    assert.match(stderr, /No settings file for stack "nope": Pulumi\.nope\.yaml does not exist/);
  });
});
