import * as assert from "node:assert/strict";
import type { H264Settings, JobSettings } from "@aws-sdk/client-mediaconvert";
import { buildJobSettings } from "../functions/convert/jobSettings";
import {
  decodeEventKey,
  isVideoKey,
  MAX_PREFIX_BYTES,
  outputPrefixFor,
  VIDEO_SUFFIXES,
} from "../functions/convert/objectKey";
import {
  clientRequestToken,
  planRecord,
  RecordPlan,
  uploadIdentity,
} from "../functions/convert/request";
import { readConvertSettings } from "../functions/convert/settings";
import { CONVERT_ENVIRONMENT, CONVERT_SETTINGS } from "./support/convertSettings";
import { SOURCE_BUCKET, uploadRecord } from "./support/s3Events";

const plan = (key: string, object = {}) => planRecord(uploadRecord(key, object), CONVERT_SETTINGS);
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

  it("lists no suffix that ends another, so S3's suffix filters never overlap", () => {
    for (const a of VIDEO_SUFFIXES) {
      for (const b of VIDEO_SUFFIXES) {
        if (a !== b) assert.ok(!a.endsWith(b), `${a} ends with ${b}`);
      }
      assert.equal(a, a.toLowerCase());
    }
  });

  it("puts outputs under the upload's path and name without extension", () => {
    assert.equal(outputPrefixFor("uploads/2024/My Movie.mp4"), "uploads/2024/My Movie");
    assert.equal(outputPrefixFor("clip.final.MOV"), "clip.final");
    assert.equal(outputPrefixFor("映画/予告編.mp4"), "映画/予告編");
  });

  it("replaces characters MediaConvert or URLs treat specially", () => {
    assert.equal(outputPrefixFor("a/$dt$ #1?.mp4"), "a/_dt_ _1_");
    assert.equal(outputPrefixFor("../x//y.mp4"), "_/x/_/y");
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
      "s3://vod-output-test/uploads/My Movie _ 映画/hls/index",
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
    assert.match(skipReason(planRecord(record, CONVERT_SETTINGS)), /is not an upload/);
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
    assert.equal(request.Role, CONVERT_SETTINGS.mediaConvertRoleArn);
    assert.equal(request.UserMetadata!.application, "vod-test");
    assert.match(request.UserMetadata!.assetId, /^[0-9a-f]{16}$/);
    assert.equal(request.UserMetadata!.input, `s3://${SOURCE_BUCKET}/trailers/a.mp4`);
    assert.equal(request.Queue, undefined, "the default queue");
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
    CONVERT_SETTINGS.profile,
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
      ...CONVERT_SETTINGS.profile,
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

describe("convert: settings from the environment", () => {
  const env = CONVERT_ENVIRONMENT;

  it("reads every setting, with the default QVBR level", () => {
    assert.deepEqual(readConvertSettings(env), CONVERT_SETTINGS);
  });

  it("names a missing or invalid variable", () => {
    assert.throws(
      () => readConvertSettings({ ...env, DESTINATION_BUCKET: "" }),
      /DESTINATION_BUCKET is not set/,
    );
    assert.throws(() => readConvertSettings({ ...env, LADDER: "[{" }), /LADDER is invalid/);
    assert.throws(
      () => readConvertSettings({ ...env, LADDER: "[]" }),
      /LADDER is invalid: the ladder needs at least one/,
    );
    assert.throws(
      () => readConvertSettings({ ...env, RATE_CONTROL: "VBR" }),
      /RATE_CONTROL is invalid/,
    );
    assert.throws(
      () => readConvertSettings({ ...env, QVBR_QUALITY_LEVEL: "0" }),
      /QVBR_QUALITY_LEVEL is invalid/,
    );
  });
});
