import * as assert from "node:assert/strict";
import {
  JobStateDetail,
  planAssetMetadata,
  planErrorMarker,
  playbackUrl,
} from "../functions/metadata/assetMetadata";
import { contentIdFor } from "../functions/convert/contentId";

const EXPECTED = {
  applicationName: "vod-test",
  bucket: "vod-output-test",
  domain: "d111111abcdef8.cloudfront.net",
};
const PREFIX = "s3://vod-output-test/trailers/My Movie.mp4";

/** A COMPLETE event's detail, shaped as MediaConvert sends it for this program's job. */
function completeDetail(overrides: Partial<JobStateDetail> = {}): JobStateDetail {
  return {
    jobId: "1732270000000-abc123",
    status: "COMPLETE",
    timestamp: Date.UTC(2026, 10, 22, 10, 5, 0),
    userMetadata: {
      application: "vod-test",
      assetId: "0123456789abcdef",
      input: "s3://vod-source-test/trailers/My Movie.mp4",
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
    assert.equal(plan.action === "write" && plan.key, "trailers/My Movie.mp4/asset.json");
  });

  it("describes playback URLs, thumbnails, duration and renditions", () => {
    const plan = planAssetMetadata(completeDetail(), EXPECTED);
    assert.ok(plan.action === "write");
    assert.deepEqual(plan.metadata, {
      status: "COMPLETE",
      assetId: "0123456789abcdef",
      jobId: "1732270000000-abc123",
      input: "s3://vod-source-test/trailers/My Movie.mp4",
      completedAt: "2026-11-22T10:05:00.000Z",
      durationSeconds: 125.4,
      hls: "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie.mp4/hls/index.m3u8",
      mp4: "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie.mp4/mp4/video.mp4",
      thumbnails: {
        first:
          "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie.mp4/thumbnails/thumb.0000000.jpg",
        last: "https://d111111abcdef8.cloudfront.net/trailers/My%20Movie.mp4/thumbnails/thumb.0000025.jpg",
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

  it("is skipped, with a reason, for other statuses, other applications, other buckets and jobs without manifests", () => {
    const reason = (detail: JobStateDetail) => {
      const plan = planAssetMetadata(detail, EXPECTED);
      return plan.action === "skip" ? plan.reason : assert.fail("written");
    };
    assert.equal(reason(completeDetail({ status: "ERROR" })), "job status is ERROR");
    assert.equal(
      reason(completeDetail({ userMetadata: { application: "other" } })),
      "job belongs to application other",
    );
    assert.equal(
      reason(completeDetail({ outputGroupDetails: [] })),
      "the job has no HLS or DASH manifest",
    );
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

const DOMAIN = "https://d111111abcdef8.cloudfront.net";
const DRM_PREFIX = "s3://vod-output-test/films/Le Film.mp4";
const CONTENT_ID = contentIdFor("films/Le Film.mp4");
const LADDER_HEIGHTS = [360, 540, 720];
const videoDetails = (height: number) => ({ widthInPx: (height * 16) / 9, heightInPx: height });

/** A DRM job's COMPLETE detail: thumbnails, DASH (separate audio) and FairPlay HLS, no clear copies. */
function drmCompleteDetail(overrides: Partial<JobStateDetail> = {}): JobStateDetail {
  return {
    jobId: "1732270000000-drm001",
    status: "COMPLETE",
    timestamp: Date.UTC(2026, 10, 22, 10, 5, 0),
    userMetadata: {
      application: "vod-test",
      assetId: "fedcba9876543210",
      input: "s3://vod-source-test/films/Le Film.mp4",
      contentId: CONTENT_ID,
    },
    outputGroupDetails: [
      {
        type: "FILE_GROUP",
        outputDetails: [
          { outputFilePaths: [`${DRM_PREFIX}/thumbnails/thumb.0000011.jpg`], durationInMs: 60_000 },
        ],
      },
      {
        type: "DASH_ISO_GROUP",
        playlistFilePaths: [`${DRM_PREFIX}/dash/index.mpd`],
        outputDetails: [
          ...LADDER_HEIGHTS.map((h) => ({ durationInMs: 60_000, videoDetails: videoDetails(h) })),
          { durationInMs: 60_000 },
        ],
      },
      {
        type: "HLS_GROUP",
        playlistFilePaths: [`${DRM_PREFIX}/hls-fairplay/index.m3u8`],
        outputDetails: LADDER_HEIGHTS.map((h) => ({
          outputFilePaths: [`${DRM_PREFIX}/hls-fairplay/index_${h}.m3u8`],
          durationInMs: 60_000,
          videoDetails: videoDetails(h),
        })),
      },
    ],
    ...overrides,
  };
}

describe("metadata: the asset file of a DRM job", () => {
  const written = (detail: JobStateDetail) => {
    const plan = planAssetMetadata(detail, EXPECTED);
    return plan.action === "write" ? plan : assert.fail(plan.reason);
  };

  it("finds the asset's prefix from the DASH or FairPlay manifest when there is no clear HLS", () => {
    assert.equal(written(drmCompleteDetail()).key, "films/Le Film.mp4/asset.json");
    const dashOnlyFirst = drmCompleteDetail();
    assert.equal(
      written({
        ...dashOnlyFirst,
        outputGroupDetails: [...dashOnlyFirst.outputGroupDetails!].reverse(),
      }).key,
      "films/Le Film.mp4/asset.json",
    );
  });

  it("describes the DASH and FairPlay manifests, their DRM systems and the content id", () => {
    const { metadata } = written(drmCompleteDetail());
    assert.deepEqual(metadata, {
      status: "COMPLETE",
      assetId: "fedcba9876543210",
      jobId: "1732270000000-drm001",
      input: "s3://vod-source-test/films/Le Film.mp4",
      completedAt: "2026-11-22T10:05:00.000Z",
      durationSeconds: 60,
      hls: undefined,
      mp4: undefined,
      thumbnails: {
        first: `${DOMAIN}/films/Le%20Film.mp4/thumbnails/thumb.0000000.jpg`,
        last: `${DOMAIN}/films/Le%20Film.mp4/thumbnails/thumb.0000011.jpg`,
        count: 12,
      },
      renditions: [
        { width: 640, height: 360 },
        { width: 960, height: 540 },
        { width: 1280, height: 720 },
      ],
      drm: {
        contentId: CONTENT_ID,
        packaging: "separate",
        dash: {
          url: `${DOMAIN}/films/Le%20Film.mp4/dash/index.mpd`,
          systems: ["Widevine", "PlayReady"],
        },
        hls: {
          url: `${DOMAIN}/films/Le%20Film.mp4/hls-fairplay/index.m3u8`,
          systems: ["FairPlay"],
        },
      },
    });
    assert.equal(JSON.parse(JSON.stringify(metadata)).hls, undefined, "no clear HLS in the file");
  });

  it("keeps the clear HLS and MP4 next to the DRM block when the job kept them", () => {
    const base = drmCompleteDetail();
    const { metadata } = written({
      ...base,
      outputGroupDetails: [
        ...completeDetail().outputGroupDetails!.map((g) => ({
          ...g,
          playlistFilePaths: g.playlistFilePaths?.map((p) => p.replace(PREFIX, DRM_PREFIX)),
          outputDetails: g.outputDetails?.map((o) => ({
            ...o,
            outputFilePaths: o.outputFilePaths?.map((p) => p.replace(PREFIX, DRM_PREFIX)),
          })),
        })),
        ...base.outputGroupDetails!.slice(1),
      ],
    });
    assert.equal(metadata.hls, `${DOMAIN}/films/Le%20Film.mp4/hls/index.m3u8`);
    assert.equal(metadata.mp4, `${DOMAIN}/films/Le%20Film.mp4/mp4/video.mp4`);
    assert.equal(metadata.drm!.contentId, CONTENT_ID);
  });

  it("takes the renditions from the DASH video outputs when no HLS group reports them", () => {
    const base = drmCompleteDetail();
    const groups = base.outputGroupDetails!.map((g) =>
      g.type === "HLS_GROUP" ? { ...g, outputDetails: [] } : g,
    );
    const { metadata } = written({ ...base, outputGroupDetails: groups });
    assert.deepEqual(
      metadata.renditions.map((r) => r.height),
      [360, 540, 720],
      "the audio-only output is not a rendition",
    );
  });

  it("is skipped, with a reason, when only one of the DRM manifests is there", () => {
    const base = drmCompleteDetail();
    const dashOnly = { ...base, outputGroupDetails: base.outputGroupDetails!.slice(0, 2) };
    const plan = planAssetMetadata(dashOnly, EXPECTED);
    assert.equal(plan.action, "skip", "a DRM job always has both manifests");
    assert.equal(
      plan.action === "skip" && plan.reason,
      "the job has only one of the DASH and FairPlay manifests",
    );
  });

  it("is skipped, with a reason, when a DRM job has no valid content id", () => {
    for (const contentId of [undefined, "", "has space", "x".repeat(201)]) {
      const detail = drmCompleteDetail();
      const plan = planAssetMetadata(
        { ...detail, userMetadata: { ...detail.userMetadata, contentId: contentId as string } },
        EXPECTED,
      );
      assert.equal(
        plan.action === "skip" && plan.reason,
        "the job has DRM outputs but no valid contentId in its user metadata",
      );
    }
  });

  it("is skipped, with a reason, when the job's manifests sit under different prefixes", () => {
    const base = drmCompleteDetail();
    const groups = base.outputGroupDetails!.map((g) =>
      g.type === "DASH_ISO_GROUP"
        ? { ...g, playlistFilePaths: ["s3://vod-output-test/elsewhere/dash/index.mpd"] }
        : g,
    );
    const plan = planAssetMetadata({ ...base, outputGroupDetails: groups }, EXPECTED);
    assert.equal(
      plan.action === "skip" && plan.reason,
      "the job's manifests are under different prefixes",
    );
  });
});

describe("metadata: the ERROR file", () => {
  const errorDetail = (overrides: Partial<JobStateDetail> = {}): JobStateDetail => ({
    jobId: "1732270000000-err001",
    status: "ERROR",
    timestamp: Date.UTC(2026, 10, 22, 10, 1, 0),
    errorCode: 1030,
    errorMessage: "Video codec [indeo4] is not a supported input video codec",
    userMetadata: {
      application: "vod-test",
      assetId: "0123456789abcdef",
      input: "s3://vod-source-test/trailers/My Movie #1.mp4",
    },
    ...overrides,
  });

  it("goes where the outputs would have gone, with MediaConvert's error code and message", () => {
    const plan = planErrorMarker(errorDetail(), EXPECTED);
    assert.deepEqual(plan, {
      action: "write",
      key: "trailers/My Movie _1.mp4~715a8df1/asset.json",
      marker: {
        status: "ERROR",
        jobId: "1732270000000-err001",
        assetId: "0123456789abcdef",
        input: "s3://vod-source-test/trailers/My Movie #1.mp4",
        error: {
          code: 1030,
          message: "Video codec [indeo4] is not a supported input video codec",
        },
      },
    });
  });

  it("uses the same prefix as the convert function for unicode and special characters", () => {
    const plan = planErrorMarker(
      errorDetail({
        userMetadata: { application: "vod-test", input: "s3://vod-source-test/映画/$dt$ a?.mp4" },
      }),
      EXPECTED,
    );
    assert.equal(plan.action === "write" && plan.key, "映画/_dt_ a_.mp4~477410ff/asset.json");
  });

  it("is skipped, with a reason, for other applications, missing inputs and inputs cut short", () => {
    const reason = (detail: JobStateDetail) => {
      const plan = planErrorMarker(detail, EXPECTED);
      return plan.action === "skip" ? plan.reason : assert.fail("written");
    };
    assert.equal(reason(errorDetail({ status: "COMPLETE" })), "job status is COMPLETE");
    assert.equal(
      reason(errorDetail({ userMetadata: { application: "other" } })),
      "job belongs to application other",
    );
    assert.equal(
      reason(errorDetail({ userMetadata: { application: "vod-test" } })),
      "the job's user metadata has no s3:// input",
    );
    const cut = `s3://vod-source-test/${"x".repeat(300)}.mp4`.slice(0, 256);
    assert.equal(
      reason(errorDetail({ userMetadata: { application: "vod-test", input: cut } })),
      "the job's input URL may be cut short, so its asset's prefix is unknown",
    );
  });
});

describe("metadata: the source block", () => {
  const SOURCE =
    "size=1280x720 dar=1.7778 rotation=90 duration=125.4 video=AVC audio=AAC container=QuickTime";
  const withSource = (source: string | undefined) => ({
    application: "vod-test",
    assetId: "0123456789abcdef",
    input: "s3://vod-source-test/trailers/My Movie.mp4",
    ...(source !== undefined ? { source } : {}),
  });
  const complete = (source: string | undefined) => {
    const plan = planAssetMetadata(completeDetail({ userMetadata: withSource(source) }), EXPECTED);
    assert.ok(plan.action === "write");
    return plan.metadata;
  };

  it("keeps what the convert function read from the upload in the COMPLETE file", () => {
    assert.deepEqual(complete(SOURCE).source, {
      width: 1280,
      height: 720,
      displayAspectRatio: 1.7778,
      rotation: 90,
      durationSeconds: 125.4,
      videoCodec: "AVC",
      audioCodec: "AAC",
      container: "QuickTime",
    });
  });

  it("keeps it in the ERROR file too", () => {
    const plan = planErrorMarker(
      {
        jobId: "1732270000000-err001",
        status: "ERROR",
        errorCode: 1030,
        errorMessage: "Video codec [indeo4] is not a supported input video codec",
        userMetadata: withSource(SOURCE),
      },
      EXPECTED,
    );
    assert.ok(plan.action === "write");
    assert.equal(plan.marker.source?.rotation, 90);
  });

  it("leaves it out for a source without sound, an unknown duration, or a job that carries none", () => {
    const silent = complete("size=720x1280 dar=0.5625 rotation=0 video=HEVC container=MPEG-4");
    assert.deepEqual(silent.source, {
      width: 720,
      height: 1280,
      displayAspectRatio: 0.5625,
      rotation: 0,
      videoCodec: "HEVC",
      container: "MPEG-4",
    });
    assert.equal("source" in complete(undefined), false, "the probe could not tell");
  });

  it("ignores a source value it cannot read rather than writing a wrong one", () => {
    for (const value of [
      "",
      "garbage",
      "size=1280x720 dar=0 rotation=0 video=AVC container=MPEG-4",
      "size=1280x720 dar=1.7 rotation=45 video=AVC container=MPEG-4",
    ]) {
      assert.equal("source" in complete(value), false, value);
    }
  });
});
