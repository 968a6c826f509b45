import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CONFIG_DEFAULTS, ConfigError, readStackConfig, SECRET_CONFIG_KEYS } from "../config";
import { DEFAULT_LADDER } from "../functions/convert/ladder";

const PROJECT = "vod-multidrm";

/** Reads the stack config with exactly these values set. */
function readWith(values: Record<string, unknown>) {
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        `${PROJECT}:${key}`,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    ),
  );
  return readStackConfig();
}

/** The ConfigError that reading these values throws. */
function problemsWith(values: Record<string, unknown>): string[] {
  try {
    readWith(values);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.problems;
  }
  assert.fail("the configuration was accepted");
}

describe("stack configuration", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
      PROJECT,
      "test",
    );
  });

  it("defaults to the seed ladder, CBR and a per-stack application name", () => {
    const config = readWith({});
    assert.deepEqual(config.ladder, DEFAULT_LADDER);
    assert.equal(config.rateControl, "CBR");
    assert.equal(config.applicationName, "vod-multidrm-test");
    assert.deepEqual(config.corsAllowedOrigins, []);
    assert.equal(config.priceClass, "PriceClass_100");
  });

  it("reads a custom ladder with k and M bitrates", () => {
    const config = readWith({ ladder: ["640x360@800k", "1920x1080@6M"] });
    assert.deepEqual(config.ladder, [
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

  it("rejects a ladder that is not a list of strings", () => {
    assert.match(
      problemsWith({ ladder: [{ width: 640 }] })[0],
      /^vod-multidrm:ladder: must be a list/,
    );
  });

  it("rejects an unknown rate control and an out-of-range QVBR level", () => {
    assert.match(
      problemsWith({ rateControl: "VBR" })[0],
      /^vod-multidrm:rateControl: "VBR" must be one of CBR, QVBR/,
    );
    assert.match(problemsWith({ qvbrQualityLevel: 11 })[0], /^vod-multidrm:qvbrQualityLevel: /);
  });

  it("rejects a wildcard CORS origin", () => {
    assert.match(
      problemsWith({ corsAllowedOrigins: ["*"] })[0],
      /^vod-multidrm:corsAllowedOrigins: "\*" is not an origin/,
    );
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
      rateControl: "VBR",
      priceClass: "cheap",
      uploadExpirationDays: -1,
    });
    assert.deepEqual(
      problems.map((p) => p.split(":")[1]),
      ["rateControl", "priceClass", "uploadExpirationDays"],
    );
  });

  it("declares every key in Pulumi.yaml with a description and the defaults the code uses", () => {
    const project = parse(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
    const declared = project.config as Record<
      string,
      { description?: string; default?: unknown; secret?: boolean }
    >;
    const keys = ["applicationName", ...Object.keys(CONFIG_DEFAULTS), ...SECRET_CONFIG_KEYS];
    assert.deepEqual(Object.keys(declared).sort(), keys.sort());
    for (const [key, declaration] of Object.entries(declared)) {
      assert.ok(declaration.description, `${key} has a description`);
      if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key)) {
        assert.equal(declaration.secret, true, `${key} is declared secret`);
        assert.ok(!("default" in declaration), `${key} has no default`);
      } else if (key !== "applicationName") {
        assert.deepEqual(
          declaration.default,
          CONFIG_DEFAULTS[key as keyof typeof CONFIG_DEFAULTS],
          key,
        );
      }
    }
  });

  describe("DRM", () => {
    /** Reads the config with the enc-token set as a secret, as `pulumi config set --secret` does. */
    function readWithToken(values: Record<string, unknown>, token = "dG9rZW4=") {
      pulumi.runtime.setAllConfig(
        Object.fromEntries(
          Object.entries({ ...values, pallyconEncToken: token }).map(([key, value]) => [
            `${PROJECT}:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
          ]),
        ),
        [`${PROJECT}:pallyconEncToken`],
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
      assert.match(problem, /^vod-multidrm:pallyconEncToken: is required when kmsGateway is true/);
      assert.match(problem, /pulumi config set --secret vod-multidrm:pallyconEncToken/);
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
      assert.match(problems[0], /^vod-multidrm:pallyconEncToken: /);
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
        keepClearOutputs: false,
      });
      assert.deepEqual(
        readWithToken({ kmsGateway: true, vodDrm: true, vodDrmClearOutputs: true }).vodDrm,
        { keepClearOutputs: true },
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
      assert.match(
        problems({ liveKeyRotationSeconds: 60 })[0],
        /^vod-multidrm:liveKeyRotationSeconds: 60 must be 0/,
      );
      assert.deepEqual(problems({ liveKeyRotationSeconds: 300 }), []);
    });

    it("rejects a plain-http KMS, a bad stage name and zero throttling, each by key", () => {
      let problems: string[] = [];
      try {
        readWithToken({
          kmsGateway: true,
          pallyconKmsUrl: "http://kms.pallycon.com",
          kmsGatewayStageName: "prod-1",
          kmsGatewayRateLimit: 0,
        });
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      assert.deepEqual(
        problems.map((p) => p.split(": ")[0]),
        [
          "vod-multidrm:pallyconKmsUrl",
          "vod-multidrm:kmsGatewayStageName",
          "vod-multidrm:kmsGatewayRateLimit",
        ],
      );
    });
  });
});
