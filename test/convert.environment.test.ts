/** What the convert function reads from its environment at cold start. */
import * as assert from "node:assert/strict";
import { readConvertEnvironment } from "../functions/convert/environment";
import {
  CONVERT_ENVIRONMENT,
  CONVERT_VARIABLES,
  JOB_QUEUE_ARN,
} from "./support/convertEnvironment";

describe("convert: reading the environment", () => {
  const env = CONVERT_VARIABLES;

  it("reads every setting, with the default QVBR level", () => {
    assert.deepEqual(readConvertEnvironment(env), CONVERT_ENVIRONMENT);
  });

  it("names a missing or invalid variable", () => {
    assert.throws(
      () => readConvertEnvironment({ ...env, DESTINATION_BUCKET: "" }),
      /DESTINATION_BUCKET is not set/,
    );
    assert.throws(() => readConvertEnvironment({ ...env, LADDER: "[{" }), /LADDER is invalid/);
    assert.throws(
      () => readConvertEnvironment({ ...env, LADDER: "[]" }),
      /LADDER is invalid: the ladder needs at least one/,
    );
    assert.throws(
      () => readConvertEnvironment({ ...env, RATE_CONTROL: "VBR" }),
      /RATE_CONTROL is invalid/,
    );
    assert.throws(
      () => readConvertEnvironment({ ...env, QVBR_QUALITY_LEVEL: "0" }),
      /QVBR_QUALITY_LEVEL is invalid/,
    );
  });
});

describe("convert: queue, ladder mode and limits from the environment", () => {
  const env = CONVERT_VARIABLES;

  it("requires the stack's queue, and defaults priority to 0 and acceleration to DISABLED", () => {
    assert.deepEqual(readConvertEnvironment(env).queue, {
      Queue: JOB_QUEUE_ARN,
      Priority: 0,
      AccelerationSettings: { Mode: "DISABLED" },
    });
    assert.throws(
      () => readConvertEnvironment({ ...env, JOB_QUEUE_ARN: "" }),
      /Environment variable JOB_QUEUE_ARN is not set/,
    );
    assert.throws(
      () =>
        readConvertEnvironment({
          ...env,
          JOB_QUEUE_ARN: "arn:aws:mediaconvert:us-east-1:123456789012:presets/x",
        }),
      /JOB_QUEUE_ARN is invalid: .* is not a MediaConvert queue ARN/,
    );
  });

  it("reads the priority and acceleration, naming the variable when either is invalid", () => {
    const settings = readConvertEnvironment({
      ...env,
      JOB_PRIORITY: "-20",
      ACCELERATION_MODE: "PREFERRED",
    });
    assert.equal(settings.queue.Priority, -20);
    assert.deepEqual(settings.queue.AccelerationSettings, { Mode: "PREFERRED" });
    assert.throws(
      () => readConvertEnvironment({ ...env, JOB_PRIORITY: "51" }),
      /^Error: `JOB_PRIORITY` must be an integer from -50 to 50/,
    );
    assert.throws(
      () => readConvertEnvironment({ ...env, ACCELERATION_MODE: "on" }),
      /^Error: `ACCELERATION_MODE` must be one of DISABLED, ENABLED, PREFERRED, got "on"\./,
    );
  });

  it("uses the fixed ladder by default, and automated ABR with LADDER_MODE=automated", () => {
    assert.equal(readConvertEnvironment(env).profile.automatedAbr, undefined);
    assert.deepEqual(
      readConvertEnvironment({ ...env, LADDER_MODE: "automated" }).profile.automatedAbr,
      {},
    );
    assert.deepEqual(
      readConvertEnvironment({
        ...env,
        LADDER_MODE: "automated",
        AUTOMATED_ABR_MAX_RENDITIONS: "5",
        AUTOMATED_ABR_MIN_BITRATE: "300000",
        AUTOMATED_ABR_MAX_BITRATE: "5000000",
      }).profile.automatedAbr,
      { maxRenditions: 5, minBitrate: 300_000, maxBitrate: 5_000_000 },
    );
  });

  it("fails at cold start naming the variable for a bad mode or limit", () => {
    const automatedEnv = { ...env, LADDER_MODE: "automated" };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...env, LADDER_MODE: "auto" }, /LADDER_MODE is invalid: "auto" is not fixed or automated/],
      [
        { ...automatedEnv, AUTOMATED_ABR_MAX_RENDITIONS: "2" },
        /AUTOMATED_ABR_MAX_RENDITIONS is invalid: .*from 3 to 15/,
      ],
      [
        { ...automatedEnv, AUTOMATED_ABR_MAX_RENDITIONS: "16" },
        /AUTOMATED_ABR_MAX_RENDITIONS is invalid/,
      ],
      [
        { ...automatedEnv, AUTOMATED_ABR_MIN_BITRATE: "99999" },
        /AUTOMATED_ABR_MIN_BITRATE is invalid: .*100000 to 100000000/,
      ],
      [
        { ...automatedEnv, AUTOMATED_ABR_MAX_BITRATE: "8M" },
        /AUTOMATED_ABR_MAX_BITRATE is invalid/,
      ],
      [
        {
          ...automatedEnv,
          AUTOMATED_ABR_MIN_BITRATE: "6000000",
          AUTOMATED_ABR_MAX_BITRATE: "5000000",
        },
        /AUTOMATED_ABR_MIN_BITRATE and AUTOMATED_ABR_MAX_BITRATE are invalid: the minimum bitrate 6000000 is above/,
      ],
      [
        { ...env, AUTOMATED_ABR_MAX_BITRATE: "5000000" },
        /AUTOMATED_ABR_MAX_BITRATE is set but LADDER_MODE is not automated/,
      ],
    ];
    for (const [environment, message] of cases) {
      assert.throws(() => readConvertEnvironment(environment), message);
    }
  });
});
