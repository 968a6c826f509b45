/**
 * How each output is encoded: the H.264 video of a rendition (or of automated ABR's base
 * output) and the AAC audio every streaming and MP4 output carries.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 */
import type {
  AudioDescription,
  AutomatedEncodingSettings,
  H264Settings,
  VideoDescription,
} from "@aws-sdk/client-mediaconvert";
import type { AutomatedAbrLimits, RateControl, Rendition } from "../../shared/ladder";

/** How the ladder is encoded. */
export interface EncodingProfile {
  readonly ladder: readonly Rendition[];
  readonly rateControl: RateControl;
  /** Used with QVBR only. */
  readonly qvbrQualityLevel: number;
  /**
   * MediaConvert's automated ABR instead of the fixed ladder, for every streaming group
   * (MediaConvert requires all of a job's ABR groups to use it). The MP4 and the
   * thumbnails keep their fixed sizes.
   * @default undefined (the fixed ladder)
   */
  readonly automatedAbr?: AutomatedAbrLimits;
}

/** The selector every audio output reads from. */
export const AUDIO_SELECTOR = "Audio Selector 1";

/** H.264 Main, CABAC, 90-frame GOP with 2 B-frames, rate control from the profile. */
export function h264Settings(
  bitrate: number,
  rateControl: RateControl,
  qvbrQualityLevel: number,
): H264Settings {
  const rate: H264Settings =
    rateControl === "QVBR"
      ? {
          RateControlMode: "QVBR",
          MaxBitrate: bitrate,
          QvbrSettings: { QvbrQualityLevel: qvbrQualityLevel },
          // AWS recommends multi-pass HQ with QVBR: it spends the bits where they show.
          QualityTuningLevel: "MULTI_PASS_HQ",
        }
      : { RateControlMode: "CBR", Bitrate: bitrate, QualityTuningLevel: "SINGLE_PASS" };
  return {
    ...rate,
    CodecProfile: "MAIN",
    CodecLevel: "AUTO",
    EntropyEncoding: "CABAC",
    GopSize: 90,
    GopSizeUnits: "FRAMES",
    GopClosedCadence: 1,
    NumberBFramesBetweenReferenceFrames: 2,
    NumberReferenceFrames: 3,
    AdaptiveQuantization: "HIGH",
    SceneChangeDetect: "ENABLED",
    FramerateControl: "INITIALIZE_FROM_SOURCE",
    InterlaceMode: "PROGRESSIVE",
    // Square pixels: output sizes come from the source's display aspect ratio, so an
    // anamorphic source's pixel aspect ratio must not be carried over.
    ParControl: "SPECIFIED",
    ParNumerator: 1,
    ParDenominator: 1,
    Syntax: "DEFAULT",
  };
}

/** AAC-LC, CBR 96 kbps, stereo, 48 kHz. */
export function aacAudio(): AudioDescription {
  return {
    AudioSourceName: AUDIO_SELECTOR,
    CodecSettings: {
      Codec: "AAC",
      AacSettings: {
        Bitrate: 96_000,
        CodingMode: "CODING_MODE_2_0",
        SampleRate: 48_000,
        CodecProfile: "LC",
        RateControlMode: "CBR",
        RawFormat: "NONE",
        Specification: "MPEG4",
      },
    },
  };
}

/**
 * H.264 for the base output of an automated ABR group: QVBR with multi-pass HQ, as
 * MediaConvert requires; the bitrates and quality of each rendition are MediaConvert's.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/feature-restrictions-for-automated-abr.html
 */
export function automatedAbrH264Settings(): H264Settings {
  const settings: H264Settings = { ...h264Settings(0, "QVBR", 0) };
  delete settings.MaxBitrate;
  delete settings.QvbrSettings;
  return settings;
}

/** An output group's automated ABR limits, in MediaConvert's shape. */
export function automatedEncodingSettings(limits: AutomatedAbrLimits): AutomatedEncodingSettings {
  return {
    AbrSettings: {
      ...(limits.maxRenditions !== undefined ? { MaxRenditions: limits.maxRenditions } : {}),
      ...(limits.minBitrate !== undefined ? { MinAbrBitrate: limits.minBitrate } : {}),
      ...(limits.maxBitrate !== undefined ? { MaxAbrBitrate: limits.maxBitrate } : {}),
    },
  };
}

/** The base output's video: no size (MediaConvert sizes each rendition), QVBR. */
export function automatedAbrVideo(): VideoDescription {
  return {
    ScalingBehavior: "DEFAULT",
    AntiAlias: "ENABLED",
    CodecSettings: { Codec: "H_264", H264Settings: automatedAbrH264Settings() },
  };
}

/** A rendition's video: its size and H.264 at its bitrate. */
export function videoDescription(
  { width, height, bitrate }: Rendition,
  profile: EncodingProfile,
): VideoDescription {
  return {
    Width: width,
    Height: height,
    ScalingBehavior: "DEFAULT",
    AntiAlias: "ENABLED",
    CodecSettings: {
      Codec: "H_264",
      H264Settings: h264Settings(bitrate, profile.rateControl, profile.qvbrQualityLevel),
    },
  };
}
