/**
 * Odd upload keys: the job's user metadata stays within what MediaConvert takes, and
 * carries the exact key for the metadata function to read back.
 */
import * as assert from "node:assert/strict";
import { CreateJobCommand } from "@aws-sdk/client-mediaconvert";
import {
  readJobInput,
  userMetadataProblems,
  USER_METADATA_LIMITS,
} from "../functions/common/jobMetadata";
import { planJob, screenRecord } from "../functions/convert/request";
import { CONVERT_ENVIRONMENT, DRM_CONVERT_ENVIRONMENT } from "./support/convertEnvironment";
import {
  FakeMediaConvert,
  mediaConvertClientFor,
  startFakeMediaConvert,
} from "./support/fakeMediaConvert";
import { userMetadataViolation } from "../local/mediaConvert/validation";
import { ODD_KEYS } from "./support/oddKeys";
import { uploadRecord } from "./support/s3Events";
import { LANDSCAPE_720P } from "./support/sourceProbe";

/** The form S3 puts a key in its events: form-encoded. */
const encoded = (key: string) => encodeURIComponent(key).replace(/%20/g, "+");

/** The job planned for an upload of `key`, DRM on and the probe's facts carried. */
function jobFor(key: string, bucket?: string) {
  const record = uploadRecord(encoded(key));
  if (bucket) record.s3.bucket.name = bucket;
  const screened = screenRecord(record);
  assert.ok(screened.action === "probe", `${key} was not screened as an upload`);
  return planJob(screened, DRM_CONVERT_ENVIRONMENT, LANDSCAPE_720P);
}

describe("convert: odd keys in the job's user metadata", () => {
  let fake: FakeMediaConvert;
  before(async () => (fake = await startFakeMediaConvert()));
  after(() => fake.close());

  it("keeps every value within MediaConvert's characters and lengths", () => {
    for (const key of ODD_KEYS) {
      const metadata = jobFor(key).request.UserMetadata!;
      assert.equal(userMetadataViolation(metadata), undefined, JSON.stringify(key));
      assert.deepEqual(userMetadataProblems(metadata), [], JSON.stringify(key));
    }
  });

  it("has MediaConvert (the fake) accept the job of every odd key", async () => {
    const client = mediaConvertClientFor(fake);
    for (const key of ODD_KEYS) {
      const { Job } = await client.send(new CreateJobCommand(jobFor(key).request));
      assert.ok(Job?.Id, JSON.stringify(key));
    }
  });

  it("carries the exact key, however long or odd, for the metadata function to read back", () => {
    for (const key of ODD_KEYS) {
      const input = readJobInput(jobFor(key).request.UserMetadata);
      assert.deepEqual(input, {
        bucket: "vod-source-test",
        key,
        url: `s3://vod-source-test/${key}`,
      });
    }
  });

  it("stays within 10 pairs for the longest key in the longest bucket name, DRM and source on", () => {
    const longest = `${"🎬".repeat(255)}.mp4`;
    assert.equal(Buffer.byteLength(longest), 1024);
    const bucket = "b".repeat(63);
    const metadata = jobFor(longest, bucket).request.UserMetadata!;
    assert.ok(Object.keys(metadata).length <= USER_METADATA_LIMITS.maxPairs);
    assert.equal(readJobInput(metadata).url, `s3://${bucket}/${longest}`);
  });

  it("refuses to plan a job whose application name MediaConvert would refuse", () => {
    const record = uploadRecord("a.mp4");
    const screened = screenRecord(record);
    assert.ok(screened.action === "probe");
    assert.throws(
      () => planJob(screened, { ...CONVERT_ENVIRONMENT, applicationName: "vod (test)" }),
      /application holds characters MediaConvert refuses/,
    );
  });
});

describe("the fake MediaConvert: user metadata as the service checks it", () => {
  let fake: FakeMediaConvert;
  before(async () => (fake = await startFakeMediaConvert()));
  after(() => fake.close());

  const job = (userMetadata: Record<string, string>) =>
    mediaConvertClientFor(fake).send(
      new CreateJobCommand({
        Role: "arn:aws:iam::123456789012:role/r",
        Settings: {},
        UserMetadata: userMetadata,
      }),
    );
  const refused = { name: "BadRequestException" };

  it("accepts letters in any language, digits, spaces and _ . : / = + - @", async () => {
    const { Job } = await job({ application: "vod", note: "Été 2024: a/b=c+d-e@f_g.h 映画" });
    assert.ok(Job?.Id);
  });

  for (const [name, value] of [
    ["parentheses", "Mon Film (2024).mp4"],
    ["a percent sign", "100%.mp4"],
    ["quotes", `"a".mp4`],
    ["a tilde", "a~b"],
    ["an emoji", "🎬"],
    ["a control character", "a\tb"],
    ["a lone surrogate (an emoji cut in two)", "🎬".slice(0, 1)],
  ] as const) {
    it(`refuses a value with ${name}`, async () => {
      await assert.rejects(job({ input: value }), refused);
    });
  }

  it("refuses a value over 256 characters, and more than 10 pairs", async () => {
    await job({ input: "x".repeat(256) });
    await assert.rejects(job({ input: "x".repeat(257) }), refused);
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
    await assert.rejects(job(eleven), refused);
  });

  it("refuses a key over 128 characters", async () => {
    await assert.rejects(job({ ["k".repeat(129)]: "v" }), refused);
  });
});
