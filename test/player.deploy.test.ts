import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { buildPlayer } from "../player/build";
import { playerConnectSources } from "../player/csp";
import { PALLYCON_LICENSE_URL } from "../player/src/config";
import { VodPipeline, VodPipelineArgs } from "../components/vodPipeline";
import { deployPlayer, PlayerDeployment } from "../components/vodPipeline/player";
import { PlannedStack } from "../plan/mockCloud";
import { assetBytes, named, ofType, runProgram } from "./support/mockProgram";
import { PIPELINE_LICENSE_TOKENS, TEST_SITE_ID } from "./support/pallyCon";
import { AWS } from "./support/resourceTypes";

const OBJECT = AWS.s3.BucketObjectv2;
const HEADERS = AWS.cloudfront.ResponseHeadersPolicy;
const CACHE = AWS.cloudfront.CachePolicy;

const CONFIG = {
  tokenUrl: "https://tokens.example.com/v1/token",
  fairplayCertificateUrl: "https://license-global.pallycon.com/ri/fpsKeyManager.do?siteId=DEMO",
};

/** A component that deploys the player into a bucket, as VodPipeline does. */
class PlayerHost extends pulumi.ComponentResource {
  public readonly player: PlayerDeployment;
  constructor(name: string) {
    super("test:index:PlayerHost", name, {});
    this.player = deployPlayer({
      name,
      parent: this,
      bucket: "vod-output-bucket",
      config: CONFIG,
      connectSources: playerConnectSources(CONFIG),
    });
    this.registerOutputs({});
  }
}

describe("deployPlayer", () => {
  let plan: PlannedStack;
  let deployment: PlayerDeployment;
  before(async () => {
    plan = await runProgram(() => {
      deployment = new PlayerHost("vod").player;
      return {};
    });
  });

  const csp = () =>
    named(plan, HEADERS, "vod-player").inputs.securityHeadersConfig.contentSecurityPolicy
      .contentSecurityPolicy as string;

  it("uploads every built file under player/ with its content type and cache header", async () => {
    const objects = ofType(plan, OBJECT).filter((o) => o.name !== "vod-player-config");
    const built = buildPlayer();
    assert.deepEqual(
      objects.map((o) => o.inputs.key).sort(),
      built.map((f) => `player/${f.path}`).sort(),
    );
    for (const file of built) {
      const object = objects.find((o) => o.inputs.key === `player/${file.path}`)!;
      assert.equal(object.inputs.bucket, "vod-output-bucket");
      assert.equal(object.inputs.contentType, file.contentType);
      assert.equal(object.inputs.cacheControl, file.cacheControl);
      assert.equal(object.parent, "test:index:PlayerHost::vod");
      const bytes =
        file.role === "page"
          ? Buffer.from(object.inputs.content)
          : await assetBytes(object.inputs.source);
      assert.ok(bytes.equals(file.body), `${file.path} is uploaded byte for byte`);
    }
    const page = named(plan, OBJECT, "vod-player-page").inputs;
    assert.equal(page.key, "player/index.html");
    assert.match(page.contentType, /^text\/html/);
    assert.match(page.cacheControl, /max-age=60\b/);
    assert.match(named(plan, OBJECT, "vod-player-script").inputs.cacheControl, /immutable/);
    // Large files go from disk, kept out of the state; the page goes as text, for diffs.
    assert.equal(named(plan, OBJECT, "vod-player-font").inputs.content, undefined);
    assert.equal(named(plan, OBJECT, "vod-player-script").inputs.content, undefined);
  });

  it("writes config.json with PallyCon's license URL by default", () => {
    const config = named(plan, OBJECT, "vod-player-config").inputs;
    assert.equal(config.key, "player/config.json");
    assert.equal(config.contentType, "application/json");
    assert.deepEqual(JSON.parse(config.content), {
      ...CONFIG,
      licenseUrl: PALLYCON_LICENSE_URL,
      keySystems: ["com.widevine.alpha", "com.microsoft.playready", "com.apple.fps.1_0"],
    });
  });

  it("sends a CSP without unsafe sources or wildcards", () => {
    const policy = csp();
    assert.doesNotMatch(policy, /unsafe-(eval|inline)/);
    assert.doesNotMatch(policy, /\*/);
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /style-src 'self'(;|$)/);
    assert.match(policy, /frame-ancestors 'none'/);
  });

  it("lets the page call the token service, the license server and the certificate URL, and nothing else", () => {
    const connect = /connect-src ([^;]+)/.exec(csp())![1].split(" ");
    assert.deepEqual(connect, [
      "'self'",
      "https://tokens.example.com",
      "https://license-global.pallycon.com",
    ]);
  });

  it("sends HSTS, nosniff, a referrer policy and denies framing, overriding the origin", () => {
    const headers = named(plan, HEADERS, "vod-player").inputs.securityHeadersConfig;
    assert.ok(headers.strictTransportSecurity.accessControlMaxAgeSec >= 31_536_000);
    assert.equal(headers.strictTransportSecurity.includeSubdomains, true);
    assert.equal(headers.contentTypeOptions.override, true);
    assert.equal(headers.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
    assert.equal(headers.frameOptions.frameOption, "DENY");
    for (const header of Object.values(headers) as Array<{ override: boolean }>) {
      assert.equal(header.override, true);
    }
  });

  it("caches the page on its path alone, a minute unless the object says otherwise", () => {
    const cache = named(plan, CACHE, "vod-player").inputs;
    assert.equal(cache.defaultTtl, 60);
    const key = cache.parametersInCacheKeyAndForwardedToOrigin;
    assert.equal(key.queryStringsConfig.queryStringBehavior, "none");
    assert.equal(key.cookiesConfig.cookieBehavior, "none");
    assert.equal(key.headersConfig.headerBehavior, "none");
  });

  it("returns the behaviour's path pattern and the page's path", () => {
    assert.equal(deployment.pathPattern, "player/*");
    assert.equal(deployment.pageUrlPath, "player/index.html");
    assert.equal(deployment.objects.length, buildPlayer().length + 1);
  });
});

