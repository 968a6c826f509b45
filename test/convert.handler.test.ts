import * as assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CreateJobCommand, MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { mockClient } from "aws-sdk-client-mock";
import { bundleFunction } from "../functions/bundle";
import { createConvertHandler, MEDIACONVERT_MAX_ATTEMPTS } from "../functions/convert/handler";
import { CONVERT_ENVIRONMENT, CONVERT_SETTINGS } from "./support/convertSettings";
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

describe("convert handler with a mocked client", () => {
  const client = new MediaConvertClient({ region: "us-east-1", credentials: CREDENTIALS });
  const mediaConvert = mockClient(client);
  const handler = createConvertHandler(CONVERT_SETTINGS, client);
  beforeEach(() => mediaConvert.reset());
  after(() => mediaConvert.restore());

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
      ],
    );
  });
});

describe("convert handler against a local MediaConvert endpoint", () => {
  let fake: FakeMediaConvert;
  const handlerFor = (endpoint: string) =>
    createConvertHandler(
      CONVERT_SETTINGS,
      new MediaConvertClient({
        endpoint,
        region: "us-east-1",
        credentials: CREDENTIALS,
        maxAttempts: MEDIACONVERT_MAX_ATTEMPTS,
      }),
    );
  afterEach(() => fake.close());

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
          ...CONVERT_ENVIRONMENT,
        },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fake.jobs.size, 1);
    assert.equal(fake.calls[0].body.userMetadata.input, "s3://vod-source-test/bundled/clip.mov");
    assert.match(run.stdout, /"message":"job submitted"/);
  });

  it("fails at cold start, naming the variable, when its environment is incomplete", () => {
    fake = { close: async () => {} } as FakeMediaConvert;
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
