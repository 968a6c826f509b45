import * as assert from "node:assert/strict";
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { createMetadataHandler } from "../functions/metadata/handler";
import { STATUS_WRITE_ROUNDS } from "../functions/common/statusFile";
import { LocalS3, startLocalS3 } from "../local/s3";
import { capturingLogs as capture, metricTotals } from "./support/logCapture";
import { setEnvironment } from "./support/processEnvironment";

const EXPECTED = {
  bucket: "vod-output-test",
  domain: "d.cloudfront.net",
  applicationName: "vod-test",
};
const CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };

const event = (detail: object) =>
  ({
    "detail-type": "MediaConvert Job State Change",
    source: "aws.mediaconvert",
    detail,
  }) as any;

const completeDetail = {
  jobId: "job-1",
  status: "COMPLETE",
  userMetadata: { application: "vod-test", assetId: "a1" },
  outputGroupDetails: [
    {
      type: "HLS_GROUP",
      playlistFilePaths: ["s3://vod-output-test/a.mp4/hls/index.m3u8"],
      outputDetails: [],
    },
  ],
};

const errorDetail = {
  jobId: "job-2",
  status: "ERROR",
  errorCode: 1030,
  errorMessage: "Unsupported codec",
  userMetadata: { application: "vod-test", assetId: "a1", input: "s3://vod-source-test/a.mp4" },
};

/** S3's refusal of a conditional write. */
const s3Error = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode }, message: name });
const preconditionFailed = () => s3Error("PreconditionFailed", 412);
/** A GetObject answer with the given JSON body and ETag. */
const stored = (file: object, etag: string) => ({
  ETag: etag,
  Body: { transformToString: async () => JSON.stringify(file) } as any,
});

/** Runs `body` with the function's log lines captured; rethrows what it throws. */
async function capturingLogs<T>(body: () => Promise<T>) {
  const { error, result, logs, metrics } = await capture(body);
  if (error !== undefined) throw error;
  return { result, lines: logs, metrics };
}

describe("metadata handler", () => {
  const s3 = mockClient(S3Client);
  let handler: (event: any) => Promise<void>;

  let restoreEnvironment: () => void;
  before(async () => {
    restoreEnvironment = setEnvironment({
      DESTINATION_BUCKET: "vod-output-test",
      PLAYBACK_DOMAIN: "d.cloudfront.net",
      APPLICATION_NAME: "vod-test",
      AWS_REGION: "us-east-1",
    });
    // Loaded once its environment is set: the entry point reads it as it loads.
    ({ handler } =
      require("../functions/metadata/index") as typeof import("../functions/metadata/index"));
  });
  after(() => restoreEnvironment());
  beforeEach(() => s3.reset());
  after(() => s3.restore());

  it("puts asset.json as JSON with a short cache lifetime and no ACL", async () => {
    s3.on(PutObjectCommand).resolves({});
    await capturingLogs(() => handler(event(completeDetail)));
    const [call] = s3.commandCalls(PutObjectCommand);
    const input = call.args[0].input;
    assert.equal(input.Bucket, "vod-output-test");
    assert.equal(input.Key, "a.mp4/asset.json");
    assert.equal(input.ContentType, "application/json");
    assert.equal(input.CacheControl, "max-age=30");
    assert.equal(input.ACL, undefined);
    const body = JSON.parse(String(input.Body));
    assert.equal(body.status, "COMPLETE");
    assert.equal(body.hls, "https://d.cloudfront.net/a.mp4/hls/index.m3u8");
  });

  it("writes a COMPLETE file where there is none with one conditional PUT", async () => {
    s3.on(PutObjectCommand).resolves({});
    await capturingLogs(() => handler(event(completeDetail)));
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    assert.equal(input.IfNoneMatch, "*");
    assert.equal(s3.commandCalls(GetObjectCommand).length, 0);
  });

  it("writes nothing for another application's job, and logs why", async () => {
    const { lines } = await capturingLogs(() =>
      handler(event({ ...errorDetail, userMetadata: { application: "other" } })),
    );
    assert.equal(s3.calls().length, 0);
    assert.deepEqual(
      [lines[0].level, lines[0].service, lines[0].reason],
      ["INFO", "metadata", "job belongs to application other"],
    );
  });

  it("counts each outcome as an embedded metric, by service and application", async () => {
    s3.on(PutObjectCommand).resolves({});
    const { metrics } = await capturingLogs(async () => {
      await handler(event(completeDetail));
      await handler(event({ ...errorDetail, userMetadata: { application: "other" } }));
    });
    assert.deepEqual(metricTotals(metrics), { AssetsCompleted: 1, EventsSkipped: 1 });
    assert.deepEqual(metrics[0]._aws.CloudWatchMetrics[0].Dimensions, [["service", "application"]]);
    assert.equal(metrics[0].application, "vod-test");
  });

  it("throws when S3 refuses the write, so the event is retried and dead-lettered", async () => {
    s3.on(PutObjectCommand).rejects(new Error("AccessDenied"));
    await assert.rejects(handler(event(completeDetail)), /AccessDenied/);
  });
});

