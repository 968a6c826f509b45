import * as assert from "node:assert/strict";
import type { H264Settings, JobSettings, OutputGroup } from "@aws-sdk/client-mediaconvert";
import { buildJobSettings } from "../functions/convert/jobSettings";
import { outputSizes } from "../shared/ladderFit";
import { DEFAULT_LADDER, Rendition } from "../shared/ladder";
import {
  decodeEventKey,
  isVideoKey,
  MAX_PREFIX_BYTES,
  outputPrefixFor,
  VIDEO_SUFFIXES,
} from "../shared/outputLayout";
import {
  clientRequestToken,
  planRecord,
  RecordPlan,
  uploadIdentity,
} from "../functions/convert/request";
import { ConvertEnvironment, readConvertEnvironment } from "../functions/convert/environment";
import { decodeSourceFacts } from "../functions/convert/sourceFacts";
import type { SourceFacts } from "../shared/assetFile";
import {
  CONVERT_VARIABLES,
  CONVERT_ENVIRONMENT,
  DRM_CONVERT_ENVIRONMENT,
  JOB_QUEUE_ARN,
} from "./support/convertEnvironment";
import { SOURCE_BUCKET, uploadRecord } from "./support/s3Events";

const plan = (key: string, object = {}) =>
  planRecord(uploadRecord(key, object), CONVERT_ENVIRONMENT);
function submitted(result: RecordPlan) {
  assert.equal(result.action, "submit", result.action === "skip" ? result.reason : "");
  return result.action === "submit" ? result.request : assert.fail();
}
const skipReason = (result: RecordPlan) =>
  result.action === "skip" ? result.reason : assert.fail("submitted");

describe("convert: object keys", () => {
  it("decodes + as a space and %XX as UTF-8", () => {
    assert.equal(decodeEventKey("uploads/My+Movie%2B1.mp4"), "uploads/My Movie+1.mp4");
    assert.equal(decodeEventKey("%E6%98%A0%E7%94%BB.mp4"), "映画.mp4");
  });

  it("returns nothing for a malformed escape", () => {
    assert.equal(decodeEventKey("bad%E0%A4%A.mp4"), undefined);
  });

  it("recognises video suffixes in any case, and nothing else", () => {
    assert.ok(isVideoKey("CLIP.MOV"));
    assert.ok(isVideoKey("a/b/c.Mp4"));
    assert.ok(!isVideoKey("notes.txt"));
    assert.ok(!isVideoKey("movie.mp4.txt"));
    assert.ok(!isVideoKey("folder.mp4/"));
  });

  it("knows every listed suffix in any case", () => {
    for (const suffix of VIDEO_SUFFIXES) {
      assert.equal(suffix, suffix.toLowerCase());
      for (const key of [`a${suffix}`, `a${suffix.toUpperCase()}`]) assert.ok(isVideoKey(key), key);
    }
  });

  it("puts outputs under the upload's key, extension included", () => {
    assert.equal(outputPrefixFor("uploads/2024/My Movie.mp4"), "uploads/2024/My Movie.mp4");
    assert.equal(outputPrefixFor("clip.final.MOV"), "clip.final.MOV");
    assert.equal(outputPrefixFor("映画/予告編.mp4"), "映画/予告編.mp4");
  });

  it("keeps uploads that differ only in their extension apart", () => {
    assert.notEqual(outputPrefixFor("movie.mp4"), outputPrefixFor("movie.mov"));
  });

  it("replaces characters MediaConvert or URLs treat specially, and marks the prefix with the key's hash", () => {
    assert.equal(outputPrefixFor("a/$dt$ #1?.mp4"), "a/_dt_ _1_.mp4~51e0d324");
    assert.equal(outputPrefixFor("../x//y.mp4"), "_/x/_/y.mp4~d3e33fef");
  });

  it("never gives two keys one prefix when replacing characters makes them alike", () => {
    const prefixes = ["a_b.mp4", "a$b.mp4", "a#b.mp4", "a~b.mp4"].map(outputPrefixFor);
    assert.equal(new Set(prefixes).size, 4, prefixes.join(" "));
    assert.equal(prefixes[0], "a_b.mp4", "a key that needs nothing replaced is its own prefix");
  });

  it("keeps a 1 KB key's outputs within S3's key limit, uniquely", () => {
    const long = `${"d/".repeat(200)}${"映".repeat(200)}.mp4`;
    const other = `${"d/".repeat(200)}${"映".repeat(199)}x.mp4`;
    assert.ok(Buffer.byteLength(long) > 1000);
    const prefix = outputPrefixFor(long);
    assert.ok(Buffer.byteLength(prefix) <= MAX_PREFIX_BYTES);
    assert.ok(Buffer.byteLength(`${prefix}/hls/index_1080_2026-11-22T100000_00001.ts`) <= 1024);
    assert.match(prefix, /~[0-9a-f]{8}$/);
    assert.notEqual(prefix, outputPrefixFor(other));
    assert.ok(!prefix.includes("\uFFFD"), "cut on a character boundary");
  });
});

