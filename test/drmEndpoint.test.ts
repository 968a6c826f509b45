import * as assert from "node:assert/strict";
import { DrmEndpoint, DrmEndpointArgs, liveContentIds } from "../components/drmEndpoint";
import { DRM_SYSTEM_IDS, isValidContentId } from "../shared/drm";
import { MOCK_REGION, PlannedStack } from "../plan/mockCloud";
import { SECRET_PLACEHOLDER } from "../plan/stackConfig";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";
import { AWS, AWS_NATIVE } from "./support/resourceTypes";

const SPEKE_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/Production/cpix/getKey";
const EXECUTE_API_ARN =
  "arn:aws:execute-api:us-east-1:123456789012:abc123/Production/POST/cpix/getKey";
const ENDPOINT = AWS_NATIVE.mediapackage.OriginEndpoint;
const CHANNEL = AWS.mediapackage.Channel;

const { Widevine, PlayReady, FairPlay } = DRM_SYSTEM_IDS;

/** A program with one live endpoint; its public outputs become the stack's outputs. */
const liveProgram =
  (args: Partial<DrmEndpointArgs> = {}) =>
  () => {
    const live = new DrmEndpoint("live", {
      spekeUrl: SPEKE_URL,
      executeApiArn: EXECUTE_API_ARN,
      contentId: "channel-1",
      ...args,
    });
    return {
      contentIds: live.contentIds,
      ingestEndpoints: live.ingestEndpoints,
      ingestUrls: live.ingestUrls,
      hlsPlaybackUrl: live.hlsPlaybackUrl,
      dashPlaybackUrl: live.dashPlaybackUrl,
      cmafPlaybackUrl: live.cmafPlaybackUrl,
    };
  };

/** An endpoint's one package and its encryption. */
function packageOf(plan: PlannedStack, name: string) {
  const inputs = named(plan, ENDPOINT, name).inputs;
  const pkg = inputs.hlsPackage ?? inputs.dashPackage ?? inputs.cmafPackage;
  return { pkg, encryption: pkg.encryption, speke: pkg.encryption.spekeKeyProvider };
}