describe("metadata handler on ERROR events", () => {
  const client = new S3Client({ region: "us-east-1", credentials: CREDENTIALS });
  const s3 = mockClient(client);
  const handler = createMetadataHandler(EXPECTED, client);
  beforeEach(() => s3.reset());
  after(() => s3.restore());
  const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

  it("writes an ERROR file where there is none, only if there still is none (If-None-Match)", async () => {
    s3.on(PutObjectCommand).resolves({});
    await capturingLogs(() => handler(event(errorDetail)));
    const [put] = puts();
    assert.equal(put.Key, "a.mp4/asset.json");
    assert.equal(put.IfNoneMatch, "*");
    assert.equal(put.IfMatch, undefined);
    assert.deepEqual(JSON.parse(String(put.Body)), {
      status: "ERROR",
      jobId: "job-2",
      assetId: "a1",
      input: "s3://vod-source-test/a.mp4",
      error: { code: 1030, message: "Unsupported codec" },
    });
  });

  it("replaces a PROCESSING file only if it did not change since it was read (If-Match)", async () => {
    s3.on(PutObjectCommand, { IfNoneMatch: "*" }).rejects(preconditionFailed());
    s3.on(PutObjectCommand, { IfMatch: '"etag-1"' }).resolves({});
    s3.on(GetObjectCommand).resolves(stored({ status: "PROCESSING", jobId: "job-2" }, '"etag-1"'));
    await capturingLogs(() => handler(event(errorDetail)));
    assert.deepEqual(
      puts().map((p) => [p.IfNoneMatch, p.IfMatch]),
      [
        ["*", undefined],
        [undefined, '"etag-1"'],
      ],
    );
    assert.equal(JSON.parse(String(puts()[1].Body)).status, "ERROR");
  });

  it("keeps a COMPLETE file from an earlier encode, and logs why", async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves(stored({ status: "COMPLETE", jobId: "job-0" }, '"e"'));
    const { lines } = await capturingLogs(() => handler(event(errorDetail)));
    assert.equal(puts().length, 1, "only the refused If-None-Match write");
    assert.deepEqual(
      [lines.at(-1)!.message, lines.at(-1)!.reason],
      ["skipped", "the asset has a COMPLETE encode (job job-0) that still plays"],
    );
  });

  it("reads again when the file changed between the read and the write (412 on If-Match)", async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand)
      .resolvesOnce(stored({ status: "PROCESSING", jobId: "job-2" }, '"etag-1"'))
      .resolves(stored({ status: "COMPLETE", jobId: "job-3" }, '"etag-2"'));
    const { lines } = await capturingLogs(() => handler(event(errorDetail)));
    assert.equal(s3.commandCalls(GetObjectCommand).length, 2);
    assert.equal(lines.at(-1)!.message, "skipped");
  });

  it("throws after repeated conflicts, so Lambda retries the event later", async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves(stored({ status: "PROCESSING", jobId: "job-2" }, '"e"'));
    await assert.rejects(
      capturingLogs(() => handler(event(errorDetail))),
      /kept changing/,
    );
    assert.equal(s3.commandCalls(GetObjectCommand).length, STATUS_WRITE_ROUNDS);
  });

  it("throws on any other S3 failure", async () => {
    s3.on(PutObjectCommand).rejects(s3Error("AccessDenied", 403));
    await assert.rejects(
      capturingLogs(() => handler(event(errorDetail))),
      /AccessDenied/,
    );
  });
});

describe("metadata handler against a local S3 endpoint", () => {
  let fake: LocalS3;
  let handler: ReturnType<typeof createMetadataHandler>;
  beforeEach(async () => {
    fake = await startLocalS3();
    handler = createMetadataHandler(
      EXPECTED,
      new S3Client({ endpoint: fake.endpoint, region: "us-east-1", credentials: CREDENTIALS }),
    );
  });
  afterEach(() => fake.close());
  const file = () => JSON.parse(fake.objects.get("vod-output-test/a.mp4/asset.json")!.body);
  const seed = async (body: object) => {
    const s3 = new S3Client({
      endpoint: fake.endpoint,
      region: "us-east-1",
      credentials: CREDENTIALS,
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: "vod-output-test",
        Key: "a.mp4/asset.json",
        Body: JSON.stringify(body),
      }),
    );
  };

  it("sends If-None-Match and If-Match on the wire, and S3's 412 leads to the read", async () => {
    await seed({ status: "PROCESSING", jobId: "job-2" });
    const seededEtag = fake.objects.get("vod-output-test/a.mp4/asset.json")!.etag;
    await capturingLogs(() => handler(event(errorDetail)));
    assert.equal(file().status, "ERROR");
    const [, refused, read, replaced] = fake.calls;
    assert.deepEqual(
      [refused.method, refused.headers["if-none-match"], read.method, replaced.method],
      ["PUT", "*", "GET", "PUT"],
    );
    assert.equal(replaced.headers["if-match"], seededEtag, "the ETag that was read");
  });

  it("leaves a COMPLETE file alone on a late ERROR, and a COMPLETE event replaces an ERROR file", async () => {
    await seed({ status: "COMPLETE", jobId: "job-1" });
    await capturingLogs(() => handler(event(errorDetail)));
    assert.equal(file().status, "COMPLETE");
    await seed({ status: "ERROR", jobId: "job-2" });
    await capturingLogs(() => handler(event(completeDetail)));
    assert.equal(file().status, "COMPLETE");
  });

  it("leaves a later job's PROCESSING file alone on a late ERROR of an earlier job", async () => {
    await seed({ status: "PROCESSING", jobId: "job-3" });
    const { lines } = await capturingLogs(() => handler(event(errorDetail)));
    assert.deepEqual([file().status, file().jobId], ["PROCESSING", "job-3"]);
    assert.equal(lines.at(-1)!.reason, "job job-3, made later, is processing the asset");
  });

  it("writes the ERROR file on a fresh asset", async () => {
    await capturingLogs(() => handler(event(errorDetail)));
    assert.deepEqual(file().error, { code: 1030, message: "Unsupported codec" });
  });
});
