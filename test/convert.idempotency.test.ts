import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { createConvertHandler } from "../functions/convert/handler";
import { uploadRecordStore } from "../functions/convert/idempotency";
import { readJobInput } from "../functions/common/jobMetadata";
import { UPLOAD_RECORD_SECONDS } from "../shared/idempotencyTable";
import { invokeBundle } from "./support/bundledFunction";
import { deployedEnvironment, writeConvertBundle } from "./support/convertBundle";
import { CONVERT_VARIABLES, CONVERT_ENVIRONMENT } from "./support/convertEnvironment";
import { startDynamoDb, TEST_CREDENTIALS, TestDynamoDb } from "./support/dynamoDb";
import {
  FakeMediaConvert,
  FakeMediaConvertOptions,
  FORBIDDEN,
  mediaConvertClientFor,
  startFakeMediaConvert,
} from "./support/fakeMediaConvert";
import { TOKEN_WINDOW_MS } from "../local/mediaConvert/validation";
import { LocalS3, startLocalS3 } from "../local/s3";
import { lambdaContext } from "./support/lambdaContext";
import { capturingLogs, metricTotals } from "./support/logCapture";
import { s3Event, uploadRecord } from "./support/s3Events";
import { sourceMediaFor } from "./support/sourceMedia";
import { probeFinding } from "./support/sourceProbe";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The source bucket versions objects, so every upload event carries a version id. */
const upload = (
  key: string,
  versionId = "v1-3HL4kqtJlcpXroDTDmjVBH40Nrjfkd",
  sequencer = "0055AED6DCD90281E5",
) => uploadRecord(key, { versionId, sequencer });

/**
 * The wall clock Powertools, the SDK and the fake MediaConvert read (`Date.now`), moved
 * forward by tests and put back after each.
 */
const clock = {
  realNow: Date.now,
  offset: 0,
  advance(ms: number) {
    this.offset += ms;
    const { realNow, offset } = this;
    Date.now = () => realNow() + offset;
  },
  restore() {
    Date.now = this.realNow;
    this.offset = 0;
  },
};

