import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import {
  APPLICATION_NAME_KEY,
  CONFIG_DEFAULTS,
  CONFIG_GROUPS,
  ConfigError,
  DECLARED_CONFIG_KEYS,
  FEATURE_PREFIXES,
  readStackConfig,
  SECRET_CONFIG_KEYS,
} from "../config";
import { configKeyTable } from "./support/configTable";
import {
  PROJECT,
  readConfig,
  setStackConfig,
  TOKEN_SERVICE_SECRETS,
  TOKEN_SERVICE_VALUES,
  useConfigMocks,
} from "./support/stackConfig";
import { DEFAULT_LADDER } from "../shared/ladder";

/** Reads the stack config with exactly these values set. */
function readWith(values: Record<string, unknown>) {
  setStackConfig(values);
  return readStackConfig();
}

/** The ConfigError that reading these values throws. */
function problemsWith(values: Record<string, unknown>): string[] {
  const { config, problems } = readConfig(values);
  if (config) assert.fail("the configuration was accepted");
  return problems;
}

describe("stack configuration", () => {
  useConfigMocks();

  it("defaults to the seed ladder, CBR and a per-stack application name", () => {
    const config = readWith({});
    assert.deepEqual(config.transcoding.ladder, DEFAULT_LADDER);
    assert.equal(config.transcoding.ladderRateControl, "CBR");
    assert.equal(config.general.applicationName, "vod-multidrm-test");
    assert.deepEqual(config.delivery.cdnCorsAllowedOrigins, []);
    assert.equal(config.delivery.cdnPriceClass, "PriceClass_100");
  });

  it("reads a custom ladder with k and M bitrates", () => {
    const config = readWith({ ladder: ["640x360@800k", "1920x1080@6M"] });
    assert.deepEqual(config.transcoding.ladder, [
      { width: 640, height: 360, bitrate: 800_000 },
      { width: 1920, height: 1080, bitrate: 6_000_000 },
    ]);
  });

  it("rejects a malformed rendition, naming the ladder key", () => {
    assert.deepEqual(problemsWith({ ladder: ["640x360@1M", "1280x720"] }), [
      `${PROJECT}:ladder: "1280x720" is not WIDTHxHEIGHT@BITRATE (for example 1280x720@3M)`,
    ]);
  });

  it("rejects two renditions of the same height", () => {
    const [problem] = problemsWith({ ladder: ["640x360@1M", "480x360@800k"] });
    assert.match(problem, /^vod-multidrm:ladder: .*two renditions have height 360/);
  });

  it("rejects an odd frame size and an empty ladder", () => {
    assert.match(
      problemsWith({ ladder: ["641x360@1M"] })[0],
      /^vod-multidrm:ladder: .*width must be an even integer/,
    );
    assert.match(
      problemsWith({ ladder: [] })[0],
      /^vod-multidrm:ladder: the ladder needs at least one rendition/,
    );
  });

  it("reports every problem of the ladder at once, each rendition by its spec", () => {
    assert.deepEqual(
      problemsWith({ ladder: ["640x360", "641x360@1M", "960x540@10", "1280x720@3M"] }),
      [
        `${PROJECT}:ladder: "640x360" is not WIDTHxHEIGHT@BITRATE (for example 1280x720@3M)`,
        `${PROJECT}:ladder: 641x360@1000000: width must be an even integer from 32 to 8192`,
        `${PROJECT}:ladder: 960x540@10: bitrate must be an integer from 1000 to 1152000000 bps`,
      ],
    );
  });

  it("reports a repeated height with the renditions' own problems", () => {
    const problems = problemsWith({ ladder: ["640x360@1M", "480x360@800k", "33x20@1M"] });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^vod-multidrm:ladder: 33x20@1000000: width must be an even integer/);
    assert.match(problems[1], /^vod-multidrm:ladder: .*two renditions have height 360/);
  });

  it("rejects a ladder that is not a list of strings", () => {
    assert.match(
      problemsWith({ ladder: [{ width: 640 }] })[0],
      /^vod-multidrm:ladder: must be a list/,
    );
  });

  it("rejects an unknown rate control and an out-of-range QVBR level", () => {
    assert.match(
      problemsWith({ ladderRateControl: "VBR" })[0],
      /^vod-multidrm:ladderRateControl: "VBR" must be one of CBR, QVBR/,
    );
    assert.match(
      problemsWith({ ladderQvbrQualityLevel: 11 })[0],
      /^vod-multidrm:ladderQvbrQualityLevel: /,
    );
  });

  it("rejects a wildcard CORS origin", () => {
    assert.match(
      problemsWith({ cdnCorsAllowedOrigins: ["*"] })[0],
      /^vod-multidrm:cdnCorsAllowedOrigins: "\*" is not an origin/,
    );
  });

  describe("CORS origins: each mistake gets its own message", () => {
    const problem = (origin: string) => problemsWith({ cdnCorsAllowedOrigins: [origin] })[0];

    it("a trailing slash is not a wildcard", () => {
      assert.equal(
        problem("https://a.example.com/"),
        `${PROJECT}:cdnCorsAllowedOrigins: "https://a.example.com/" is not an origin: it has a trailing slash; write https://a.example.com`,
      );
    });

    it("a path", () => {
      assert.equal(
        problem("https://a.example.com/player/index.html"),
        `${PROJECT}:cdnCorsAllowedOrigins: "https://a.example.com/player/index.html" is not an origin: it has a path (/player/index.html); an origin is only the scheme, host and port: https://a.example.com`,
      );
    });

    it("a wildcard", () => {
      assert.match(problem("https://*.example.com"), /is not an origin: wildcards are not allowed/);
    });

    it("a missing scheme", () => {
      assert.equal(
        problem("a.example.com:8443"),
        `${PROJECT}:cdnCorsAllowedOrigins: "a.example.com:8443" is not an origin: it has no scheme; write https://a.example.com:8443`,
      );
    });

    it("accepts https origins, with a port", () => {
      const config = readWith({
        cdnCorsAllowedOrigins: ["https://a.example.com", "https://localhost:8443"],
      });
      assert.deepEqual(config.delivery.cdnCorsAllowedOrigins, [
        "https://a.example.com",
        "https://localhost:8443",
      ]);
    });
  });

  describe("undeclared keys", () => {
    it("reports a mistyped key by name and suggests the declared one", () => {
      assert.deepEqual(problemsWith({ ladders: ["640x360@1M"] }), [
        `${PROJECT}:ladders: is not a key this program reads (Pulumi.yaml declares them); did you mean ${PROJECT}:ladder? Remove it with \`pulumi config rm ${PROJECT}:ladders\``,
      ]);
      assert.match(
        problemsWith({ cdnCorsAllowedOrigin: [] })[0],
        /did you mean vod-multidrm:cdnCorsAllowedOrigins\?/,
      );
    });

    it("suggests the new name of a key that was renamed with its feature's prefix", () => {
      const renamed = {
        rateControl: "ladderRateControl",
        qvbrQualityLevel: "ladderQvbrQualityLevel",
        automatedAbrMaxRenditions: "ladderAutoMaxRenditions",
        automatedAbrMinBitrate: "ladderAutoMinBitrate",
        automatedAbrMaxBitrate: "ladderAutoMaxBitrate",
        accelerationMode: "jobAccelerationMode",
        queueConcurrentJobs: "jobQueueConcurrentJobs",
        priceClass: "cdnPriceClass",
        corsAllowedOrigins: "cdnCorsAllowedOrigins",
        originAccess: "cdnOriginAccess",
        pallyconKmsUrl: "kmsGatewayUrl",
        pallyconEncToken: "kmsGatewayEncToken",
        kmsGatewayRateLimit: "kmsGatewayThrottlingRateLimit",
        kmsGatewayBurstLimit: "kmsGatewayThrottlingBurstLimit",
        liveKeyRotationSeconds: "liveKeyRotationIntervalSeconds",
        pallyconSiteId: "licenseSiteId",
        pallyconSiteKey: "licenseSiteKey",
        pallyconAccessKey: "licenseAccessKey",
      };
      for (const [old, current] of Object.entries(renamed)) {
        const [problem] = problemsWith({ [old]: "x" });
        assert.match(
          problem,
          new RegExp(`^${PROJECT}:${old}: .*did you mean ${PROJECT}:${current}\\?`),
          old,
        );
      }
    });

    it("suggests nothing for a key unlike any declared one", () => {
      const [problem] = problemsWith({ favouriteColour: "blue" });
      assert.match(problem, /^vod-multidrm:favouriteColour: is not a key this program reads/);
      assert.doesNotMatch(problem, /did you mean/);
    });

    it("leaves other namespaces alone", () => {
      pulumi.runtime.setAllConfig({ "aws:region": "eu-west-1", "aws:profile": "media" });
      assert.equal(readStackConfig().general.applicationName, "vod-multidrm-test");
    });

    it("keeps the list of declared keys equal to Pulumi.yaml's", () => {
      const project = parse(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
      assert.deepEqual([...DECLARED_CONFIG_KEYS].sort(), Object.keys(project.config).sort());
    });
  });

  describe("the application name", () => {
    /** Reads the config of a stack with this name. */
    async function readForStack(stack: string, values: Record<string, unknown> = {}) {
      await pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
        PROJECT,
        stack,
      );
      try {
        return readWith(values);
      } finally {
        await pulumi.runtime.setMocks(
          { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
          PROJECT,
          "test",
        );
      }
    }
    const longStack = "feature-".repeat(8); // vod-multidrm- + 64 characters

    it("says when a long stack name makes the default too long, and how to fix it", async () => {
      let problems: string[] = [];
      try {
        await readForStack(longStack);
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      assert.deepEqual(problems, [
        `${PROJECT}:applicationName: defaults to "<project>-<stack>", which for this stack is 77 characters, more than 64: set a shorter one with \`pulumi config set ${PROJECT}:applicationName <name>\``,
      ]);
    });

    it("accepts a shorter name set for that stack", async () => {
      const config = await readForStack(longStack, { applicationName: "vod-feature" });
      assert.equal(config.general.applicationName, "vod-feature");
    });

    it("rejects a set name that is too long or has other characters", () => {
      assert.deepEqual(problemsWith({ applicationName: "x".repeat(65) }), [
        `${PROJECT}:applicationName: "${"x".repeat(65)}" is 65 characters; at most 64 are allowed`,
      ]);
      assert.match(
        problemsWith({ applicationName: "vod/prod" })[0],
        /^vod-multidrm:applicationName: "vod\/prod" must be letters, digits/,
      );
    });
  });

  it("rejects a value of the wrong type with Pulumi's message naming the key", () => {
    assert.match(problemsWith({ logRetentionDays: "a month" })[0], /vod-multidrm:logRetentionDays/);
  });

  it("rejects retention periods CloudWatch does not offer, and bad email addresses", () => {
    assert.match(
      problemsWith({ logRetentionDays: 31 })[0],
      /^vod-multidrm:logRetentionDays: 31 must be one of/,
    );
    assert.match(
      problemsWith({ notificationEmail: "ops" })[0],
      /^vod-multidrm:notificationEmail: /,
    );
  });

  it("reports every problem at once", () => {
    const problems = problemsWith({
      ladderRateControl: "VBR",
      cdnPriceClass: "cheap",
      uploadExpirationDays: -1,
    });
    assert.deepEqual(
      problems.map((p) => p.split(":")[1]),
      ["uploadExpirationDays", "ladderRateControl", "cdnPriceClass"],
    );
  });

  describe("keys", () => {
    const project = parse(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
    const declared = project.config as Record<
      string,
      { type?: string; description?: string; default?: unknown; secret?: boolean }
    >;
    /** Whether a default of the code has the type Pulumi.yaml declares. */
    const hasType = (value: unknown, type: string | undefined) =>
      type === "array"
        ? Array.isArray(value) && value.every((item) => typeof item === "string")
        : type === "integer"
          ? Number.isInteger(value)
          : typeof value === type;

    it("declares every key in Pulumi.yaml with a description and the defaults the code uses", () => {
      assert.deepEqual(Object.keys(declared).sort(), [...DECLARED_CONFIG_KEYS].sort());
      for (const [key, declaration] of Object.entries(declared)) {
        assert.ok(declaration.description, `${key} has a description`);
        if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key)) {
          assert.ok(!("default" in declaration), `${key} has no default`);
        } else if (key !== APPLICATION_NAME_KEY) {
          const value = CONFIG_DEFAULTS[key as keyof typeof CONFIG_DEFAULTS];
          assert.deepEqual(declaration.default, value, key);
          assert.ok(hasType(value, declaration.type), `${key} is a ${declaration.type}`);
        }
      }
    });

    it("declares exactly the secret keys secret", () => {
      const secret = Object.keys(declared).filter((key) => declared[key].secret === true);
      assert.deepEqual(secret.sort(), [...SECRET_CONFIG_KEYS].sort());
      for (const key of SECRET_CONFIG_KEYS) assert.equal(declared[key].type, "string", key);
    });

    it("puts every key in one group, in Pulumi.yaml's order", () => {
      const grouped = Object.values(CONFIG_GROUPS).flat();
      assert.equal(new Set(grouped).size, grouped.length, "no key is in two groups");
      assert.deepEqual(grouped, Object.keys(declared));
      assert.deepEqual(
        [...Object.keys(CONFIG_DEFAULTS), ...SECRET_CONFIG_KEYS, APPLICATION_NAME_KEY].sort(),
        [...grouped].sort(),
      );
    });

    it("names every key of a feature with its flag's prefix", () => {
      for (const [group, prefix] of Object.entries(FEATURE_PREFIXES)) {
        const keys: readonly string[] = CONFIG_GROUPS[group as keyof typeof CONFIG_GROUPS];
        assert.equal(keys[0], group, `${group}'s flag comes first`);
        for (const key of keys) assert.ok(key.startsWith(prefix!), `${key} starts with ${prefix}`);
        const elsewhere = Object.entries(CONFIG_GROUPS)
          .filter(([other]) => other !== group)
          .flatMap(([, others]) => others.filter((key) => key.startsWith(prefix!)));
        assert.deepEqual(elsewhere, [], `only ${group}'s keys start with ${prefix}`);
      }
    });

    it("lists every key in the reference table with Pulumi.yaml's description and the code's default", () => {
      const table = configKeyTable();
      assert.deepEqual(
        table.map((row) => row.key),
        Object.keys(declared),
      );
      const row = (key: string) => table.find((r) => r.key === key)!;
      assert.deepEqual(row("logRetentionDays"), {
        key: "logRetentionDays",
        group: "general",
        type: "integer",
        secret: false,
        default: 30,
        defaultText: "30",
        description: declared.logRetentionDays.description,
      });
      assert.equal(row("applicationName").defaultText, "<project>-<stack>");
      assert.equal(row("kmsGatewayEncToken").defaultText, "(secret)");
      assert.equal(row("kmsGatewayEncToken").secret, true);
      assert.equal(row("cdnCorsAllowedOrigins").defaultText, "[]");
      assert.equal(row("liveContentId").defaultText, '""');
      assert.equal(row("ladder").defaultText, "640x360@1000000, 960x540@2000000, 1280x720@3000000");
      assert.equal(row("licenseDurationSeconds").group, "licenseTokens");
    });
  });

  describe("DRM", () => {
    /** Reads the config with the enc-token set as a secret, as `pulumi config set --secret` does. */
    function readWithToken(values: Record<string, unknown>, token = "dG9rZW4=") {
      pulumi.runtime.setAllConfig(
        Object.fromEntries(
          Object.entries({ ...values, kmsGatewayEncToken: token }).map(([key, value]) => [
            `${PROJECT}:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
          ]),
        ),
        [`${PROJECT}:kmsGatewayEncToken`],
      );
      return readStackConfig();
    }

    it("is off by default: no gateway, no VOD DRM, no live channel", () => {
      const config = readWith({});
      assert.equal(config.kmsGateway, undefined);
      assert.equal(config.vodDrm, undefined);
      assert.equal(config.liveChannel, undefined);
    });

    it("fails when the gateway is on without an enc-token, naming the key and the command", () => {
      const [problem] = problemsWith({ kmsGateway: true });
      assert.match(
        problem,
        /^vod-multidrm:kmsGatewayEncToken: is required when kmsGateway is true/,
      );
      assert.match(problem, /pulumi config set --secret vod-multidrm:kmsGatewayEncToken/);
    });

    it("reads the enc-token as a secret", async () => {
      const config = readWithToken({ kmsGateway: true });
      assert.ok(await pulumi.isSecret(config.kmsGateway!.encToken));
      assert.equal(config.kmsGateway!.stageName, "Production");
      assert.equal(config.kmsGateway!.kmsUrl, "https://kms.pallycon.com");
    });

    it("rejects a malformed enc-token without repeating it", () => {
      let problems: string[] = [];
      try {
        readWithToken({ kmsGateway: true }, "abc 'def");
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^vod-multidrm:kmsGatewayEncToken: /);
      assert.ok(!problems[0].includes("abc 'def"));
    });

    it("requires the gateway for VOD DRM and for the live channel", () => {
      const problems = problemsWith({ vodDrm: true, liveChannel: true });
      assert.deepEqual(
        problems.map((p) => p.split(": ")[0]),
        ["vod-multidrm:vodDrm", "vod-multidrm:liveChannel"],
      );
      assert.match(problems[0], /needs vod-multidrm:kmsGateway set to true/);
    });

    it("keeps clear outputs off with VOD DRM unless asked", () => {
      assert.deepEqual(readWithToken({ kmsGateway: true, vodDrm: true }).vodDrm, {
        clearOutputs: false,
        packaging: "separate",
      });
      assert.deepEqual(
        readWithToken({ kmsGateway: true, vodDrm: true, vodDrmClearOutputs: true }).vodDrm,
        { clearOutputs: true, packaging: "separate" },
      );
    });

    it("packages VOD DRM as separate DASH and HLS groups unless vodDrmPackaging is cmaf", () => {
      const drm = { kmsGateway: true, vodDrm: true };
      assert.equal(readWithToken(drm).vodDrm?.packaging, "separate");
      assert.equal(readWithToken({ ...drm, vodDrmPackaging: "cmaf" }).vodDrm?.packaging, "cmaf");
    });

    it("names vodDrmPackaging when it is neither separate nor cmaf", () => {
      assert.throws(
        () => readWithToken({ kmsGateway: true, vodDrm: true, vodDrmPackaging: "CMAF" }),
        (error) =>
          error instanceof ConfigError &&
          error.problems.includes(
            'vod-multidrm:vodDrmPackaging: "CMAF" must be one of separate, cmaf',
          ),
      );
    });

    it("gives the live channel a content id from the application name and rotation 0", () => {
      const config = readWithToken({
        kmsGateway: true,
        liveChannel: true,
        applicationName: "vod.prod",
      });
      assert.deepEqual(config.liveChannel, {
        contentId: "vod-prod-live",
        keyRotationIntervalSeconds: 0,
        cmaf: false,
        channelId: "vod-prod-live",
      });
    });

    it("rejects a live content id or key rotation that MediaPackage or PallyCon would refuse", () => {
      const problems = (values: Record<string, unknown>) => {
        try {
          readWithToken({ kmsGateway: true, liveChannel: true, ...values });
        } catch (error) {
          return (error as ConfigError).problems;
        }
        return [];
      };
      assert.match(problems({ liveContentId: "live channel" })[0], /^vod-multidrm:liveContentId: /);
      assert.match(
        problems({ liveContentId: "x".repeat(201) })[0],
        /^vod-multidrm:liveContentId: /,
      );
      // Each endpoint's id adds "-hls", "-dash" or "-cmaf": 195 is the longest that fits.
      assert.match(
        problems({ liveContentId: "x".repeat(196) })[0],
        /^vod-multidrm:liveContentId: .*1-195 characters/,
      );
      assert.deepEqual(problems({ liveContentId: "x".repeat(195) }), []);
      assert.match(
        problems({ liveKeyRotationIntervalSeconds: 60 })[0],
        /^vod-multidrm:liveKeyRotationIntervalSeconds: 60 must be 0/,
      );
      assert.deepEqual(problems({ liveKeyRotationIntervalSeconds: 300 }), []);
    });

    it("rejects a plain-http KMS, a bad stage name and zero throttling, each by key", () => {
      let problems: string[] = [];
      try {
        readWithToken({
          kmsGateway: true,
          kmsGatewayUrl: "http://kms.pallycon.com",
          kmsGatewayStageName: "prod-1",
          kmsGatewayThrottlingRateLimit: 0,
        });
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      assert.deepEqual(
        problems.map((p) => p.split(": ")[0]),
        [
          "vod-multidrm:kmsGatewayUrl",
          "vod-multidrm:kmsGatewayStageName",
          "vod-multidrm:kmsGatewayThrottlingRateLimit",
        ],
      );
    });
  });

  describe("the license server", () => {
    const tokenService = {
      licenseTokens: true,
      licenseSiteId: "DEMO",
      licenseJwtIssuer: "https://issuer.example.com",
      licenseJwtAudience: ["player"],
    };
    /** The problems of these values, with the service's secrets set. */
    const problemsOf = (values: Record<string, unknown>) => {
      const all = { ...tokenService, ...values };
      pulumi.runtime.setAllConfig(
        Object.fromEntries(
          Object.entries({
            ...all,
            licenseSiteKey: "k".repeat(32),
            licenseAccessKey: "access",
          }).map(([key, value]) => [
            `${PROJECT}:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
          ]),
        ),
        [`${PROJECT}:licenseSiteKey`, `${PROJECT}:licenseAccessKey`],
      );
      try {
        return { config: readStackConfig(), problems: [] as string[] };
      } catch (error) {
        return { config: undefined, problems: (error as ConfigError).problems };
      }
    };

    it("defaults to PallyCon's license-global server", () => {
      const { config } = problemsOf({});
      assert.equal(config?.licenseTokens?.licenseServerUrl, "https://license-global.pallycon.com");
    });

    it("reads another https origin, such as DoveRunner's", () => {
      const { config } = problemsOf({ licenseServerUrl: "https://drm-license.doverunner.com" });
      assert.equal(config?.licenseTokens?.licenseServerUrl, "https://drm-license.doverunner.com");
    });

    for (const url of [
      "http://license-global.pallycon.com",
      "https://license-global.pallycon.com/ri/licenseManager.do",
      "license-global.pallycon.com",
    ]) {
      it(`rejects ${url}, naming the key`, () => {
        const { problems } = problemsOf({ licenseServerUrl: url });
        assert.equal(problems.length, 1, problems.join("; "));
        assert.match(problems[0], /^vod-multidrm:licenseServerUrl: .*https:\/\/ origin/);
      });
    }
  });

  describe("delivery and transcoding", () => {
    it("reads automated ABR limits, each checked under its own key", () => {
      const read = (values: Record<string, unknown>) => readIn("us-east-1", values);
      assert.deepEqual(
        read({ ladderMode: "automated", ladderAutoMaxRenditions: 6 }).config!.transcoding
          .ladderAuto,
        { maxRenditions: 6, minBitrate: undefined, maxBitrate: undefined },
      );
      const { problems } = read({
        ladderMode: "automated",
        ladderAutoMaxRenditions: 20,
        ladderAutoMinBitrate: 5_000_000,
        ladderAutoMaxBitrate: 1_000_000,
      });
      assert.deepEqual(
        problems.map((p) => p.split(": ")[0]),
        ["vod-multidrm:ladderAutoMaxRenditions", "vod-multidrm:ladderAutoMinBitrate"],
      );
      assert.match(read({ ladderMode: "smart" }).problems[0], /^vod-multidrm:ladderMode: /);
      assert.match(
        read({ ladderAutoMaxRenditions: 6 }).problems[0],
        /^vod-multidrm:ladderMode: ladderAuto\* limits are set but ladderMode is not automated/,
      );
    });

    /** Reads the config with these values and the aws:region given. */
    function readIn(region: string, values: Record<string, unknown>) {
      pulumi.runtime.setAllConfig({
        "aws:region": region,
        ...Object.fromEntries(
          Object.entries(values).map(([k, v]) => [
            `${PROJECT}:${k}`,
            typeof v === "string" ? v : JSON.stringify(v),
          ]),
        ),
      });
      try {
        return { config: readStackConfig(), problems: [] as string[] };
      } catch (error) {
        return { config: undefined, problems: (error as ConfigError).problems };
      }
    }

    it("uses an OAI where it works and an OAC in regions launched after December 2022", () => {
      assert.equal(readIn("eu-west-1", {}).config!.delivery.cdnOriginAccess, "oai");
      assert.equal(readIn("ap-southeast-4", {}).config!.delivery.cdnOriginAccess, "oac");
    });

    it("refuses an OAI where it cannot work, and KMS output without an OAC, naming the key", () => {
      assert.match(
        readIn("il-central-1", { cdnOriginAccess: "oai" }).problems[0],
        /^vod-multidrm:cdnOriginAccess: an Origin Access Identity cannot read S3 in il-central-1/,
      );
      assert.match(
        readIn("us-east-1", { outputKmsEncryption: true }).problems[0],
        /^vod-multidrm:outputKmsEncryption: needs cdnOriginAccess oac/,
      );
      assert.deepEqual(
        readIn("us-east-1", { outputKmsEncryption: true, cdnOriginAccess: "oac" }).problems,
        [],
      );
    });

    it("reads a custom domain and names the key that is wrong", () => {
      const { config } = readIn("us-east-1", {
        customDomainAliases: ["video.example.com"],
        customDomainHostedZoneId: "Z123",
      });
      assert.deepEqual(config!.delivery.customDomain, {
        aliases: ["video.example.com"],
        certificateArn: undefined,
        hostedZoneId: "Z123",
      });
      assert.match(
        readIn("us-east-1", { customDomainAliases: ["video.example.com"] }).problems[0],
        /^vod-multidrm:customDomainCertificateArn: /,
      );
      assert.match(
        readIn("us-east-1", {
          customDomainAliases: ["video.example.com"],
          customDomainCertificateArn: "arn:aws:acm:eu-west-1:1:certificate/x",
        }).problems[0],
        /^vod-multidrm:customDomainCertificateArn: must be an ACM certificate in us-east-1/,
      );
    });

    it("validates job priority, acceleration and queue concurrency by key", () => {
      const { problems } = readIn("us-east-1", {
        jobPriority: 51,
        jobAccelerationMode: "FAST",
        jobQueueConcurrentJobs: -1,
      });
      assert.deepEqual(problems.map((p) => p.split(": ")[0]).sort(), [
        "vod-multidrm:jobAccelerationMode",
        "vod-multidrm:jobPriority",
        "vod-multidrm:jobQueueConcurrentJobs",
      ]);
      const { config } = readIn("us-east-1", {
        jobPriority: -10,
        jobAccelerationMode: "PREFERRED",
      });
      assert.deepEqual(config!.transcoding, {
        ladder: DEFAULT_LADDER,
        ladderMode: "fixed",
        ladderRateControl: "CBR",
        ladderQvbrQualityLevel: 7,
        ladderAuto: { maxRenditions: undefined, minBitrate: undefined, maxBitrate: undefined },
        jobPriority: -10,
        jobAccelerationMode: "PREFERRED",
        jobQueueConcurrentJobs: undefined,
      });
    });
  });

  describe("signed cookies", () => {
    const keys = () =>
      generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      });
    const pair = keys();
    const readCookies = (values: Record<string, unknown>, privateKey: string) =>
      readConfig(
        { ...values, signedCookiePrivateKey: privateKey },
        { secrets: [...TOKEN_SERVICE_SECRETS, "signedCookiePrivateKey"] },
      );

    it("reads the key pair, the private key as a secret", async () => {
      const { config } = readCookies(
        { ...TOKEN_SERVICE_VALUES, signedCookies: true, signedCookiePublicKey: pair.publicKey },
        pair.privateKey,
      );
      assert.equal(config!.signedCookies!.publicKeyPem, pair.publicKey);
      assert.equal(config!.signedCookies!.sessionSeconds, 14_400);
      assert.ok(await pulumi.isSecret(config!.signedCookies!.privateKeyPem));
    });

    it("needs the token service, a public key, and the private key that matches it", () => {
      const other = keys();
      const { problems } = readCookies(
        {
          signedCookies: true,
          signedCookiePublicKey: pair.publicKey,
          signedCookieSessionSeconds: 10,
        },
        other.privateKey,
      );
      assert.deepEqual(
        problems.map((p) => p.split(": ")[0]),
        [
          "vod-multidrm:signedCookies",
          "vod-multidrm:signedCookieSessionSeconds",
          "vod-multidrm:signedCookiePrivateKey",
        ],
      );
      assert.ok(
        problems.every((p) => !p.includes("PRIVATE KEY")),
        "no key is quoted",
      );
      const noPublic = readCookies(
        { ...TOKEN_SERVICE_VALUES, signedCookies: true },
        pair.privateKey,
      ).problems;
      assert.match(noPublic[0], /^vod-multidrm:signedCookiePublicKey: /);
    });
  });
});
