import * as assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CreateJobCommand, MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { bundleFunction } from "../functions/bundle";
import { createConvertHandler, MEDIACONVERT_MAX_ATTEMPTS } from "../functions/convert/handler";
import {
  CONVERT_ENVIRONMENT,
  CONVERT_SETTINGS,
  DRM_CONVERT_ENVIRONMENT,
  DRM_CONVERT_SETTINGS,
  SPEKE_URL,
} from "./support/convertSettings";
import { FakeS3, startFakeS3 } from "./support/fakeS3";
import {
  FakeMediaConvert,
  startFakeMediaConvert,
  THROTTLED,
  UNAVAILABLE,
} from "./support/fakeMediaConvert";
import { s3Event, uploadRecord } from "./support/s3Events";

/** Runs node with arguments, without blocking this process's event loop. */
async function runNode(args: string[], options: { env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
      ...options,
      encoding: "utf8",
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };

/** Runs `body` with console output captured, so skip and error lines can be asserted. */
async function capturingLogs<T>(
  body: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; lines: any[] }> {
  const lines: any[] = [];
  const original = { log: console.log, warn: console.warn, error: console.error };
  console.log = console.warn = console.error = (line: string) => lines.push(JSON.parse(line));
  try {
    return { result: await body(), lines };
  } catch (error) {
    return { error, lines };
  } finally {
    Object.assign(console, original);
  }
}

/** S3's answer to a conditional write whose condition failed. */
const preconditionFailed = () =>
  new S3ServiceException({
    name: "PreconditionFailed",
    $fault: "client",
    $metadata: { httpStatusCode: 412 },
    message: "At least one of the pre-conditions you specified did not hold",
  });

describe("convert handler with a mocked client", () => {
  const client = new MediaConvertClient({ region: "us-east-1", credentials: CREDENTIALS });
  const mediaConvert = mockClient(client);
  const s3Client = new S3Client({ region: "us-east-1", credentials: CREDENTIALS });
  const s3 = mockClient(s3Client);
  const handler = createConvertHandler(CONVERT_SETTINGS, client, s3Client);
  beforeEach(() => {
    mediaConvert.reset();
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
  });
  after(() => {
    mediaConvert.restore();
    s3.restore();
  });

  it("makes no call for folder markers, non-video files and empty objects, and logs each skip", async () => {
    const { error, lines } = await capturingLogs(() =>
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
    assert.deepEqual(
      lines.map((l) => [l.message, l.key, l.reason]),
      [
        ["skipped", "foo/", "a folder marker, not a file"],
        ["skipped", "notes.txt", "not a video file suffix"],
        ["skipped", "empty.mp4", "the object is empty"],
      ],
    );
  });

  it("submits the role, the idempotency token and the metadata", async () => {
    mediaConvert
      .on(CreateJobCommand)
      .resolves({ Job: { Id: "job-1", Role: CONVERT_SETTINGS.mediaConvertRoleArn, Settings: {} } });
    await capturingLogs(() => handler(s3Event(uploadRecord("trailers/a.mp4"))));
    const [call] = mediaConvert.commandCalls(CreateJobCommand);
    assert.equal(call.args[0].input.Role, CONVERT_SETTINGS.mediaConvertRoleArn);
    assert.match(call.args[0].input.ClientRequestToken!, /^[0-9a-f-]{36}$/);
    assert.equal(call.args[0].input.UserMetadata!.application, "vod-test");
  });

  it("tries every record, then throws when any submission failed", async () => {
    mediaConvert
      .on(CreateJobCommand)
      .rejectsOnce(new Error("AccessDenied"))
      .resolves({ Job: { Id: "job-2", Role: "r", Settings: {} } });
    const { error, lines } = await capturingLogs(() =>
      handler(s3Event(uploadRecord("a.mp4"), uploadRecord("b.mp4"))),
    );
    assert.equal(mediaConvert.commandCalls(CreateJobCommand).length, 2);
    assert.ok(error instanceof AggregateError);
    assert.equal(error.message, "1 of 2 uploads were not submitted");
    assert.deepEqual(
      lines.map((l) => [l.level, l.message, l.key]),
      [
        ["error", "job not submitted", "a.mp4"],
        ["info", "job submitted", "b.mp4"],
        ["info", "status file written", "b.mp4"],
      ],
    );
    assert.equal(s3.commandCalls(PutObjectCommand).length, 1, "no status file for a job not made");
  });

  it("writes a PROCESSING asset.json, only if none exists, once the job exists", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    await capturingLogs(() => handler(s3Event(uploadRecord("trailers/My+Movie.mp4"))));
    const [call] = s3.commandCalls(PutObjectCommand);
    const input = call.args[0].input;
    assert.equal(input.Bucket, CONVERT_SETTINGS.destinationBucket);
    assert.equal(input.Key, "trailers/My Movie/asset.json");
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
    });
    assert.match(body.assetId, /^[0-9a-f]{16}$/);
  });

  it("keeps an existing asset.json: S3's 412 is logged as a normal outcome", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    const { error, lines } = await capturingLogs(() => handler(s3Event(uploadRecord("a.mp4"))));
    assert.equal(error, undefined);
    assert.deepEqual(
      lines.map((l) => [l.level, l.message]),
      [
        ["info", "job submitted"],
        ["info", "status file kept"],
      ],
    );
    assert.match(lines[1].reason, /already exists/);
  });

  it("does not fail the record when the status file cannot be written: the job exists", async () => {
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-1", Role: "r", Settings: {} } });
    s3.on(PutObjectCommand).rejects(new Error("AccessDenied"));
    const { error, lines } = await capturingLogs(() => handler(s3Event(uploadRecord("a.mp4"))));
    assert.equal(error, undefined);
    assert.deepEqual(
      [lines[1].level, lines[1].message, lines[1].error],
      ["warn", "status file not written", "Error: AccessDenied"],
    );
  });

  it("puts the content id into the job and the status file when DRM is on", async () => {
    const drmHandler = createConvertHandler(DRM_CONVERT_SETTINGS, client, s3Client);
    mediaConvert.on(CreateJobCommand).resolves({ Job: { Id: "job-9", Role: "r", Settings: {} } });
    await capturingLogs(() => drmHandler(s3Event(uploadRecord("films/Le+Film.mp4"))));
    const [job] = mediaConvert.commandCalls(CreateJobCommand);
    const contentId = job.args[0].input.UserMetadata!.contentId;
    assert.match(contentId, /^films_Le_Film-[0-9a-f]{12}$/);
    const marker = JSON.parse(String(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body));
    assert.equal(marker.contentId, contentId);
    assert.doesNotMatch(JSON.stringify(marker), /execute-api|token/i);
  });
});

