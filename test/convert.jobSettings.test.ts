/** The MediaConvert job the convert function builds: groups, codecs, fitting, automated ABR. */
import * as assert from "node:assert/strict";
import type { H264Settings, JobSettings, OutputGroup } from "@aws-sdk/client-mediaconvert";
import type { ConvertEnvironment } from "../functions/convert/environment";
import { buildJobSettings } from "../functions/convert/jobSettings";
import { planRecord } from "../functions/convert/request";
import type { SourceFacts } from "../shared/assetFile";
import { CONVERT_ENVIRONMENT, DRM_CONVERT_ENVIRONMENT } from "./support/convertEnvironment";
import { submitted } from "./support/recordPlan";
import { uploadRecord } from "./support/s3Events";
import { sourceFacts } from "./support/sourceProbe";

/** Each video output of a group: its name modifier and size. */
const videoOutputs = (group: OutputGroup) =>
  group
    .Outputs!.filter((o) => o.VideoDescription)
    .map((o) => [o.NameModifier, o.VideoDescription!.Width, o.VideoDescription!.Height]);

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

describe("convert: job settings fitted to the source", () => {
  it("puts the fitted ladder in the HLS group, named by each rendition's short side", () => {
    const request = submitted(
      planRecord(uploadRecord("v.mp4"), CONVERT_ENVIRONMENT, sourceFacts(720, 1280)),
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
      planRecord(uploadRecord("v.mp4"), CONVERT_ENVIRONMENT, sourceFacts(1280, 720)),
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
      planRecord(
        uploadRecord("v.mov"),
        CONVERT_ENVIRONMENT,
        sourceFacts(1280, 720, { rotation: 90 }),
      ),
    );
    assert.deepEqual(rotated.Settings!.Inputs![0].VideoSelector, { Rotate: "AUTO" });
    const upright = submitted(
      planRecord(uploadRecord("v.mp4"), CONVERT_ENVIRONMENT, sourceFacts(1280, 720)),
    );
    assert.deepEqual(upright.Settings!.Inputs![0].VideoSelector, {});
  });

  it("encodes the same fitted ladder in the DASH and FairPlay groups when DRM is on", () => {
    const request = submitted(
      planRecord(uploadRecord("v.mp4"), DRM_CONVERT_ENVIRONMENT, sourceFacts(640, 480)),
    );
    const [thumbnails, dash, fairPlay] = request.Settings!.OutputGroups!;
    assert.deepEqual(videoOutputs(thumbnails), [[undefined, 640, 480]]);
    assert.deepEqual(videoOutputs(dash), [["_360", 480, 360]]);
    assert.deepEqual(videoOutputs(fairPlay), [["_360", 480, 360]]);
    assert.equal(dash.Outputs!.at(-1)!.NameModifier, "_audio");
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
    const [hls] = groups(automated, sourceFacts(1280, 720));
    assert.deepEqual(hls.AutomatedEncodingSettings, {
      AbrSettings: { MaxRenditions: 6, MinAbrBitrate: 400_000, MaxAbrBitrate: 6_000_000 },
    });
  });

  it("gives the HLS group one base output: no size, QVBR with multi-pass HQ, no bitrate", () => {
    const [hls] = groups(automated, sourceFacts(1280, 720));
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
    const [, mp4, thumbnails] = groups(automated, sourceFacts(854, 480));
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
    const [thumbnails, dash, fairPlay] = groups(drm, sourceFacts(1280, 720));
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
