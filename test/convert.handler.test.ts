import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateJobCommand, MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { createConvertHandler, MEDIACONVERT_MAX_ATTEMPTS } from "../functions/convert/handler";
import { uploadRecordStore } from "../functions/convert/idempotency";
import { readJobInput } from "../functions/common/jobMetadata";
import {
  CONVERT_VARIABLES,
  CONVERT_ENVIRONMENT,
  DRM_CONVERT_VARIABLES,
  DRM_CONVERT_ENVIRONMENT,
  JOB_QUEUE_ARN,
  SPEKE_URL,
} from "./support/convertEnvironment";
import { invokeBundle, runNode } from "./support/bundledFunction";
import { deployedEnvironment, writeConvertBundle } from "./support/convertBundle";
import { startDynamoDb, TEST_CREDENTIALS, TestDynamoDb } from "./support/dynamoDb";
import { LocalS3, startLocalS3 } from "../local/s3";
import {
  FakeMediaConvert,
  mediaConvertClientFor,
  startFakeMediaConvert,
  THROTTLED,
  UNAVAILABLE,
} from "./support/fakeMediaConvert";
import { InstantRetries } from "./support/instantRetries";
import { lambdaContext } from "./support/lambdaContext";
import { capturingLogs, metricTotals } from "./support/logCapture";
import { s3Event, uploadRecord } from "./support/s3Events";
import { sourceMediaFor } from "./support/sourceMedia";
import { LANDSCAPE_720P, probeFinding } from "./support/sourceProbe";

/** S3's answer to a conditional write whose condition failed. */
const preconditionFailed = () =>
  new S3ServiceException({
    name: "PreconditionFailed",
    $fault: "client",
    $metadata: { httpStatusCode: 412 },
    message: "At least one of the pre-conditions you specified did not hold",
  });

