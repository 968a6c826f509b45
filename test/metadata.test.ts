import * as assert from "node:assert/strict";
import {
  planAssetMetadata,
  playbackUrl,
  JobStateDetail,
} from "../functions/metadata/assetMetadata";

const EXPECTED = {
  applicationName: "vod-test",
  bucket: "vod-output-test",
  domain: "d111111abcdef8.cloudfront.net",
};
const PREFIX = "s3://vod-output-test/trailers/My Movie #1";

/** A COMPLETE event's detail, shaped as MediaConvert sends it for this program's job. */
function completeDetail(overrides: Partial<JobStateDetail> = {}): JobStateDetail {
  return {
    jobId: "1732270000000-abc123",
    status: "COMPLETE",
    timestamp: Date.UTC(2026, 10, 22, 10, 5, 0),
    userMetadata: {
      application: "vod-test",
      assetId: "0123456789abcdef",
      input: "s3://vod-source-test/trailers/My Movie #1.mp4",
    },
    outputGroupDetails: [
      {
        type: "HLS_GROUP",
        playlistFilePaths: [`${PREFIX}/hls/index.m3u8`],
        outputDetails: [720, 360, 540].map((height) => ({
          outputFilePaths: [`${PREFIX}/hls/index_${height}.m3u8`],
          durationInMs: 125_400,
          videoDetails: { widthInPx: (height * 16) / 9, heightInPx: height },
        })),
      },
      {
        type: "FILE_GROUP",
        outputDetails: [
          {
            outputFilePaths: [`${PREFIX}/mp4/video.mp4`],
            durationInMs: 125_400,
            videoDetails: { widthInPx: 1280, heightInPx: 720 },
          },
        ],
      },
      {
        type: "FILE_GROUP",
        outputDetails: [
          { outputFilePaths: [`${PREFIX}/thumbnails/thumb.0000025.jpg`], durationInMs: 125_400 },
        ],
      },
    ],
    ...overrides,
  };
}

describe("metadata: the asset file", () => {
  it("is written next to the outputs, as asset.json under the asset's prefix", () => {
    const plan = planAssetMetadata(completeDetail(), EXPECTED);
    assert.equal(plan.action, "write");
    assert.equal(plan.action === "write" && plan.key, "trailers/My Movie #1/asset.json");
  });

  it("describes playback URLs, thumbnails, duration and renditions", () => {
    const plan = planAssetMetadata(completeDetail(), EXPECTED);
    assert.ok(plan.action === "write");
    assert.deepEqual(plan.metadata, {
      assetId: "0123456789abcdef",
      jobId: "1732270000000-abc123",
      input: "s3://vod-source-test/trailers/My Movie #1.mp4",
      completedAt: "2026-11-22T10:05:00.000Z",
      durationSeconds: 125.4,
      hls: "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie%20%231/hls/index.m3u8",
      mp4: "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie%20%231/mp4/video.mp4",
      thumbnails: {
        first:
          "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie%20%231/thumbnails/thumb.0000000.jpg",
        last: "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie%20%231/thumbnails/thumb.0000025.jpg",
        count: 26,
      },
      renditions: [
        { width: 640, height: 360 },
        { width: 960, height: 540 },
        { width: 1280, height: 720 },
      ],
    });
  });

  it("encodes each path segment of a URL, unicode and ? included", () => {
    assert.equal(
      playbackUrl("d.cloudfront.net", "映画/a?b/hls/index.m3u8"),
      "https://d.cloudfront.net/%E6%98%A0%E7%94%BB/a%3Fb/hls/index.m3u8",
    );
  });

  it("is skipped, with a reason, for other statuses, other applications, other buckets and jobs without HLS", () => {
    const reason = (detail: JobStateDetail) => {
      const plan = planAssetMetadata(detail, EXPECTED);
      return plan.action === "skip" ? plan.reason : assert.fail("written");
    };
    assert.equal(reason(completeDetail({ status: "ERROR" })), "job status is ERROR");
    assert.equal(
      reason(completeDetail({ userMetadata: { application: "other" } })),
      "job belongs to application other",
    );
    assert.equal(reason(completeDetail({ outputGroupDetails: [] })), "the job has no HLS manifest");
    assert.equal(
      reason(
        completeDetail({
          outputGroupDetails: [
            { type: "HLS_GROUP", playlistFilePaths: ["s3://elsewhere/a/hls/index.m3u8"] },
          ],
        }),
      ),
      "the job wrote to bucket elsewhere",
    );
  });
});
