/**
 * The metadata function against late, long-keyed and malformed events: a failed job
 * for any key ends as ERROR in its asset file, a late event of an older job never
 * replaces what a newer job wrote, and a malformed event fails loudly.
 */
import * as assert from "node:assert/strict";
import { S3Client } from "@aws-sdk/client-s3";
import type { JobStateDetail } from "../functions/metadata/assetMetadata";
import { planErrorMarker } from "../functions/metadata/assetMetadata";
import { createMetadataHandler } from "../functions/metadata/handler";
import { compareSequencers, statusMayReplace } from "../functions/common/statusFile";
import { planJob, screenRecord } from "../functions/convert/request";
import { CONVERT_ENVIRONMENT } from "./support/convertEnvironment";
import { LocalS3, startLocalS3 } from "../local/s3";
import { capturingLogs } from "./support/logCapture";
import { ODD_KEYS } from "./support/oddKeys";
import { uploadRecord } from "./support/s3Events";

const EXPECTED = {
  bucket: "vod-output-test",
  domain: "d.cloudfront.net",
  applicationName: "vod-test",
};
const CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };

/** The job the convert function plans for an upload of `key` with the given sequencer. */
function jobFor(key: string, sequencer = "0055AED6DCD90281E5") {
  const record = uploadRecord(encodeURIComponent(key).replace(/%20/g, "+"), { sequencer });
  const screened = screenRecord(record);
  assert.ok(screened.action === "probe");
  return planJob(screened, CONVERT_ENVIRONMENT);
}

const errorEvent = (jobId: string, userMetadata: Record<string, string>): JobStateDetail => ({
  jobId,
  status: "ERROR",
  timestamp: Date.parse("2026-11-22T10:05:00Z"),
  errorCode: 1030,
  errorMessage: "Unsupported codec",
  userMetadata,
});

/** A COMPLETE event for a job that wrote its clear HLS under `prefix`. */
const completeEvent = (
  jobId: string,
  prefix: string,
  userMetadata: Record<string, string>,
): JobStateDetail => ({
  jobId,
  status: "COMPLETE",
  timestamp: Date.parse("2026-11-22T10:05:00Z"),
  userMetadata,
  outputGroupDetails: [
    {
      type: "HLS_GROUP",
      playlistFilePaths: [`s3://vod-output-test/${prefix}/hls/index.m3u8`],
      outputDetails: [{ durationInMs: 10_000, videoDetails: { widthInPx: 640, heightInPx: 360 } }],
    },
  ],
});

const event = (detail: unknown) =>
  ({ "detail-type": "MediaConvert Job State Change", source: "aws.mediaconvert", detail }) as any;

describe("metadata: a failed job's asset file, for any key", () => {
  it("finds the asset file the convert function chose, for every odd key (long ones too)", () => {
    for (const key of ODD_KEYS) {
      const job = jobFor(key);
      const plan = planErrorMarker(errorEvent("job-1", job.request.UserMetadata!), EXPECTED);
      assert.ok(plan.action === "write", `${JSON.stringify(key)}: ${JSON.stringify(plan)}`);
      assert.equal(plan.key, job.assetFileKey, JSON.stringify(key));
      assert.equal(plan.marker.input, `s3://vod-source-test/${key}`);
    }
  });

  it("writes ERROR over the PROCESSING of a job for a key of 400 characters", async () => {
    const localS3 = await startLocalS3();
    try {
      const s3 = new S3Client({
        endpoint: localS3.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: CREDENTIALS,
      });
      const key = `long/${"a".repeat(390)}.mp4`;
      const job = jobFor(key);
      const path = `vod-output-test/${job.assetFileKey}`;
      localS3.put(path, JSON.stringify({ status: "PROCESSING", jobId: "job-1" }));
      const handler = createMetadataHandler(EXPECTED, s3);
      await capturingLogs(() => handler(event(errorEvent("job-1", job.request.UserMetadata!))));
      const file = JSON.parse(localS3.objects.get(path)!.body);
      assert.equal(file.status, "ERROR");
      assert.equal(file.jobId, "job-1");
    } finally {
      await localS3.close();
    }
  });
});