describe("convert handler with a mocked client", () => {
  const client = new MediaConvertClient({ region: "us-east-1", credentials: TEST_CREDENTIALS });
  const mediaConvert = mockClient(client);
  const s3Client = new S3Client({ region: "us-east-1", credentials: TEST_CREDENTIALS });
  const s3 = mockClient(s3Client);
  const dynamoDbClient = new DynamoDBClient({ region: "us-east-1", credentials: TEST_CREDENTIALS });
  const dynamoDb = mockClient(dynamoDbClient);
  const handlerFor = (settings = CONVERT_ENVIRONMENT) => {
    const handler = createConvertHandler(settings, {
      mediaConvert: client,
      s3: s3Client,
      probe: probeFinding(),
      uploadRecords: uploadRecordStore(settings.idempotencyTable, dynamoDbClient),
    });
    return (event: Parameters<typeof handler>[0]) => handler(event, lambdaContext());
  };
  const handler = handlerFor();
  beforeEach(() => {
    mediaConvert.reset();
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    // Every upload is new to the idempotency table.
    dynamoDb.reset();
    dynamoDb.on(PutItemCommand).resolves({});
    dynamoDb.on(UpdateItemCommand).resolves({});
    dynamoDb.on(DeleteItemCommand).resolves({});
  });
  after(() => {
    mediaConvert.restore();
    s3.restore();
    dynamoDb.restore();
  });

  it("makes no call for folder markers, non-video files and empty objects, and logs each skip", async () => {
    const { error, logs, metrics } = await capturingLogs(() =>
      handler(
        s3Event(
          uploadRecord("foo/"),
          uploadRecord("notes.txt"),
          uploadRecord("empty.mp4", { size: 0 }),
        ),
      ),
    );
    assert.equal(error, undefined);
    assert.equal(mediaConvert.calls().length, 0);
    assert.equal(s3.calls().length, 0);
    assert.equal(dynamoDb.calls().length, 0, "skips are not recorded");
    assert.deepEqual(
      logs.map((l) => [l.level, l.message, l.key, l.reason]),
      [
        ["INFO", "skipped", "foo/", "a folder marker, not a file"],
        ["INFO", "skipped", "notes.txt", "not a video file suffix"],
        ["INFO", "skipped", "empty.mp4", "the object is empty"],
      ],
    );
    assert.deepEqual(metricTotals(metrics), { UploadsSkipped: 3 });
  });

  it("logs JSON lines with the service, the Lambda context and the event's fields", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    const { logs } = await capturingLogs(() => handler(s3Event(uploadRecord("a%23.mp4"))));
    const [submitted] = logs;
    assert.equal(submitted.message, "job submitted");
    assert.equal(submitted.key, "a#.mp4");
    assert.match(submitted.assetFile, /^a_\.mp4~[0-9a-f]{8}\/asset\.json$/, "where the outputs go");
    assert.equal(submitted.service, "convert");
    assert.equal(submitted.function_name, "vod-convert");
    assert.match(submitted.function_request_id, /^req-/);
    assert.equal(typeof submitted.cold_start, "boolean");
    assert.equal(submitted.jobId, "job-1");
    assert.ok(!Number.isNaN(Date.parse(submitted.timestamp)));
  });

  it("publishes its counts as embedded metrics in the VodMultiDrm namespace", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    const { metrics } = await capturingLogs(() =>
      handler(s3Event(uploadRecord("a.mp4"), uploadRecord("b.mp4"), uploadRecord("c.txt"))),
    );
    assert.equal(metrics.length, 1, "one line per invocation");
    const [line] = metrics;
    const [directive] = line._aws.CloudWatchMetrics;
    assert.equal(directive.Namespace, "VodMultiDrm");
    assert.deepEqual(directive.Dimensions, [["service", "application"]]);
    assert.equal(line.service, "convert");
    assert.equal(line.application, "vod-test");
    assert.deepEqual(metricTotals(metrics), { JobsCreated: 2, UploadsSkipped: 1 });
  });

  it("submits the role, the idempotency token and the metadata", async () => {
    mediaConvert.on(CreateJobCommand).resolves({
      Job: { Id: "job-1", Role: CONVERT_ENVIRONMENT.mediaConvertRoleArn, Settings: {} },
    });
    await capturingLogs(() => handler(s3Event(uploadRecord("trailers/a.mp4"))));
    const [call] = mediaConvert.commandCalls(CreateJobCommand);
    assert.equal(call.args[0].input.Role, CONVERT_ENVIRONMENT.mediaConvertRoleArn);
    assert.match(call.args[0].input.ClientRequestToken!, /^[0-9a-f-]{36}$/);
    assert.equal(call.args[0].input.UserMetadata!.application, "vod-test");
  });

  it("records the upload before CreateJob, and marks it complete with the job id after", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-7", Role: "r", Settings: {} } });
    await capturingLogs(() => handler(s3Event(uploadRecord("a.mp4"))));
    assert.deepEqual(
      dynamoDb.calls().map((call) => call.args[0].constructor.name),
      ["PutItemCommand", "UpdateItemCommand"],
    );
    const [createJob] = mediaConvert.commandCalls(CreateJobCommand);
    assert.ok(dynamoDb.commandCalls(PutItemCommand)[0].calledBefore(createJob));
    assert.ok(dynamoDb.commandCalls(UpdateItemCommand)[0].calledAfter(createJob));
    const put = dynamoDb.commandCalls(PutItemCommand)[0].args[0].input;
    assert.equal(put.TableName, CONVERT_ENVIRONMENT.idempotencyTable);
    assert.match(put.Item!.id.S!, /^upload#[A-Za-z0-9+/]{43}=$/, "a SHA-256 of the upload");
    assert.equal(put.Item!.status.S, "INPROGRESS");
    assert.match(put.ConditionExpression!, /attribute_not_exists\(#id\)/);
    const update = dynamoDb.commandCalls(UpdateItemCommand)[0].args[0].input;
    assert.deepEqual(update.ExpressionAttributeValues![":status"], { S: "COMPLETED" });
    assert.deepEqual(update.ExpressionAttributeValues![":response_data"], {
      M: { jobId: { S: "job-7" } },
    });
  });

  it("tries every record, then throws when any submission failed", async () => {
    mediaConvert
      .on(CreateJobCommand)
      .rejectsOnce(new Error("AccessDenied"))
      .resolves({ Job: { Id: "job-2", Role: "r", Settings: {} } });
    const { error, logs, metrics } = await capturingLogs(() =>
      handler(s3Event(uploadRecord("a.mp4"), uploadRecord("b.mp4"))),
    );
    assert.equal(mediaConvert.commandCalls(CreateJobCommand).length, 2);
    assert.ok(error instanceof AggregateError);
    assert.equal(error.message, "1 of 2 uploads were not submitted");
    assert.deepEqual(
      logs.map((l) => [l.level, l.message, l.key]),
      [
        ["ERROR", "job not submitted", "a.mp4"],
        ["INFO", "job submitted", "b.mp4"],
        ["INFO", "status file written", "b.mp4"],
      ],
    );
    assert.equal(logs[0].error.message, "AccessDenied");
    assert.equal(s3.commandCalls(PutObjectCommand).length, 1, "no status file for a job not made");
    assert.equal(dynamoDb.commandCalls(DeleteItemCommand).length, 1, "a.mp4's record is deleted");
    assert.deepEqual(metricTotals(metrics), { JobsFailed: 1, JobsCreated: 1 });
  });

  it("writes a PROCESSING asset.json, only if none exists, once the job exists", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    await capturingLogs(() => handler(s3Event(uploadRecord("trailers/My+Movie.mp4"))));
    const [call] = s3.commandCalls(PutObjectCommand);
    const input = call.args[0].input;
    assert.equal(input.Bucket, CONVERT_ENVIRONMENT.destinationBucket);
    assert.equal(input.Key, "trailers/My Movie.mp4/asset.json");
    assert.equal(input.IfNoneMatch, "*");
    assert.equal(input.IfMatch, undefined);
    assert.equal(input.ContentType, "application/json");
    assert.equal(input.CacheControl, "max-age=30");
    assert.equal(input.ACL, undefined);
    const body = JSON.parse(String(input.Body));
    assert.deepEqual(body, {
      status: "PROCESSING",
      jobId: "job-1",
      assetId: body.assetId,
      input: "s3://vod-source-test/trailers/My Movie.mp4",
      // What the probe found, as the job's user metadata carries it (4 decimals).
      source: { ...LANDSCAPE_720P, displayAspectRatio: 1.7778 },
      sequencer: "0055AED6DCD90281E5",
    });
    assert.match(body.assetId, /^[0-9a-f]{16}$/);
  });

  it("keeps an asset.json that describes a COMPLETE encode: S3's 412, then the read, are a normal outcome", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({
      ETag: '"e"',
      Body: { transformToString: async () => '{"status":"COMPLETE","jobId":"job-0"}' } as any,
    });
    const { error, logs } = await capturingLogs(() => handler(s3Event(uploadRecord("a.mp4"))));
    assert.equal(error, undefined);
    assert.deepEqual(
      logs.map((l) => [l.level, l.message]),
      [
        ["INFO", "job submitted"],
        ["INFO", "status file kept"],
      ],
    );
    assert.equal(logs[1].reason, "the asset has a COMPLETE encode (job job-0) that still plays");
    assert.equal(s3.commandCalls(PutObjectCommand).length, 1, "only the refused first write");
  });

  it("does not fail the record when the status file cannot be written: the job exists", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    s3.on(PutObjectCommand).rejects(new Error("AccessDenied"));
    const { error, logs } = await capturingLogs(() => handler(s3Event(uploadRecord("a.mp4"))));
    assert.equal(error, undefined);
    assert.deepEqual(
      [logs[1].level, logs[1].message, logs[1].error.message],
      ["WARN", "status file not written", "AccessDenied"],
    );
  });

  it("does not fail the record when the job exists but its record cannot be completed", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-3", Role: "r", Settings: {} } });
    dynamoDb.on(UpdateItemCommand).rejects(new Error("ProvisionedThroughputExceededException"));
    const { error, logs, metrics } = await capturingLogs(() =>
      handler(s3Event(uploadRecord("a.mp4"))),
    );
    assert.equal(error, undefined, "a retry would make a second job");
    const line = logs.find((l) => l.message === "job submitted but not recorded")!;
    assert.equal(line.level, "ERROR");
    assert.equal(line.jobId, "job-3");
    assert.equal(metricTotals(metrics).JobsNotRecorded, 1);
    assert.equal(s3.commandCalls(PutObjectCommand).length, 1, "the status file is still written");
  });

  it("fails the record without calling MediaConvert when the upload cannot be recorded", async () => {
    dynamoDb.on(PutItemCommand).rejects(new Error("AccessDeniedException"));
    const { error, logs } = await capturingLogs(() => handler(s3Event(uploadRecord("a.mp4"))));
    assert.ok(error instanceof AggregateError);
    assert.equal(mediaConvert.calls().length, 0);
    assert.equal(logs[0].message, "job not submitted");
    assert.equal(logs[0].error.name, "IdempotencyPersistenceLayerError");
  });

  it("puts the content id into the job and the status file when DRM is on", async () => {
    const drmHandler = handlerFor(DRM_CONVERT_ENVIRONMENT);
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-9", Role: "r", Settings: {} } });
    await capturingLogs(() => drmHandler(s3Event(uploadRecord("films/Le+Film.mp4"))));
    const [job] = mediaConvert.commandCalls(CreateJobCommand);
    const contentId = job.args[0].input.UserMetadata!.contentId;
    assert.match(contentId, /^films_Le_Film-[0-9a-f]{12}$/);
    const marker = JSON.parse(String(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body));
    assert.equal(marker.contentId, contentId);
    assert.doesNotMatch(JSON.stringify(marker), /execute-api|token/i);
  });

  it("refuses to run without the Lambda context, which bounds upload records", async () => {
    const bare = createConvertHandler(CONVERT_ENVIRONMENT, {
      mediaConvert: client,
      s3: s3Client,
      probe: probeFinding(),
      uploadRecords: uploadRecordStore(CONVERT_ENVIRONMENT.idempotencyTable, dynamoDbClient),
    });
    await assert.rejects(bare(s3Event(uploadRecord("a.mp4"))), /needs the Lambda context/);
    assert.equal(dynamoDb.calls().length, 0);
  });
});

