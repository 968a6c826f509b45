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
});