describe("convert: planning a record", () => {
  it("submits a job for a key with spaces, + and unicode, decoded", () => {
    const request = submitted(plan("uploads/My+Movie+%2B+%E6%98%A0%E7%94%BB.mp4"));
    assert.equal(
      request.Settings!.Inputs![0].FileInput,
      `s3://${SOURCE_BUCKET}/uploads/My Movie + 映画.mp4`,
    );
    assert.equal(
      request.Settings!.OutputGroups![0].OutputGroupSettings!.HlsGroupSettings!.Destination,
      "s3://vod-output-test/uploads/My Movie _ 映画.mp4~ba9fa3b6/hls/index",
    );
  });

  it("skips folder markers, non-video files, empty objects and malformed keys, saying why", () => {
    assert.equal(skipReason(plan("foo/")), "a folder marker, not a file");
    assert.equal(skipReason(plan("notes.txt")), "not a video file suffix");
    assert.equal(skipReason(plan("movie.mp4.txt")), "not a video file suffix");
    assert.equal(skipReason(plan("empty.mp4", { size: 0 })), "the object is empty");
    assert.equal(skipReason(plan("bad%E0%A4%A.mp4")), "the key is not valid URL encoding");
  });

  it("skips events that are not uploads", () => {
    const record = { ...uploadRecord("a.mp4"), eventName: "ObjectRemoved:Delete" };
    assert.match(skipReason(planRecord(record, CONVERT_ENVIRONMENT)), /is not an upload/);
  });

  it("submits upper-case suffixes", () => {
    submitted(plan("CLIP.MOV"));
  });

  it("gives a redelivered event the same token, and a re-upload a new one", () => {
    const first = submitted(plan("a.mp4")).ClientRequestToken;
    assert.equal(submitted(plan("a.mp4")).ClientRequestToken, first);
    assert.notEqual(
      submitted(plan("a.mp4", { sequencer: "0055AED6DCD90281F0" })).ClientRequestToken,
      first,
    );
    assert.notEqual(submitted(plan("b.mp4")).ClientRequestToken, first);
    assert.match(first!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("falls back to the eTag when the event has no sequencer", () => {
    const withoutSequencer = submitted(plan("a.mp4", { sequencer: undefined }));
    assert.equal(
      withoutSequencer.ClientRequestToken,
      clientRequestToken({
        bucket: SOURCE_BUCKET,
        key: "a.mp4",
        version: "etag:d41d8cd98f00b204e9800998ecf8427e",
      }),
    );
  });

  it("names an upload by its version id when the bucket versions objects", () => {
    const object = { versionId: "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd", sequencer: "0055AED6DCD90281E5" };
    assert.deepEqual(uploadIdentity(SOURCE_BUCKET, "a b.mp4", object), {
      bucket: SOURCE_BUCKET,
      key: "a b.mp4",
      version: "version:3HL4kqtJlcpXroDTDmjVBH40Nrjfkd",
    });
    const planned = plan("a+b.mp4", object);
    assert.ok(planned.action === "submit");
    assert.deepEqual(planned.upload, uploadIdentity(SOURCE_BUCKET, "a b.mp4", object));
  });

  it("names an upload by its sequencer without versioning, or while it is suspended", () => {
    for (const versionId of [undefined, "null"]) {
      assert.equal(
        uploadIdentity(SOURCE_BUCKET, "a.mp4", { versionId, sequencer: "0055AED6DCD90281E5" })
          .version,
        "sequencer:0055AED6DCD90281E5",
      );
    }
  });

  it("passes the MediaConvert role and tags the job with application, asset and input", () => {
    const request = submitted(plan("trailers/a.mp4"));
    assert.equal(request.Role, CONVERT_ENVIRONMENT.mediaConvertRoleArn);
    assert.equal(request.UserMetadata!.application, "vod-test");
    assert.match(request.UserMetadata!.assetId, /^[0-9a-f]{16}$/);
    assert.equal(request.UserMetadata!.input, `s3://${SOURCE_BUCKET}/trailers/a.mp4`);
  });

  it("sends the job to the stack's queue with its priority and acceleration", () => {
    const request = submitted(plan("a.mp4"));
    assert.equal(request.Queue, JOB_QUEUE_ARN);
    assert.equal(request.Priority, 0);
    assert.deepEqual(request.AccelerationSettings, { Mode: "DISABLED" });
    const urgent = planRecord(uploadRecord("a.mp4"), {
      ...CONVERT_ENVIRONMENT,
      queue: { Queue: JOB_QUEUE_ARN, Priority: 20, AccelerationSettings: { Mode: "PREFERRED" } },
    });
    assert.equal(submitted(urgent).Priority, 20);
    assert.deepEqual(submitted(urgent).AccelerationSettings, { Mode: "PREFERRED" });
  });

  it("never sets a canned ACL anywhere in the job", () => {
    assert.doesNotMatch(JSON.stringify(submitted(plan("a.mp4"))), /CannedAcl|Acl/i);
  });
});

describe("convert: job settings", () => {
  const settings: JobSettings = buildJobSettings(
    "s3://src/a.mp4",
    "out",
    "a",
    CONVERT_ENVIRONMENT.profile,
  );
  const [hls, mp4, thumbnails] = settings.OutputGroups!;

  it("writes the HLS ladder, the MP4 and the thumbnails under the asset's prefix", () => {
    assert.deepEqual(
      settings.OutputGroups!.map((g) => [
        g.Name,
        g.OutputGroupSettings!.HlsGroupSettings?.Destination ??
          g.OutputGroupSettings!.FileGroupSettings?.Destination,
      ]),
      [
        ["HLS", "s3://out/a/hls/index"],
        ["MP4", "s3://out/a/mp4/video"],
        ["Thumbnails", "s3://out/a/thumbnails/thumb"],
      ],
    );
  });

  it("encodes the seed ladder: 360p @ 1 Mbps, 540p @ 2 Mbps, 720p @ 3 Mbps", () => {
    assert.deepEqual(
      hls.Outputs!.map((o) => [
        o.NameModifier,
        o.VideoDescription!.Width,
        o.VideoDescription!.Height,
        o.VideoDescription!.CodecSettings!.H264Settings!.Bitrate,
      ]),
      [
        ["_360", 640, 360, 1_000_000],
        ["_540", 960, 540, 2_000_000],
        ["_720", 1280, 720, 3_000_000],
      ],
    );
  });

  it("segments HLS as the source design does", () => {
    const group = hls.OutputGroupSettings!.HlsGroupSettings!;
    assert.equal(hls.OutputGroupSettings!.Type, "HLS_GROUP_SETTINGS");
    assert.equal(group.SegmentLength, 10);
    assert.equal(group.MinSegmentLength, 0);
    assert.equal(group.DirectoryStructure, "SINGLE_DIRECTORY");
    assert.equal(group.CodecSpecification, "RFC_4281");
    assert.equal(group.StreamInfResolution, "INCLUDE");
    for (const output of hls.Outputs!) {
      assert.equal(output.ContainerSettings!.Container, "M3U8");
      assert.equal(output.OutputSettings!.HlsSettings!.SegmentModifier, "$dt$");
      assert.equal(output.OutputSettings!.HlsSettings!.AudioGroupId, "program_audio");
    }
  });

  it("encodes H.264 Main CBR single-pass with CABAC, a 90-frame GOP, 2 B-frames and 3 references", () => {
    const videoOutputs = [...hls.Outputs!, ...mp4.Outputs!];
    for (const output of videoOutputs) {
      const h264 = output.VideoDescription!.CodecSettings!.H264Settings as H264Settings;
      assert.equal(output.VideoDescription!.CodecSettings!.Codec, "H_264");
      assert.equal(h264.RateControlMode, "CBR");
      assert.equal(h264.QualityTuningLevel, "SINGLE_PASS");
      assert.equal(h264.CodecProfile, "MAIN");
      assert.equal(h264.EntropyEncoding, "CABAC");
      assert.equal(h264.GopSize, 90);
      assert.equal(h264.GopSizeUnits, "FRAMES");
      assert.equal(h264.NumberBFramesBetweenReferenceFrames, 2);
      assert.equal(h264.NumberReferenceFrames, 3);
      assert.equal(h264.AdaptiveQuantization, "HIGH");
      assert.equal(h264.SceneChangeDetect, "ENABLED");
      assert.equal(h264.FramerateControl, "INITIALIZE_FROM_SOURCE");
    }
  });

  it("encodes AAC-LC CBR 96 kbps stereo 48 kHz on every ladder and MP4 output", () => {
    for (const output of [...hls.Outputs!, ...mp4.Outputs!]) {
      const [audio] = output.AudioDescriptions!;
      assert.equal(audio.AudioSourceName, "Audio Selector 1");
      assert.deepEqual(audio.CodecSettings!.Codec, "AAC");
      const aac = audio.CodecSettings!.AacSettings!;
      assert.deepEqual(
        [aac.Bitrate, aac.CodingMode, aac.SampleRate, aac.CodecProfile, aac.RateControlMode],
        [96_000, "CODING_MODE_2_0", 48_000, "LC", "CBR"],
      );
    }
  });

  it("writes a 720p 3 Mbps MP4 with the moov atom first", () => {
    const [output] = mp4.Outputs!;
    assert.equal(output.ContainerSettings!.Container, "MP4");
    assert.equal(output.ContainerSettings!.Mp4Settings!.MoovPlacement, "PROGRESSIVE_DOWNLOAD");
    assert.deepEqual(
      [output.VideoDescription!.Width, output.VideoDescription!.Height],
      [1280, 720],
    );
    assert.equal(output.VideoDescription!.CodecSettings!.H264Settings!.Bitrate, 3_000_000);
  });

  it("captures a 720p thumbnail every 5 seconds, at most 500, quality 80", () => {
    const [output] = thumbnails.Outputs!;
    assert.equal(output.ContainerSettings!.Container, "RAW");
    assert.deepEqual(
      [output.VideoDescription!.Width, output.VideoDescription!.Height],
      [1280, 720],
    );
    assert.equal(output.VideoDescription!.CodecSettings!.Codec, "FRAME_CAPTURE");
    assert.deepEqual(output.VideoDescription!.CodecSettings!.FrameCaptureSettings, {
      FramerateNumerator: 1,
      FramerateDenominator: 5,
      MaxCaptures: 500,
      Quality: 80,
    });
    assert.equal(output.AudioDescriptions, undefined);
  });

  it("reads the first audio track and the embedded timecode", () => {
    const [input] = settings.Inputs!;
    assert.equal(input.FileInput, "s3://src/a.mp4");
    assert.equal(input.AudioSelectors!["Audio Selector 1"].DefaultSelection, "DEFAULT");
    assert.equal(input.TimecodeSource, "EMBEDDED");
  });

  it("encodes the ladder with QVBR, capped at each bitrate, when asked", () => {
    const qvbr = buildJobSettings("s3://src/a.mp4", "out", "a", {
      ...CONVERT_ENVIRONMENT.profile,
      rateControl: "QVBR",
      qvbrQualityLevel: 8,
    });
    const [hlsQvbr, mp4Qvbr] = qvbr.OutputGroups!;
    const h264 = hlsQvbr.Outputs![2].VideoDescription!.CodecSettings!.H264Settings!;
    assert.equal(h264.RateControlMode, "QVBR");
    assert.equal(h264.MaxBitrate, 3_000_000);
    assert.equal(h264.Bitrate, undefined);
    assert.equal(h264.QvbrSettings!.QvbrQualityLevel, 8);
    assert.equal(
      mp4Qvbr.Outputs![0].VideoDescription!.CodecSettings!.H264Settings!.RateControlMode,
      "CBR",
    );
  });
});

describe("convert: reading the environment", () => {
  const env = CONVERT_VARIABLES;

  it("reads every setting, with the default QVBR level", () => {
    assert.deepEqual(readConvertEnvironment(env), CONVERT_ENVIRONMENT);
  });

  it("names a missing or invalid variable", () => {
    assert.throws(
      () => readConvertEnvironment({ ...env, DESTINATION_BUCKET: "" }),
      /DESTINATION_BUCKET is not set/,
    );
    assert.throws(() => readConvertEnvironment({ ...env, LADDER: "[{" }), /LADDER is invalid/);
    assert.throws(
      () => readConvertEnvironment({ ...env, LADDER: "[]" }),
      /LADDER is invalid: the ladder needs at least one/,
    );
    assert.throws(
      () => readConvertEnvironment({ ...env, RATE_CONTROL: "VBR" }),
      /RATE_CONTROL is invalid/,
    );
    assert.throws(
      () => readConvertEnvironment({ ...env, QVBR_QUALITY_LEVEL: "0" }),
      /QVBR_QUALITY_LEVEL is invalid/,
    );
  });
});

/** MediaInfo's facts for a source of `width`x`height` (square pixels unless `dar` says). */
const source = (width: number, height: number, extra: Partial<SourceFacts> = {}): SourceFacts => ({
  width,
  height,
  displayAspectRatio: width / height,
  rotation: 0,
  durationSeconds: 2,
  videoCodec: "AVC",
  audioCodec: "AAC",
  container: "MPEG-4",
  ...extra,
});
const sizes = (renditions: readonly Rendition[]) =>
  renditions.map(({ width, height, bitrate }) => `${width}x${height}@${bitrate}`);
/** Each video output of a group: its name modifier and size. */
const videoOutputs = (group: OutputGroup) =>
  group
    .Outputs!.filter((o) => o.VideoDescription)
    .map((o) => [o.NameModifier, o.VideoDescription!.Width, o.VideoDescription!.Height]);

describe("convert: fitting the ladder to the source", () => {
  const fitted = (facts: SourceFacts) => outputSizes(DEFAULT_LADDER, facts);

  it("keeps the whole seed ladder, the 720p MP4 and thumbnails for a 1280x720 source", () => {
    const out = fitted(source(1280, 720));
    assert.deepEqual(sizes(out.ladder), ["640x360@1000000", "960x540@2000000", "1280x720@3000000"]);
    assert.deepEqual(sizes([out.mp4]), ["1280x720@3000000"]);
    assert.deepEqual(out.thumbnails, { width: 1280, height: 720 });
    assert.equal(out.rotate, false);
  });

  it("gives a portrait source portrait rungs, at the same bitrates (same pixel counts)", () => {
    const out = fitted(source(720, 1280));
    assert.deepEqual(sizes(out.ladder), ["360x640@1000000", "540x960@2000000", "720x1280@3000000"]);
    assert.deepEqual([out.mp4.width, out.mp4.height], [720, 1280]);
    assert.deepEqual(out.thumbnails, { width: 720, height: 1280 });
  });

  it("turns the rungs for landscape pixels a phone marked as rotated 90° or 270°, and has MediaConvert rotate", () => {
    for (const rotation of [90, 270] as const) {
      const out = fitted(source(1280, 720, { rotation, container: "QuickTime" }));
      assert.deepEqual(sizes(out.ladder), [
        "360x640@1000000",
        "540x960@2000000",
        "720x1280@3000000",
      ]);
      assert.equal(out.rotate, true);
    }
    const upsideDown = fitted(source(1280, 720, { rotation: 180 }));
    assert.deepEqual(sizes(upsideDown.ladder).at(-1), "1280x720@3000000");
    assert.equal(upsideDown.rotate, true);
  });

  it("ignores rotation metadata MediaConvert does not apply (outside MP4 and QuickTime)", () => {
    const out = fitted(source(1280, 720, { rotation: 90, container: "Matroska" }));
    assert.deepEqual(sizes(out.ladder).at(-1), "1280x720@3000000");
    assert.equal(out.rotate, false);
  });

  it("gives a 4:3 source 4:3 rungs at or below its height, with bitrate scaled to the pixels", () => {
    assert.deepEqual(sizes(fitted(source(640, 480)).ladder), ["480x360@750000"]);
    assert.deepEqual(sizes(fitted(source(1440, 1080)).ladder), [
      "480x360@750000",
      "720x540@1500000",
      "960x720@2250000",
    ]);
  });

  it("never upscales: 854x480 keeps only 360p, and its MP4 and thumbnails stay at 854x480", () => {
    const out = fitted(source(854, 480));
    assert.deepEqual(sizes(out.ladder), ["640x360@1000000"]);
    assert.deepEqual(sizes([out.mp4]), ["854x480@1334000"]);
    assert.deepEqual(out.thumbnails, { width: 854, height: 480 });
  });

  it("makes one rendition at the source's own size, even, for a source below the smallest rung", () => {
    assert.deepEqual(sizes(fitted(source(320, 240)).ladder), ["320x240@333000"]);
    assert.deepEqual(sizes(fitted(source(427, 241)).ladder), ["426x240@444000"]);
    assert.deepEqual(sizes(fitted(source(240, 426)).ladder), ["240x426@444000"]);
  });

  it("sizes an anamorphic source by its display aspect ratio (720x576 shown at 16:9)", () => {
    const pal = source(720, 576, { displayAspectRatio: 16 / 9 });
    assert.deepEqual(sizes(fitted(pal).ladder), ["640x360@1000000", "960x540@2000000"]);
    assert.deepEqual(sizes([fitted(pal).mp4]), ["1024x576@1920000"]);
  });

  it("keeps an ultra-wide source's width from its aspect ratio, at no more than the rung's bitrate", () => {
    const scope = fitted(source(1920, 800));
    assert.deepEqual(sizes(scope.ladder), [
      "864x360@1000000",
      "1296x540@2000000",
      "1728x720@3000000",
    ]);
  });

  it("uses the configured sizes as they stand when the source is unknown", () => {
    const out = outputSizes(DEFAULT_LADDER);
    assert.deepEqual(out.ladder, DEFAULT_LADDER);
    assert.deepEqual(sizes([out.mp4]), ["1280x720@3000000"]);
  });

  it("puts the fitted ladder in the HLS group, named by each rendition's short side", () => {
    const request = submitted(
      planRecord(uploadRecord("v.mp4"), CONVERT_ENVIRONMENT, source(720, 1280)),
    );
    const [hls, mp4, thumbnails] = request.Settings!.OutputGroups!;
    assert.deepEqual(videoOutputs(hls), [
      ["_360", 360, 640],
      ["_540", 540, 960],
      ["_720", 720, 1280],
    ]);
    assert.deepEqual(videoOutputs(mp4), [[undefined, 720, 1280]]);
    assert.deepEqual(videoOutputs(thumbnails), [[undefined, 720, 1280]]);
  });

  it("encodes square pixels, so an anamorphic source's pixel aspect ratio is not carried over", () => {
    const request = submitted(
      planRecord(uploadRecord("v.mp4"), CONVERT_ENVIRONMENT, source(1280, 720)),
    );
    const h264 =
      request.Settings!.OutputGroups![0].Outputs![0].VideoDescription!.CodecSettings!.H264Settings!;
    assert.deepEqual(
      [h264.ParControl, h264.ParNumerator, h264.ParDenominator],
      ["SPECIFIED", 1, 1],
    );
  });

  it("asks MediaConvert to apply the rotation metadata of a rotated MP4 or QuickTime source", () => {
    const rotated = submitted(
      planRecord(uploadRecord("v.mov"), CONVERT_ENVIRONMENT, source(1280, 720, { rotation: 90 })),
    );
    assert.deepEqual(rotated.Settings!.Inputs![0].VideoSelector, { Rotate: "AUTO" });
    const upright = submitted(
      planRecord(uploadRecord("v.mp4"), CONVERT_ENVIRONMENT, source(1280, 720)),
    );
    assert.deepEqual(upright.Settings!.Inputs![0].VideoSelector, {});
  });

  it("encodes the same fitted ladder in the DASH and FairPlay groups when DRM is on", () => {
    const request = submitted(
      planRecord(uploadRecord("v.mp4"), DRM_CONVERT_ENVIRONMENT, source(640, 480)),
    );
    const [thumbnails, dash, fairPlay] = request.Settings!.OutputGroups!;
    assert.deepEqual(videoOutputs(thumbnails), [[undefined, 640, 480]]);
    assert.deepEqual(videoOutputs(dash), [["_360", 480, 360]]);
    assert.deepEqual(videoOutputs(fairPlay), [["_360", 480, 360]]);
    assert.equal(dash.Outputs!.at(-1)!.NameModifier, "_audio");
  });

  it("carries the source facts in the job's user metadata, within MediaConvert's limits", () => {
    const facts = source(1280, 720, {
      rotation: 270,
      container: "QuickTime",
      audioCodec: "MPEG Audio",
      videoCodec: "x".repeat(80),
    });
    const request = submitted(planRecord(uploadRecord("v.mov"), DRM_CONVERT_ENVIRONMENT, facts));
    const metadata = request.UserMetadata!;
    assert.ok(Object.keys(metadata).length <= 10);
    assert.ok(metadata.source.length <= 256);
    assert.match(
      metadata.source,
      /^[0-9A-Za-z _.:/=+@-]+$/,
      "only the characters MediaConvert allows",
    );
    assert.match(metadata.source, /audio=MPEG_Audio/);
    assert.deepEqual(decodeSourceFacts(metadata.source), {
      ...facts,
      displayAspectRatio: 1.7778,
      audioCodec: "MPEG_Audio",
      videoCodec: "x".repeat(32),
    });
  });

  it("carries no source facts when the probe could not tell", () => {
    assert.equal(submitted(plan("v.mp4")).UserMetadata!.source, undefined);
  });
});

describe("convert: automated ABR", () => {
  const automated: ConvertEnvironment = {
    ...CONVERT_ENVIRONMENT,
    profile: {
      ...CONVERT_ENVIRONMENT.profile,
      automatedAbr: { maxRenditions: 6, minBitrate: 400_000, maxBitrate: 6_000_000 },
    },
  };
  const groups = (settings: ConvertEnvironment, facts?: SourceFacts) =>
    submitted(planRecord(uploadRecord("v.mp4"), settings, facts)).Settings!.OutputGroups!;

  it("lets MediaConvert choose the HLS renditions within the configured limits", () => {
    const [hls] = groups(automated, source(1280, 720));
    assert.deepEqual(hls.AutomatedEncodingSettings, {
      AbrSettings: { MaxRenditions: 6, MinAbrBitrate: 400_000, MaxAbrBitrate: 6_000_000 },
    });
  });

  it("gives the HLS group one base output: no size, QVBR with multi-pass HQ, no bitrate", () => {
    const [hls] = groups(automated, source(1280, 720));
    assert.equal(hls.Outputs!.length, 1);
    const [base] = hls.Outputs!;
    assert.equal(base.VideoDescription!.Width, undefined);
    assert.equal(base.VideoDescription!.Height, undefined);
    assert.equal(base.VideoDescription!.ScalingBehavior, "DEFAULT", "not FIT_NO_UPSCALE");
    const h264 = base.VideoDescription!.CodecSettings!.H264Settings!;
    assert.equal(base.VideoDescription!.CodecSettings!.Codec, "H_264");
    assert.equal(h264.RateControlMode, "QVBR");
    assert.equal(h264.QualityTuningLevel, "MULTI_PASS_HQ");
    assert.equal(h264.MaxBitrate, undefined);
    assert.equal(h264.Bitrate, undefined);
    assert.equal(h264.QvbrSettings, undefined);
    assert.equal(base.AudioDescriptions!.length, 1);
  });

  it("leaves out the limits that are not configured: MediaConvert's defaults apply", () => {
    const [hls] = groups({
      ...CONVERT_ENVIRONMENT,
      profile: { ...CONVERT_ENVIRONMENT.profile, automatedAbr: {} },
    });
    assert.deepEqual(hls.AutomatedEncodingSettings, { AbrSettings: {} });
  });

  it("keeps the MP4 and thumbnails at their fitted, fixed sizes, CBR", () => {
    const [, mp4, thumbnails] = groups(automated, source(854, 480));
    assert.equal(mp4.AutomatedEncodingSettings, undefined);
    assert.deepEqual(videoOutputs(mp4), [[undefined, 854, 480]]);
    assert.equal(
      mp4.Outputs![0].VideoDescription!.CodecSettings!.H264Settings!.RateControlMode,
      "CBR",
    );
    assert.deepEqual(videoOutputs(thumbnails), [[undefined, 854, 480]]);
  });

  it("uses automated ABR in every ABR group of a DRM job, as MediaConvert requires", () => {
    const drm: ConvertEnvironment = { ...automated, drm: DRM_CONVERT_ENVIRONMENT.drm };
    const [thumbnails, dash, fairPlay] = groups(drm, source(1280, 720));
    assert.equal(thumbnails.AutomatedEncodingSettings, undefined);
    for (const group of [dash, fairPlay]) {
      assert.deepEqual(group.AutomatedEncodingSettings!.AbrSettings!.MaxRenditions, 6);
    }
    assert.deepEqual(
      dash.Outputs!.map((o) => [
        o.NameModifier,
        Boolean(o.VideoDescription),
        Boolean(o.AudioDescriptions),
      ]),
      [
        ["_video", true, false],
        ["_audio", false, true],
      ],
      "video and audio stay separate outputs for Widevine",
    );
    assert.equal(fairPlay.Outputs!.length, 1);
    assert.ok(fairPlay.OutputGroupSettings!.HlsGroupSettings!.Encryption);
  });
});

describe("convert: queue, ladder mode and limits from the environment", () => {
  const env = CONVERT_VARIABLES;

  it("requires the stack's queue, and defaults priority to 0 and acceleration to DISABLED", () => {
    assert.deepEqual(readConvertEnvironment(env).queue, {
      Queue: JOB_QUEUE_ARN,
      Priority: 0,
      AccelerationSettings: { Mode: "DISABLED" },
    });
    assert.throws(
      () => readConvertEnvironment({ ...env, JOB_QUEUE_ARN: "" }),
      /Environment variable JOB_QUEUE_ARN is not set/,
    );
    assert.throws(
      () =>
        readConvertEnvironment({
          ...env,
          JOB_QUEUE_ARN: "arn:aws:mediaconvert:us-east-1:123456789012:presets/x",
        }),
      /JOB_QUEUE_ARN is invalid: .* is not a MediaConvert queue ARN/,
    );
  });

  it("reads the priority and acceleration, naming the variable when either is invalid", () => {
    const settings = readConvertEnvironment({
      ...env,
      JOB_PRIORITY: "-20",
      ACCELERATION_MODE: "PREFERRED",
    });
    assert.equal(settings.queue.Priority, -20);
    assert.deepEqual(settings.queue.AccelerationSettings, { Mode: "PREFERRED" });
    assert.throws(
      () => readConvertEnvironment({ ...env, JOB_PRIORITY: "51" }),
      /^Error: `JOB_PRIORITY` must be an integer from -50 to 50/,
    );
    assert.throws(
      () => readConvertEnvironment({ ...env, ACCELERATION_MODE: "on" }),
      /^Error: `ACCELERATION_MODE` must be one of DISABLED, ENABLED, PREFERRED, got "on"\./,
    );
  });

  it("uses the fixed ladder by default, and automated ABR with LADDER_MODE=automated", () => {
    assert.equal(readConvertEnvironment(env).profile.automatedAbr, undefined);
    assert.deepEqual(
      readConvertEnvironment({ ...env, LADDER_MODE: "automated" }).profile.automatedAbr,
      {},
    );
    assert.deepEqual(
      readConvertEnvironment({
        ...env,
        LADDER_MODE: "automated",
        AUTOMATED_ABR_MAX_RENDITIONS: "5",
        AUTOMATED_ABR_MIN_BITRATE: "300000",
        AUTOMATED_ABR_MAX_BITRATE: "5000000",
      }).profile.automatedAbr,
      { maxRenditions: 5, minBitrate: 300_000, maxBitrate: 5_000_000 },
    );
  });

  it("fails at cold start naming the variable for a bad mode or limit", () => {
    const automatedEnv = { ...env, LADDER_MODE: "automated" };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...env, LADDER_MODE: "auto" }, /LADDER_MODE is invalid: "auto" is not fixed or automated/],
      [
        { ...automatedEnv, AUTOMATED_ABR_MAX_RENDITIONS: "2" },
        /AUTOMATED_ABR_MAX_RENDITIONS is invalid: .*from 3 to 15/,
      ],
      [
        { ...automatedEnv, AUTOMATED_ABR_MAX_RENDITIONS: "16" },
        /AUTOMATED_ABR_MAX_RENDITIONS is invalid/,
      ],
      [
        { ...automatedEnv, AUTOMATED_ABR_MIN_BITRATE: "99999" },
        /AUTOMATED_ABR_MIN_BITRATE is invalid: .*100000 to 100000000/,
      ],
      [
        { ...automatedEnv, AUTOMATED_ABR_MAX_BITRATE: "8M" },
        /AUTOMATED_ABR_MAX_BITRATE is invalid/,
      ],
      [
        {
          ...automatedEnv,
          AUTOMATED_ABR_MIN_BITRATE: "6000000",
          AUTOMATED_ABR_MAX_BITRATE: "5000000",
        },
        /AUTOMATED_ABR_MIN_BITRATE and AUTOMATED_ABR_MAX_BITRATE are invalid: the minimum bitrate 6000000 is above/,
      ],
      [
        { ...env, AUTOMATED_ABR_MAX_BITRATE: "5000000" },
        /AUTOMATED_ABR_MAX_BITRATE is set but LADDER_MODE is not automated/,
      ],
    ];
    for (const [environment, message] of cases) {
      assert.throws(() => readConvertEnvironment(environment), message);
    }
  });
});