describe("convert handler against local MediaConvert, S3 and DynamoDB endpoints", () => {
  let fake: FakeMediaConvert;
  let localS3: LocalS3;
  let dynamoDb: TestDynamoDb;
  /** A fresh idempotency table per test. */
  let table: string;
  let tables = 0;
  const handlerFor = (
    endpoint: string,
    settings = CONVERT_ENVIRONMENT,
    retries?: InstantRetries,
  ) => {
    const handler = createConvertHandler(settings, {
      mediaConvert: mediaConvertClientFor({ endpoint }, { retries }),
      s3: new S3Client({
        endpoint: localS3.endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
      }),
      // These tests are about MediaConvert: the probe is tested in convert.probe.test.ts.
      probe: probeFinding(),
      uploadRecords: uploadRecordStore(table, dynamoDb.client),
    });
    return (event: Parameters<typeof handler>[0]) => handler(event, lambdaContext());
  };
  /** The environment of the bundled function, with every endpoint pointed at a local server. */
  const localEnvironment = (settings: Record<string, string>) =>
    deployedEnvironment(
      { mediaConvert: fake.endpoint, s3: localS3.endpoint, dynamoDb: dynamoDb.endpoint, table },
      settings,
    );
  before(async () => {
    dynamoDb = await startDynamoDb();
  });
  after(async () => {
    await dynamoDb.close();
  });
  beforeEach(async () => {
    localS3 = await startLocalS3();
    table = `uploads-${++tables}`;
    await dynamoDb.createIdempotencyTable(table);
  });
  afterEach(async () => {
    await fake.close();
    await localS3.close();
  });

  it("sends CreateJob as REST-JSON to POST /2017-08-29/jobs, signed", async () => {
    fake = await startFakeMediaConvert();
    await capturingLogs(() =>
      handlerFor(fake.endpoint)(s3Event(uploadRecord("uploads/My+Movie.mp4"))),
    );
    const [{ path: route, headers, body }] = fake.calls;
    assert.equal(route, "/2017-08-29/jobs");
    assert.match(
      String(headers.authorization),
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/mediaconvert\/aws4_request/,
    );
    assert.equal(body.role, CONVERT_ENVIRONMENT.mediaConvertRoleArn);
    assert.match(body.clientRequestToken, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(body.userMetadata).sort(), [
      "application",
      "input",
      "sequencer",
      "source",
    ]);
    assert.equal(
      body.userMetadata.source,
      "size=1280x720 dar=1.7778 rotation=0 duration=12.48 video=AVC audio=AAC container=MPEG-4",
    );
    assert.equal(body.queue, JOB_QUEUE_ARN);
    assert.equal(body.priority, 0);
    assert.deepEqual(body.accelerationSettings, { mode: "DISABLED" });
    assert.equal(body.settings.inputs[0].fileInput, "s3://vod-source-test/uploads/My Movie.mp4");
    const hls = body.settings.outputGroups[0];
    assert.equal(
      hls.outputGroupSettings.hlsGroupSettings.destination,
      "s3://vod-output-test/uploads/My Movie.mp4/hls/index",
    );
    assert.equal(hls.outputs[2].videoDescription.codecSettings.h264Settings.bitrate, 3_000_000);
    assert.doesNotMatch(JSON.stringify(body), /cannedAcl/i);
    assert.doesNotMatch(JSON.stringify(body), /encryption|speke/i, "DRM is off");
  });

  it("sends a DRM job's SPEKE encryption blocks on the wire, and no clear outputs", async () => {
    fake = await startFakeMediaConvert();
    await capturingLogs(() =>
      handlerFor(fake.endpoint, DRM_CONVERT_ENVIRONMENT)(s3Event(uploadRecord("drm/clip.mp4"))),
    );
    const [{ body }] = fake.calls;
    const contentId = body.userMetadata.contentId;
    assert.match(contentId, /^drm_clip-[0-9a-f]{12}$/);
    const groups = body.settings.outputGroups;
    assert.deepEqual(
      groups.map((g: any) => g.outputGroupSettings.type),
      ["FILE_GROUP_SETTINGS", "DASH_ISO_GROUP_SETTINGS", "HLS_GROUP_SETTINGS"],
    );
    const dash = groups[1].outputGroupSettings.dashIsoGroupSettings;
    assert.equal(dash.destination, "s3://vod-output-test/drm/clip.mp4/dash/index");
    assert.deepEqual(dash.encryption, {
      playbackDeviceCompatibility: "CENC_V1",
      spekeKeyProvider: {
        resourceId: contentId,
        systemIds: ["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", "9a04f079-9840-4286-ab92-e65be0885f95"],
        url: SPEKE_URL,
      },
    });
    const hls = groups[2].outputGroupSettings.hlsGroupSettings;
    assert.equal(hls.destination, "s3://vod-output-test/drm/clip.mp4/hls-fairplay/index");
    assert.deepEqual(hls.encryption, {
      type: "SPEKE",
      encryptionMethod: "SAMPLE_AES",
      initializationVectorInManifest: "INCLUDE",
      spekeKeyProvider: {
        resourceId: contentId,
        systemIds: ["94ce86fb-07ff-4f43-adb8-93d2fa968ca2"],
        url: SPEKE_URL,
      },
    });
  });

  it("writes the PROCESSING asset.json once, with If-None-Match, across duplicate deliveries", async () => {
    fake = await startFakeMediaConvert();
    const handler = handlerFor(fake.endpoint);
    const event = s3Event(uploadRecord("dup/clip.mp4"));
    const { logs } = await capturingLogs(async () => {
      await handler(event);
      await handler(event);
    });
    const puts = localS3.calls.filter((c) => c.method === "PUT");
    assert.deepEqual(
      puts.map((c) => [c.path, c.headers["if-none-match"]]),
      [["vod-output-test/dup/clip.mp4/asset.json", "*"]],
    );
    const stored = JSON.parse(localS3.objects.get("vod-output-test/dup/clip.mp4/asset.json")!.body);
    assert.equal(stored.status, "PROCESSING");
    assert.equal(stored.jobId, fake.jobs[0].id);
    assert.deepEqual(
      logs.map((l) => l.message),
      ["job submitted", "status file written", "duplicate upload"],
    );
    assert.equal(logs[2].jobId, fake.jobs[0].id, "the duplicate names the job made the first time");
  });

  it("says PROCESSING again when a failed asset is uploaded anew, over the ERROR only if it is unchanged (If-Match)", async () => {
    fake = await startFakeMediaConvert();
    const handler = handlerFor(fake.endpoint);
    const assetFile = "vod-output-test/again/clip.mp4/asset.json";
    const failed = localS3.put(assetFile, JSON.stringify({ status: "ERROR", jobId: "job-0" }));
    const { logs } = await capturingLogs(() => handler(s3Event(uploadRecord("again/clip.mp4"))));
    const stored = JSON.parse(localS3.objects.get(assetFile)!.body);
    assert.deepEqual([stored.status, stored.jobId], ["PROCESSING", fake.jobs[0].id]);
    const puts = localS3.calls.filter((c) => c.method === "PUT");
    assert.deepEqual(
      puts.map((c) => [c.headers["if-none-match"], c.headers["if-match"]]),
      [
        ["*", undefined],
        [undefined, failed.etag],
      ],
    );
    assert.equal(logs.find((l) => l.message === "status file written")!.replaced, true);
  });

  it("keeps a COMPLETE asset.json when a new version of its upload is encoded", async () => {
    fake = await startFakeMediaConvert();
    const handler = handlerFor(fake.endpoint);
    const assetFile = "vod-output-test/again/clip.mp4/asset.json";
    const complete = JSON.stringify({ status: "COMPLETE", jobId: "job-0" });
    localS3.put(assetFile, complete);
    const { logs } = await capturingLogs(() =>
      handler(s3Event(uploadRecord("again/clip.mp4", { versionId: "v2" }))),
    );
    assert.equal(fake.jobs.length, 1, "the new version is encoded");
    assert.equal(
      localS3.objects.get(assetFile)!.body,
      complete,
      "the playable encode is still described",
    );
    assert.equal(
      logs.find((l) => l.message === "status file kept")!.reason,
      "the asset has a COMPLETE encode (job job-0) that still plays",
    );
  });

  // The SDK's retries, without its back-off: throttled tests would wait seconds for real.
  it("retries throttling (429) and unavailability (503), then creates the job", async () => {
    fake = await startFakeMediaConvert({
      failure: (call) => (call === 1 ? THROTTLED : call === 2 ? UNAVAILABLE : undefined),
    });
    const retries = new InstantRetries(MEDIACONVERT_MAX_ATTEMPTS);
    const { error } = await capturingLogs(() =>
      handlerFor(fake.endpoint, CONVERT_ENVIRONMENT, retries)(s3Event(uploadRecord("a.mp4"))),
    );
    assert.equal(error, undefined);
    assert.deepEqual(retries.retried, ["THROTTLING", "TRANSIENT"]);
    assert.equal(fake.calls.length, 3);
    assert.equal(fake.jobs.length, 1);
  });

  it("throws once every attempt was throttled, so Lambda retries the event", async () => {
    fake = await startFakeMediaConvert({ failure: () => THROTTLED });
    const retries = new InstantRetries(MEDIACONVERT_MAX_ATTEMPTS);
    const { error } = await capturingLogs(() =>
      handlerFor(fake.endpoint, CONVERT_ENVIRONMENT, retries)(s3Event(uploadRecord("a.mp4"))),
    );
    assert.ok(error instanceof AggregateError);
    assert.equal((error as AggregateError).errors[0].name, "TooManyRequestsException");
    assert.equal(fake.calls.length, MEDIACONVERT_MAX_ATTEMPTS);
    assert.deepEqual(retries.retried, Array(MEDIACONVERT_MAX_ATTEMPTS - 1).fill("THROTTLING"));
    assert.equal(fake.jobs.length, 0);
  });

  it("creates one job for duplicate deliveries of the same upload, with one CreateJob call", async () => {
    fake = await startFakeMediaConvert();
    const handler = handlerFor(fake.endpoint);
    const event = s3Event(uploadRecord("dup.mp4"));
    const { metrics } = await capturingLogs(async () => {
      await handler(event);
      await handler(event);
      await handler(s3Event(uploadRecord("dup.mp4"), uploadRecord("dup.mp4")));
    });
    assert.equal(fake.calls.length, 1, "duplicates never reach MediaConvert");
    assert.equal(fake.jobs.length, 1);
    assert.deepEqual(metricTotals(metrics), { JobsCreated: 1, DuplicateUploads: 3 });
  });

  /** Puts a generated 720p landscape upload at `key` in the source bucket, as S3 would hold it. */
  async function upload(test: Mocha.Context, key: string) {
    const media = await sourceMediaFor(test);
    localS3.put(`vod-source-test/${key}`, readFileSync(media.landscape));
  }

  it("runs as deployed: the bundled function reads its environment and the endpoint overrides", async function () {
    await upload(this, "bundled/clip.mov");
    fake = await startFakeMediaConvert();
    const event = s3Event(uploadRecord("bundled/clip.mov"));
    // Asynchronously: the local servers answer from this process's event loop.
    const run = await runNode(["-e", invokeBundle(writeConvertBundle(), event)], {
      env: localEnvironment(CONVERT_VARIABLES),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fake.jobs.length, 1);
    assert.equal(
      readJobInput(fake.calls[0].body.userMetadata).url,
      "s3://vod-source-test/bundled/clip.mov",
    );
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const submitted = lines.find((line) => line.message === "job submitted");
    assert.equal(submitted.level, "INFO");
    assert.equal(submitted.service, "convert");
    assert.equal(submitted.function_name, "vod-convert");
    assert.ok(submitted.probe.loadMs >= 0, "the first probe loads MediaInfo");
    assert.ok(lines.some((line) => line._aws?.CloudWatchMetrics?.[0].Namespace === "VodMultiDrm"));
    const marker = localS3.objects.get("vod-output-test/bundled/clip.mov/asset.json");
    assert.equal(JSON.parse(marker!.body).status, "PROCESSING");
    assert.equal(marker!.headers["if-none-match"], "*");
    const [record] = await dynamoDb.items(table);
    assert.equal(record.status, "COMPLETED");
    assert.deepEqual(record.data, { jobId: fake.jobs[0].id });
  });

  it("runs as deployed: a duplicated event, delivered to fresh processes past the token window, makes one job", async function () {
    await upload(this, "bundled/twice.mp4");
    // The fake's clock runs two minutes ahead for the second delivery: MediaConvert's
    // own token no longer stops a second job, so only the idempotency record can.
    const clock = { offset: 0 };
    fake = await startFakeMediaConvert({ now: () => Date.now() + clock.offset });
    const bundle = writeConvertBundle();
    // The event names the version stored: the current one.
    const { versionId } = localS3.objects.get("vod-source-test/bundled/twice.mp4")!;
    const event = s3Event(uploadRecord("bundled/twice.mp4", { versionId }));
    const env = localEnvironment(CONVERT_VARIABLES);
    const first = await runNode(["-e", invokeBundle(bundle, event)], { env });
    clock.offset = 2 * 60_000;
    const second = await runNode(["-e", invokeBundle(bundle, event)], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(fake.jobs.length, 1);
    assert.equal(fake.calls.length, 1);
    assert.match(second.stdout, /"message":"duplicate upload"/);
  });

  it("runs as deployed with DRM: the bundled function reads SPEKE_URL and encrypts", async function () {
    await upload(this, "bundled/drm.mov");
    fake = await startFakeMediaConvert();
    const event = s3Event(uploadRecord("bundled/drm.mov"));
    const run = await runNode(["-e", invokeBundle(writeConvertBundle(), event)], {
      env: localEnvironment(DRM_CONVERT_VARIABLES),
    });
    assert.equal(run.code, 0, run.stderr);
    const settings = fake.calls[0].body.settings;
    assert.deepEqual(
      settings.outputGroups.map((g: any) => g.name),
      ["Thumbnails", "DASH", "HLS FairPlay"],
    );
    const marker = JSON.parse(
      localS3.objects.get("vod-output-test/bundled/drm.mov/asset.json")!.body,
    );
    assert.equal(marker.contentId, fake.calls[0].body.userMetadata.contentId);
  });

  it("fails at cold start, naming the variable, when its environment is incomplete", () => {
    fake = { close: async () => {} } as FakeMediaConvert;
    assert.ok(CONVERT_VARIABLES.LADDER);
    const run = spawnSync(process.execPath, [writeConvertBundle()], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, AWS_REGION: "us-east-1" },
    });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /Environment variable LADDER is not set/);
  });
});