describe("DrmEndpoint", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(liveProgram());
  });

  it("creates a MediaPackage channel whose ingest passwords are secret in state", () => {
    const channel = named(plan, CHANNEL, "live");
    assert.equal(channel.inputs.channelId, "live");
    assert.deepEqual(channel.options.additionalSecretOutputs, ["hlsIngests"]);
  });

  it("encrypts HLS with SAMPLE-AES for FairPlay only", () => {
    const { encryption, speke } = packageOf(plan, "live-hls");
    assert.equal(encryption.encryptionMethod, "SAMPLE_AES");
    assert.deepEqual(speke.systemIds, [FairPlay]);
  });

  it("encrypts DASH for Widevine and PlayReady", () => {
    const { speke } = packageOf(plan, "live-dash");
    assert.deepEqual(speke.systemIds, [Widevine, PlayReady]);
  });

  it("asks the gateway for keys, as the SPEKE role, with SPEKE v1", () => {
    const role = named(plan, AWS.iam.Role, "live-speke");
    for (const name of ["live-hls", "live-dash"]) {
      const { speke } = packageOf(plan, name);
      assert.equal(speke.url, SPEKE_URL);
      assert.equal(speke.roleArn, role.outputs.arn);
      assert.equal(speke.encryptionContractConfiguration, undefined, "SPEKE v1");
    }
  });

  it("keys each endpoint by its own content id: MediaPackage refuses one id for two encryptions", async () => {
    const withCmaf = await runProgram(liveProgram({ cmaf: true }));
    const ids = ["live-hls", "live-dash", "live-cmaf"].map(
      (name) => packageOf(withCmaf, name).speke.resourceId,
    );
    assert.deepEqual(ids, ["channel-1-hls", "channel-1-dash", "channel-1-cmaf"]);
    assert.equal(new Set(ids).size, ids.length, "no two endpoints share an id");
    assert.ok(ids.every(isValidContentId), "each is a valid PallyCon content id");
    assert.deepEqual((withCmaf.outputs as Record<string, unknown>).contentIds, {
      hls: "channel-1-hls",
      dash: "channel-1-dash",
      cmaf: "channel-1-cmaf",
    });
  });

  it("outputs the content id of each format it serves, and none for CMAF without it", () => {
    assert.deepEqual((plan.outputs as Record<string, unknown>).contentIds, {
      hls: "channel-1-hls",
      dash: "channel-1-dash",
    });
    assert.deepEqual(liveContentIds("x"), { hls: "x-hls", dash: "x-dash" });
  });

  it("sets key rotation to 0 explicitly on every endpoint (MediaPackage's default is 60 s)", () => {
    for (const endpoint of ofType(plan, ENDPOINT)) {
      assert.equal(packageOf(plan, endpoint.name).encryption.keyRotationIntervalSeconds, 0);
    }
  });

  it("rotates keys at a configured interval", async () => {
    const rotating = await runProgram(liveProgram({ keyRotationIntervalSeconds: 600 }));
    for (const endpoint of ofType(rotating, ENDPOINT)) {
      assert.equal(packageOf(rotating, endpoint.name).encryption.keyRotationIntervalSeconds, 600);
    }
  });

  it("adds a cbcs CMAF endpoint for all three DRMs only when asked", async () => {
    assert.deepEqual(
      ofType(plan, ENDPOINT).map((e) => e.name),
      ["live-hls", "live-dash"],
    );
    const withCmaf = await runProgram(liveProgram({ cmaf: true }));
    const { pkg, encryption, speke } = packageOf(withCmaf, "live-cmaf");
    assert.equal(encryption.encryptionMethod, "SAMPLE_AES");
    assert.deepEqual(speke.systemIds, [Widevine, PlayReady, FairPlay]);
    assert.equal(pkg.hlsManifests.length, 1);
    assert.match((withCmaf.outputs as Record<string, string>).cmafPlaybackUrl, /^https:\/\//);
  });

  it("lets MediaPackage assume the SPEKE role with no condition AWS does not document for SPEKE", () => {
    // AWS documents aws:SourceArn/aws:SourceAccount for MediaPackage v1 only for harvest
    // jobs; a condition on a key the service does not send would deny every key request.
    const statements = statementsOf(
      named(plan, AWS.iam.Role, "live-speke").inputs.assumeRolePolicy,
    );
    assert.equal(statements.length, 1);
    const [trust] = statements;
    assert.equal(trust.Effect, "Allow");
    assert.deepEqual(trust.Principal, { Service: "mediapackage.amazonaws.com" });
    assert.deepEqual(actionsOf(trust), ["sts:AssumeRole"]);
    assert.equal(trust.Condition, undefined);
  });

  it("lets the SPEKE role do nothing but invoke the gateway's SPEKE route", () => {
    const statements = statementsOf(named(plan, AWS.iam.RolePolicy, "live-speke").inputs.policy);
    assert.equal(statements.length, 1);
    assert.deepEqual(actionsOf(statements[0]), ["execute-api:Invoke"]);
    assert.equal(statements[0].Resource, EXECUTE_API_ARN);
  });

  it("creates the endpoints after the role's grant, through an aws-native provider in the aws region", () => {
    const provider = named(plan, "pulumi:providers:aws-native", "live-native");
    assert.equal(provider.inputs.region, MOCK_REGION);
    for (const endpoint of ofType(plan, ENDPOINT)) {
      assert.equal(endpoint.options.provider, "pulumi:providers:aws-native::live-native");
      assert.deepEqual(endpoint.options.dependsOn, ["aws:iam/rolePolicy:RolePolicy::live-speke"]);
    }
  });

  it("exposes ingest credentials only as a secret, and the playback URLs", () => {
    const outputs = plan.outputs as Record<string, any>;
    assert.equal(outputs.ingestEndpoints, SECRET_PLACEHOLDER);
    assert.equal(outputs.ingestUrls.length, 2);
    assert.ok(outputs.ingestUrls.every((url: string) => url.startsWith("https://")));
    assert.match(outputs.hlsPlaybackUrl, /\.m3u8$/);
    assert.match(outputs.dashPlaybackUrl, /\.mpd$/);
    assert.equal(outputs.cmafPlaybackUrl, undefined);
  });

  describe("arguments", () => {
    const construct = (args: Partial<DrmEndpointArgs>) => () => runProgram(liveProgram(args));

    for (const rotation of [60, 299, 1.5, -300]) {
      it(`rejects a key rotation of ${rotation} s`, async () => {
        await assert.rejects(
          construct({ keyRotationIntervalSeconds: rotation }),
          /`keyRotationIntervalSeconds`/,
        );
      });
    }

    for (const contentId of ["", "a b", "caf\u00e9", "x".repeat(201), "a/b"]) {
      it(`rejects the content id ${JSON.stringify(contentId.slice(0, 20))}`, async () => {
        await assert.rejects(construct({ contentId }), /`contentId`/);
      });
    }

    it("accepts a 195-character content id of every allowed character: its -cmaf id is 200", async () => {
      const contentId = `${"Az09_-".repeat(32)}abc`;
      assert.equal(contentId.length, 195);
      const longest = await runProgram(liveProgram({ contentId, cmaf: true }));
      const cmafId = packageOf(longest, "live-cmaf").speke.resourceId;
      assert.equal(cmafId, `${contentId}-cmaf`);
      assert.equal(cmafId.length, 200);
    });

    it("rejects a 196-character content id, whose -cmaf id would pass 200", async () => {
      await assert.rejects(construct({ contentId: "x".repeat(196) }), /`contentId`.*1-195/);
    });

    it("rejects a channel id MediaPackage would refuse", async () => {
      await assert.rejects(construct({ channelId: "live.channel" }), /`channelId`/);
    });
  });
});