describe("metadata: a late event of an older job", () => {
  const OLDER = "0055AED6DCD90281E5";
  const NEWER = "0055AED6DCD9028200";
  let localS3: LocalS3;
  let s3: S3Client;
  const key = "late/clip.mp4";
  const path = `vod-output-test/${key}/asset.json`;
  const older = jobFor(key, OLDER).request.UserMetadata!;
  const newer = jobFor(key, NEWER).request.UserMetadata!;
  before(async () => {
    localS3 = await startLocalS3();
    s3 = new S3Client({
      endpoint: localS3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
  });
  after(() => localS3.close());
  const run = async (detail: JobStateDetail) => {
    const { logs: lines, error } = await capturingLogs(() =>
      createMetadataHandler(EXPECTED, s3)(event(detail)),
    );
    if (error) throw error;
    return lines;
  };
  const current = () => JSON.parse(localS3.objects.get(path)!.body);

  it("orders sequencers as S3 documents: left-padded with zeros, then compared", () => {
    assert.ok(compareSequencers(OLDER, NEWER) < 0);
    assert.ok(compareSequencers("FF", "0100") < 0);
    assert.equal(compareSequencers("00ab", "AB"), 0);
  });

  it("keeps the newer job's COMPLETE when the older job's COMPLETE comes late", async () => {
    await run(completeEvent("job-new", key, newer));
    const lines = await run(completeEvent("job-old", key, older));
    assert.equal(current().jobId, "job-new");
    assert.match(lines.find((l) => l.message === "skipped")!.reason, /older upload/);
  });

  it("keeps the newer job's COMPLETE when the older job's ERROR comes late", async () => {
    await run(errorEvent("job-old", older));
    assert.equal(current().jobId, "job-new");
  });

  it("keeps the newer job's PROCESSING when the older job's COMPLETE comes late", async () => {
    localS3.put(path, JSON.stringify({ status: "PROCESSING", jobId: "job-new", sequencer: NEWER }));
    await run(completeEvent("job-old", key, older));
    assert.deepEqual(current(), { status: "PROCESSING", jobId: "job-new", sequencer: NEWER });
  });

  it("replaces an older job's COMPLETE with the newer job's COMPLETE", async () => {
    localS3.put(path, JSON.stringify({ status: "COMPLETE", jobId: "job-old", sequencer: OLDER }));
    await run(completeEvent("job-new", key, newer));
    assert.equal(current().jobId, "job-new");
    assert.equal(current().status, "COMPLETE");
    assert.equal(current().sequencer, NEWER);
  });

  it("replaces an older upload's PROCESSING with a newer job's COMPLETE", () => {
    const file = JSON.stringify({ status: "PROCESSING", jobId: "job-old", sequencer: OLDER });
    assert.deepEqual(
      statusMayReplace(file, { status: "COMPLETE", jobId: "job-new", sequencer: NEWER }),
      { replace: true },
    );
  });

  it("without sequencers, keeps another job's PROCESSING from a COMPLETE (that job came later)", () => {
    const file = JSON.stringify({ status: "PROCESSING", jobId: "job-2" });
    const decision = statusMayReplace(file, { status: "COMPLETE", jobId: "job-1" });
    assert.equal(decision.replace, false);
  });
});

describe("metadata: a malformed event", () => {
  const handler = createMetadataHandler(
    EXPECTED,
    new S3Client({ region: "us-east-1", credentials: CREDENTIALS }),
  );
  for (const [what, detail, named] of [
    ["no detail", undefined, /no detail/],
    ["a detail that is not an object", "COMPLETE", /no detail/],
    ["no job id", { status: "COMPLETE" }, /detail\.jobId/],
    ["no status", { jobId: "j" }, /detail\.status/],
    [
      "a timestamp that is text",
      { jobId: "j", status: "COMPLETE", timestamp: "yesterday" },
      /timestamp/,
    ],
    ["a timestamp out of range", { jobId: "j", status: "COMPLETE", timestamp: 1e20 }, /timestamp/],
    [
      "output groups that are not a list",
      { jobId: "j", status: "COMPLETE", outputGroupDetails: {} },
      /outputGroupDetails/,
    ],
  ] as const) {
    it(`logs one line naming ${what}, then throws for Lambda to retry`, async () => {
      const { logs: lines, error } = await capturingLogs(() => handler(event(detail)));
      assert.ok(error instanceof Error, "it throws");
      assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), String(error));
      assert.match(error.message, named);
      const logged = lines.filter((l) => l.level === "ERROR");
      assert.equal(logged.length, 1, JSON.stringify(lines));
      assert.equal(logged[0].message, "malformed event");
      assert.match(logged[0].problem, named);
    });
  }
});