describe("convert handler against a local MediaConvert endpoint", () => {
  let fake: FakeMediaConvert;
  let fakeS3: FakeS3;
  const handlerFor = (endpoint: string, settings = CONVERT_SETTINGS) =>
    createConvertHandler(
      settings,
      new MediaConvertClient({
        endpoint,
        region: "us-east-1",
        credentials: CREDENTIALS,
        maxAttempts: MEDIACONVERT_MAX_ATTEMPTS,
      }),
      new S3Client({ endpoint: fakeS3.endpoint, region: "us-east-1", credentials: CREDENTIALS }),
    );
  beforeEach(async () => {
    fakeS3 = await startFakeS3();
  });
  afterEach(async () => {
    await fake.close();
    await fakeS3.close();
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
    assert.equal(body.role, CONVERT_SETTINGS.mediaConvertRoleArn);
    assert.match(body.clientRequestToken, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(body.userMetadata).sort(), ["application", "assetId", "input"]);
    assert.equal(body.settings.inputs[0].fileInput, "s3://vod-source-test/uploads/My Movie.mp4");
    const hls = body.settings.outputGroups[0];
    assert.equal(
      hls.outputGroupSettings.hlsGroupSettings.destination,
      "s3://vod-output-test/uploads/My Movie/hls/index",
    );
    assert.equal(hls.outputs[2].videoDescription.codecSettings.h264Settings.bitrate, 3_000_000);
    assert.doesNotMatch(JSON.stringify(body), /cannedAcl/i);
    assert.doesNotMatch(JSON.stringify(body), /encryption|speke/i, "DRM is off");
  });

  it("sends a DRM job's SPEKE encryption blocks on the wire, and no clear outputs", async () => {
    fake = await startFakeMediaConvert();
    await capturingLogs(() =>
      handlerFor(fake.endpoint, DRM_CONVERT_SETTINGS)(s3Event(uploadRecord("drm/clip.mp4"))),
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
    assert.equal(dash.destination, "s3://vod-output-test/drm/clip/dash/index");
    assert.deepEqual(dash.encryption, {
      playbackDeviceCompatibility: "CENC_V1",
      spekeKeyProvider: {
        resourceId: contentId,
        systemIds: ["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", "9a04f079-9840-4286-ab92-e65be0885f95"],
        url: SPEKE_URL,
      },
    });
    const hls = groups[2].outputGroupSettings.hlsGroupSettings;
    assert.equal(hls.destination, "s3://vod-output-test/drm/clip/hls-fairplay/index");
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
    const { lines } = await capturingLogs(async () => {
      await handler(event);
      await handler(event);
    });
    const puts = fakeS3.calls.filter((c) => c.method === "PUT");
    assert.deepEqual(
      puts.map((c) => [c.path, c.headers["if-none-match"]]),
      [
        ["vod-output-test/dup/clip/asset.json", "*"],
        ["vod-output-test/dup/clip/asset.json", "*"],
      ],
    );
    const stored = JSON.parse(fakeS3.objects.get("vod-output-test/dup/clip/asset.json")!.body);
    assert.equal(stored.status, "PROCESSING");
    assert.equal(stored.jobId, [...fake.jobs.values()][0].id);
    assert.deepEqual(
      lines.filter((l) => l.message.startsWith("status file")).map((l) => l.message),
      ["status file written", "status file kept"],
    );
  });

  it("retries throttling (429) and unavailability (503), then creates the job", async () => {
    fake = await startFakeMediaConvert({
      failure: (call) => (call === 1 ? THROTTLED : call === 2 ? UNAVAILABLE : undefined),
    });
    const { error } = await capturingLogs(() =>
      handlerFor(fake.endpoint)(s3Event(uploadRecord("a.mp4"))),
    );
    assert.equal(error, undefined);
    assert.equal(fake.calls.length, 3);
    assert.equal(fake.jobs.size, 1);
  });

  it("throws once every attempt was throttled, so Lambda retries the event", async () => {
    fake = await startFakeMediaConvert({ failure: () => THROTTLED });
    const { error } = await capturingLogs(() =>
      handlerFor(fake.endpoint)(s3Event(uploadRecord("a.mp4"))),
    );
    assert.ok(error instanceof AggregateError);
    assert.equal(fake.calls.length, MEDIACONVERT_MAX_ATTEMPTS);
    assert.equal(fake.jobs.size, 0);
  });

  it("creates one job for duplicate deliveries of the same upload", async () => {
    fake = await startFakeMediaConvert();
    const handler = handlerFor(fake.endpoint);
    const event = s3Event(uploadRecord("dup.mp4"));
    await capturingLogs(async () => {
      await handler(event);
      await handler(event);
      await handler(s3Event(uploadRecord("dup.mp4"), uploadRecord("dup.mp4")));
    });
    assert.equal(fake.calls.length, 4);
    assert.equal(fake.jobs.size, 1);
  });

  it("runs as deployed: the bundled function reads its environment and the regional endpoint override", async () => {
    fake = await startFakeMediaConvert();
    const dir = mkdtempSync(path.join(tmpdir(), "convert-"));
    writeFileSync(path.join(dir, "index.js"), bundleFunction("convert").code);
    const event = JSON.stringify(s3Event(uploadRecord("bundled/clip.mov")));
    // Asynchronously: the fake endpoint answers from this process's event loop.
    const run = await runNode(
      [
        "-e",
        `require(${JSON.stringify(path.join(dir, "index.js"))}).handler(${event}).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })`,
      ],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "AKIDTEST",
          AWS_SECRET_ACCESS_KEY: "test-secret",
          AWS_ENDPOINT_URL_MEDIACONVERT: fake.endpoint,
          AWS_ENDPOINT_URL_S3: fakeS3.endpoint,
          ...CONVERT_ENVIRONMENT,
        },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fake.jobs.size, 1);
    assert.equal(fake.calls[0].body.userMetadata.input, "s3://vod-source-test/bundled/clip.mov");
    assert.match(run.stdout, /"message":"job submitted"/);
    const marker = fakeS3.objects.get("vod-output-test/bundled/clip/asset.json");
    assert.equal(JSON.parse(marker!.body).status, "PROCESSING");
    assert.equal(marker!.headers["if-none-match"], "*");
  });

  it("runs as deployed with DRM: the bundled function reads SPEKE_URL and encrypts", async () => {
    fake = await startFakeMediaConvert();
    const dir = mkdtempSync(path.join(tmpdir(), "convert-"));
    writeFileSync(path.join(dir, "index.js"), bundleFunction("convert").code);
    const event = JSON.stringify(s3Event(uploadRecord("bundled/drm.mov")));
    const run = await runNode(
      [
        "-e",
        `require(${JSON.stringify(path.join(dir, "index.js"))}).handler(${event}).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })`,
      ],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "AKIDTEST",
          AWS_SECRET_ACCESS_KEY: "test-secret",
          AWS_ENDPOINT_URL_MEDIACONVERT: fake.endpoint,
          AWS_ENDPOINT_URL_S3: fakeS3.endpoint,
          ...DRM_CONVERT_ENVIRONMENT,
        },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const settings = fake.calls[0].body.settings;
    assert.deepEqual(
      settings.outputGroups.map((g: any) => g.name),
      ["Thumbnails", "DASH", "HLS FairPlay"],
    );
    const marker = JSON.parse(fakeS3.objects.get("vod-output-test/bundled/drm/asset.json")!.body);
    assert.equal(marker.contentId, fake.calls[0].body.userMetadata.contentId);
  });

  it("fails at cold start, naming the variable, when its environment is incomplete", () => {
    fake = { close: async () => {} } as FakeMediaConvert;
    assert.ok(CONVERT_ENVIRONMENT.LADDER);
    const dir = mkdtempSync(path.join(tmpdir(), "convert-"));
    writeFileSync(path.join(dir, "index.js"), bundleFunction("convert").code);
    const run = spawnSync(process.execPath, [path.join(dir, "index.js")], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, AWS_REGION: "us-east-1" },
    });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /Environment variable LADDER is not set/);
  });
});
