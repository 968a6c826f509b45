import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { createTranscodingQueue, TranscodingQueueArgs } from "../components/vodPipeline/queue";
import {
  accelerationSettings,
  ACCELERATION_MODES,
  jobPriority,
  jobQueueSettings,
} from "../shared/jobQueue";
import { PlannedStack } from "../plan/mockCloud";
import { named, ofType, runProgram } from "./support/mockProgram";
import { AWS } from "./support/resourceTypes";

const QUEUE = AWS.mediaconvert.Queue;
const PARENT = "test:index:Parent";
const QUEUE_ARN = "arn:aws:mediaconvert:eu-west-1:123456789012:queues/vod-queue-1a2b3c4";

/** A program with one component that creates the queue as its child. */
const queueProgram =
  (args: Partial<Omit<TranscodingQueueArgs, "parent">> = {}) =>
  () => {
    const parent = new pulumi.ComponentResource(PARENT, "vod");
    const queue = createTranscodingQueue({
      name: "vod",
      parent,
      applicationName: "vod-test",
      ...args,
    });
    return { queueArn: queue.arn };
  };

describe("transcoding queue", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(queueProgram());
  });

  it("creates one on-demand queue for the stack, named from the component", () => {
    assert.equal(ofType(plan, QUEUE).length, 1);
    const queue = named(plan, QUEUE, "vod-queue");
    assert.equal(queue.inputs.pricingPlan, "ON_DEMAND");
    assert.equal(queue.parent, `${PARENT}::vod`);
  });

  it("makes the queue active, so submitted jobs start", () => {
    assert.equal(named(plan, QUEUE, "vod-queue").inputs.status, "ACTIVE");
  });

  it("describes the queue with the application name", () => {
    assert.match(named(plan, QUEUE, "vod-queue").inputs.description, /^vod-test: /);
  });

  it("leaves concurrency to the account's quota unless it is set", async () => {
    assert.equal(named(plan, QUEUE, "vod-queue").inputs.concurrentJobs, undefined);
    const limited = await runProgram(queueProgram({ concurrentJobs: 5 }));
    assert.equal(named(limited, QUEUE, "vod-queue").inputs.concurrentJobs, 5);
  });

  for (const concurrentJobs of [0, -1, 2.5]) {
    it(`rejects concurrentJobs = ${concurrentJobs}, naming the field`, async () => {
      await assert.rejects(
        runProgram(queueProgram({ concurrentJobs })),
        /`concurrentJobs` must be a positive integer/,
      );
    });
  }
});

describe("job priority", () => {
  for (const value of [-50, 0, 50]) {
    it(`accepts ${value}, inside MediaConvert's -50..50`, () => {
      assert.equal(jobPriority(value), value);
    });
  }

  it("reads the text form, as config and environment variables hold it", () => {
    assert.equal(jobPriority("10"), 10);
    assert.equal(jobPriority(" -7 "), -7);
  });

  for (const value of [51, -51, 1.5, Number.NaN, "abc", "", "1e1"]) {
    const written = typeof value === "string" ? JSON.stringify(value) : String(value);
    it(`rejects ${written}, naming the field and the range`, () => {
      assert.throws(
        () => jobPriority(value),
        (error: Error) =>
          error.message.startsWith("`jobPriority` must be an integer from -50 to 50") &&
          error.message.endsWith(`got ${written}.`),
      );
    });
  }

  it("names the caller's field in the error", () => {
    assert.throws(() => jobPriority(99, "vod:jobPriority"), /^Error: `vod:jobPriority` must be/);
  });
});

describe("acceleration", () => {
  it("offers exactly MediaConvert's modes", () => {
    assert.deepEqual([...ACCELERATION_MODES], ["DISABLED", "ENABLED", "PREFERRED"]);
  });

  for (const mode of ACCELERATION_MODES) {
    it(`makes AccelerationSettings for ${mode}`, () => {
      assert.deepEqual(accelerationSettings(mode), { Mode: mode });
    });
  }

  for (const mode of ["preferred", "FAST", ""]) {
    it(`rejects ${JSON.stringify(mode)}, naming the field and the modes`, () => {
      assert.throws(
        () => accelerationSettings(mode),
        (error: Error) =>
          error.message ===
          `\`accelerationMode\` must be one of DISABLED, ENABLED, PREFERRED, got ${JSON.stringify(mode)}.`,
      );
    });
  }
});

describe("job queue settings", () => {
  it("sends a job to the stack's queue at priority 0, unaccelerated, by default", () => {
    assert.deepEqual(jobQueueSettings({ queueArn: QUEUE_ARN }), {
      Queue: QUEUE_ARN,
      Priority: 0,
      AccelerationSettings: { Mode: "DISABLED" },
    });
  });

  it("carries the configured priority and acceleration", () => {
    const settings = jobQueueSettings({
      queueArn: QUEUE_ARN,
      priority: "20",
      accelerationMode: "PREFERRED",
    });
    assert.equal(settings.Priority, 20);
    assert.deepEqual(settings.AccelerationSettings, { Mode: "PREFERRED" });
  });

  it("requires the queue, so no job falls back to the account's Default queue", () => {
    assert.throws(() => jobQueueSettings({ queueArn: "" }), /`queueArn` is required/);
  });

  it("validates priority and acceleration as it builds", () => {
    assert.throws(() => jobQueueSettings({ queueArn: QUEUE_ARN, priority: 60 }), /jobPriority/);
    assert.throws(
      () => jobQueueSettings({ queueArn: QUEUE_ARN, accelerationMode: "ON" }),
      /accelerationMode/,
    );
  });
});