describe("the license server origin", () => {
  const pipelinePlan = (licenseTokens?: VodPipelineArgs["licenseTokens"]) =>
    runProgram(() => {
      new VodPipeline("vod", { applicationName: "vod-test", licenseTokens });
      return {};
    });
  const settingsOf = (p: PlannedStack) =>
    JSON.parse(named(p, OBJECT, "vod-player-config").inputs.content);
  const connectSourcesOf = (p: PlannedStack) =>
    /connect-src ([^;]+)/
      .exec(
        named(p, HEADERS, "vod-player").inputs.securityHeadersConfig.contentSecurityPolicy
          .contentSecurityPolicy,
      )![1]
      .split(" ");

  it("sends license requests and FairPlay certificate requests to a configured server, which the CSP allows", async () => {
    const plan = await pipelinePlan({
      ...PIPELINE_LICENSE_TOKENS,
      licenseServerUrl: "https://drm-license.doverunner.com",
    });
    const settings = settingsOf(plan);
    assert.equal(settings.licenseUrl, "https://drm-license.doverunner.com/ri/licenseManager.do");
    assert.equal(
      settings.fairplayCertificateUrl,
      `https://drm-license.doverunner.com/ri/fpsKeyManager.do?siteId=${TEST_SITE_ID}`,
    );
    assert.deepEqual(connectSourcesOf(plan), ["'self'", "https://drm-license.doverunner.com"]);
  });

  it("uses PallyCon's license-global server by default", async () => {
    const plan = await pipelinePlan(PIPELINE_LICENSE_TOKENS);
    assert.equal(settingsOf(plan).licenseUrl, PALLYCON_LICENSE_URL);
    assert.deepEqual(connectSourcesOf(plan), ["'self'", "https://license-global.pallycon.com"]);
  });

  it("derives connect-src from config.json, so the two cannot disagree", async () => {
    const plan = await runProgram(() => {
      new (class extends pulumi.ComponentResource {
        constructor() {
          super("test:index:PlayerHost", "other", {});
          deployPlayer({
            name: "vod",
            parent: this,
            bucket: "vod-output-bucket",
            config: { licenseUrl: "https://license.example.com:8443/ri/licenseManager.do" },
          });
        }
      })();
      return {};
    });
    assert.deepEqual(connectSourcesOf(plan), ["'self'", "https://license.example.com:8443"]);
  });
});
