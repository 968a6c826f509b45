import * as assert from "node:assert/strict";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";

describe("metadata handler", () => {
  const s3 = mockClient(S3Client);
  let handler: (event: any) => Promise<void>;
  const event = (detail: object) => ({
    "detail-type": "MediaConvert Job State Change",
    source: "aws.mediaconvert",
    detail,
  });
  const detail = {
    jobId: "job-1",
    status: "COMPLETE",
    userMetadata: { application: "vod-test", assetId: "a1" },
    outputGroupDetails: [
      {
        type: "HLS_GROUP",
        playlistFilePaths: ["s3://vod-output-test/a/hls/index.m3u8"],
        outputDetails: [],
      },
    ],
  };

  before(async () => {
    Object.assign(process.env, {
      DESTINATION_BUCKET: "vod-output-test",
      PLAYBACK_DOMAIN: "d.cloudfront.net",
      APPLICATION_NAME: "vod-test",
      AWS_REGION: "us-east-1",
    });
    ({ handler } = await import("../functions/metadata/index.js"));
  });
  beforeEach(() => s3.reset());
  after(() => s3.restore());

  it("puts asset.json as JSON with a short cache lifetime and no ACL", async () => {
    s3.on(PutObjectCommand).resolves({});
    await handler(event(detail));
    const [call] = s3.commandCalls(PutObjectCommand);
    const input = call.args[0].input;
    assert.equal(input.Bucket, "vod-output-test");
    assert.equal(input.Key, "a/asset.json");
    assert.equal(input.ContentType, "application/json");
    assert.equal(input.CacheControl, "max-age=30");
    assert.equal(input.ACL, undefined);
    assert.equal(JSON.parse(String(input.Body)).hls, "https://d.cloudfront.net/a/hls/index.m3u8");
  });

  it("writes nothing for an ERROR event", async () => {
    await handler(event({ ...detail, status: "ERROR" }));
    assert.equal(s3.commandCalls(PutObjectCommand).length, 0);
  });

  it("throws when S3 refuses the write, so the event is retried and dead-lettered", async () => {
    s3.on(PutObjectCommand).rejects(new Error("AccessDenied"));
    await assert.rejects(handler(event(detail)), /AccessDenied/);
  });
});