describe("convert: exactly one job per upload", () => {
  let dynamoDb: TestDynamoDb;
  let localS3: LocalS3;
  let fake: FakeMediaConvert;
  let table: string;
  let tables = 0;

  before(async () => {
    dynamoDb = await startDynamoDb();
    localS3 = await startLocalS3();
  });
  after(async () => {
    await dynamoDb.close();
    await localS3.close();
  });
  beforeEach(async () => {
    table = `uploads-once-${++tables}`;
    await dynamoDb.createIdempotencyTable(table);
  });
  afterEach(async () => {
    clock.restore();
    await fake?.close();
  });

  async function startMediaConvert(options: FakeMediaConvertOptions = {}) {
    fake = await startFakeMediaConvert(options);
    return fake;
  }

  /**
   * One invocation of a freshly started function (a new container), as Lambda makes it
   * for a delivery or a retry: a new Lambda context with a minute left.
   */
  function deliver(event: S3Event) {
    const handler = createConvertHandler(
      { ...CONVERT_ENVIRONMENT, idempotencyTable: table },
      {
        mediaConvert: mediaConvertClientFor(fake),
        s3: new S3Client({
          endpoint: localS3.endpoint,
          region: "us-east-1",
          credentials: TEST_CREDENTIALS,
          forcePathStyle: true,
        }),
        // These tests are about submission: the probe is tested in convert.probe.test.ts.
        probe: probeFinding(),
        uploadRecords: uploadRecordStore(table, dynamoDb.client),
      },
    );
    return handler(event, lambdaContext({ timeoutMs: MINUTE }));
  }

  describe("the local MediaConvert, as documented", () => {
    it("honours a client request token for one minute only", async () => {
      const time = { now: Date.parse("2026-11-22T10:00:00Z") };
      await startMediaConvert({ now: () => time.now });
      // What the handler sent before the idempotency table: every delivery reaches CreateJob.
      const send = () =>
        fetch(`${fake.endpoint}/2017-08-29/jobs`, {
          method: "POST",
          body: JSON.stringify({ role: "r", settings: {}, clientRequestToken: "t-1" }),
        });
      await send();
      time.now += TOKEN_WINDOW_MS - 1;
      await send();
      assert.equal(fake.jobs.length, 1, "reused within the minute: the same job");
      time.now += 1;
      await send();
      assert.equal(fake.jobs.length, 2, "reused a minute later: a second, paid, job");
    });
  });

  it("makes one job for redeliveries of a record at +1 min, +3 min and +6 h", async () => {
    await startMediaConvert();
    const event = s3Event(upload("late/clip.mp4"));
    const { metrics } = await capturingLogs(async () => {
      await deliver(event);
      clock.advance(1 * MINUTE);
      await deliver(event);
      clock.advance(2 * MINUTE);
      await deliver(event);
      clock.advance(6 * HOUR - 3 * MINUTE);
      await deliver(event);
    });
    assert.equal(fake.jobs.length, 1);
    assert.equal(fake.calls.length, 1, "redeliveries never call CreateJob");
    assert.deepEqual(metricTotals(metrics), { JobsCreated: 1, DuplicateUploads: 3 });
  });

  it("keeps each record 15 days, in the TTL attribute, then treats it as gone", async () => {
    await startMediaConvert();
    const event = s3Event(upload("expiry/clip.mp4"));
    const recordedAt = Date.now() / 1000;
    await capturingLogs(() => deliver(event));
    const [record] = await dynamoDb.items(table);
    assert.equal(record.status, "COMPLETED");
    assert.ok(Math.abs(record.expiration - (recordedAt + UPLOAD_RECORD_SECONDS)) < 5);
    assert.equal(UPLOAD_RECORD_SECONDS, 15 * 24 * 3600);
    clock.advance(UPLOAD_RECORD_SECONDS * 1000 - MINUTE);
    await capturingLogs(() => deliver(event));
    assert.equal(fake.jobs.length, 1, "a day short of 15, the record still holds");
    clock.advance(2 * MINUTE);
    await capturingLogs(() => deliver(event));
    assert.equal(fake.jobs.length, 2, "expired: a replay that late is a new upload");
  });

  it("deletes the record when CreateJob fails, so Lambda's retry a minute later makes the job", async () => {
    await startMediaConvert({ failure: (call) => (call === 1 ? FORBIDDEN : undefined) });
    const event = s3Event(upload("failed/clip.mp4"));
    const first = await capturingLogs(() => deliver(event));
    assert.ok(first.error instanceof AggregateError);
    assert.equal((first.error as AggregateError).errors[0].name, "ForbiddenException");
    assert.deepEqual(await dynamoDb.items(table), [], "no record is left behind");
    assert.equal(fake.jobs.length, 0);

    clock.advance(1 * MINUTE);
    const retry = await capturingLogs(() => deliver(event));
    assert.equal(retry.error, undefined);
    assert.equal(fake.jobs.length, 1);
    const [record] = await dynamoDb.items(table);
    assert.deepEqual([record.status, record.data], ["COMPLETED", { jobId: fake.jobs[0].id }]);
  });

  it("lets a retry take over after a crash between the record and CreateJob, once the crashed invocation's deadline has passed", async function () {
    // The bundled function probes the upload for real: it must be there.
    const media = await sourceMediaFor(this);
    const { versionId } = localS3.put(
      "vod-source-test/crash/clip.mp4",
      readFileSync(media.landscape),
    );
    // The first CreateJob never gets an answer, and the function's process is killed:
    // as a crash or a timeout would leave it, the record stays INPROGRESS.
    await startMediaConvert({ stall: (call) => call === 1 });
    const bundlePath = writeConvertBundle();
    const event = s3Event(upload("crash/clip.mp4", versionId));
    const startedAt = Date.now();
    const child = spawn(process.execPath, ["-e", invokeBundle(bundlePath, event)], {
      stdio: "ignore",
      env: deployedEnvironment(
        { mediaConvert: fake.endpoint, s3: localS3.endpoint, dynamoDb: dynamoDb.endpoint, table },
        CONVERT_VARIABLES,
      ),
    });
    while (fake.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill("SIGKILL");
    await once(child, "exit");

    const [stranded] = await dynamoDb.items(table);
    assert.equal(stranded.status, "INPROGRESS");
    // Powertools bounds the record by the invocation: now plus the context's remaining time.
    const deadline = stranded.in_progress_expiration;
    assert.ok(
      deadline > startedAt + MINUTE - 5_000 && deadline <= Date.now() + MINUTE,
      `${deadline}`,
    );
    assert.equal(fake.jobs.length, 0);

    // A duplicate before that deadline may not take over: the crashed invocation might
    // still be running. It fails, and Lambda retries it later.
    const early = await capturingLogs(() => deliver(event));
    assert.ok(early.error instanceof AggregateError);
    assert.equal(
      (early.error as AggregateError).errors[0].name,
      "IdempotencyAlreadyInProgressError",
    );
    assert.equal(fake.jobs.length, 0);

    // Lambda's retry, a minute after the failure: past the deadline, it makes the job.
    clock.advance(deadline - Date.now() + 1_000);
    const retry = await capturingLogs(() => deliver(event));
    assert.equal(retry.error, undefined);
    assert.equal(fake.jobs.length, 1);
    assert.equal((await dynamoDb.items(table))[0].status, "COMPLETED");
  });

  it("makes one job for two concurrent deliveries; the other is retried by Lambda and finds it", async () => {
    // A slow CreateJob keeps the first delivery's record INPROGRESS while the second arrives.
    await startMediaConvert({ latencyMs: 300 });
    const event = s3Event(upload("concurrent/clip.mp4"));
    const { logs, metrics } = await capturingLogs(async () => {
      const results = await Promise.allSettled([deliver(event), deliver(event)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      assert.equal(rejected.reason.errors[0].name, "IdempotencyAlreadyInProgressError");
      assert.equal(fake.jobs.length, 1);
      // Lambda retries the failed invocation about a minute later.
      clock.advance(1 * MINUTE);
      await deliver(event);
    });
    assert.equal(fake.jobs.length, 1);
    assert.deepEqual(metricTotals(metrics), {
      JobsCreated: 1,
      DuplicatesInProgress: 1,
      DuplicateUploads: 1,
    });
    const inProgress = logs.find((l) => l.message === "duplicate upload in progress")!;
    assert.equal(inProgress.level, "WARN");
    assert.match(inProgress.reason, /Lambda retries this event later/);
  });

  it("makes a second job for a new version of the same key", async () => {
    await startMediaConvert();
    await capturingLogs(async () => {
      await deliver(s3Event(upload("versions/clip.mp4", "v1-aaaa", "0055AED6DCD90281E5")));
      await deliver(s3Event(upload("versions/clip.mp4", "v2-bbbb", "0055AED6DCD90281F0")));
      // And a late redelivery of the first version's event makes none.
      clock.advance(3 * MINUTE);
      await deliver(s3Event(upload("versions/clip.mp4", "v1-aaaa", "0055AED6DCD90281E5")));
    });
    assert.equal(fake.jobs.length, 2);
    assert.equal((await dynamoDb.items(table)).length, 2, "one record per version");
  });

  it("records each record of an event on its own: a redelivered event makes only its new uploads' jobs", async () => {
    await startMediaConvert();
    const { metrics } = await capturingLogs(async () => {
      await deliver(s3Event(upload("batch/a.mp4"), upload("batch/b.mp4")));
      clock.advance(2 * MINUTE);
      await deliver(s3Event(upload("batch/a.mp4"), upload("batch/c.mp4"), upload("batch/c.mp4")));
    });
    assert.deepEqual(
      fake.jobs.map((job) => readJobInput(job.body.userMetadata).url).sort(),
      ["a", "b", "c"].map((name) => `s3://vod-source-test/batch/${name}.mp4`),
    );
    assert.deepEqual(metricTotals(metrics), { JobsCreated: 3, DuplicateUploads: 2 });
  });
});
