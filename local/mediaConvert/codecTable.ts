/**
 * The codec part of the settings table (see `./settingsTable`): H.264 and frame captures
 * for video, AAC for audio, in MediaConvert's wire names, each executed (see
 * `./encodeArgs`) or accepted with no local effect, with the reason.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-model-h264settings
 */
import { executed, integer, noLocalEffect, object, oneOf, required, text } from "./rules";

// One software encoder runs locally: libx264 at a fast preset, AAC from ffmpeg.
const ENCODER_TUNING = "an encoder tuning knob; x264 at a fast preset decides it locally";

const h264Settings = object({
  rateControlMode: required(oneOf("CBR", "VBR", "QVBR")),
  bitrate: executed(integer(1000, 1_152_000_000)),
  maxBitrate: executed(integer(1000, 1_152_000_000)),
  hrdBufferSize: executed(integer(0, 1_152_000_000)),
  qvbrSettings: executed(object({ qvbrQualityLevel: executed(integer(1, 10)) })),
  qualityTuningLevel: noLocalEffect(
    ENCODER_TUNING,
    oneOf("SINGLE_PASS", "SINGLE_PASS_HQ", "MULTI_PASS_HQ"),
  ),
  codecProfile: executed(oneOf("BASELINE", "MAIN", "HIGH")),
  codecLevel: executed(
    oneOf("AUTO", "LEVEL_3", "LEVEL_3_1", "LEVEL_3_2", "LEVEL_4", "LEVEL_4_1", "LEVEL_4_2"),
  ),
  entropyEncoding: noLocalEffect(
    "x264 picks CABAC for Main and High, CAVLC for Baseline",
    oneOf("CABAC", "CAVLC"),
  ),
  gopSize: executed(integer(0, 10_000)),
  gopSizeUnits: executed(oneOf("FRAMES", "SECONDS")),
  gopClosedCadence: noLocalEffect("x264 writes closed GOPs by default", integer(0, 2_147_483_647)),
  numberBFramesBetweenReferenceFrames: executed(integer(0, 7)),
  numberReferenceFrames: executed(integer(1, 6)),
  adaptiveQuantization: noLocalEffect(
    ENCODER_TUNING,
    oneOf("OFF", "AUTO", "LOW", "MEDIUM", "HIGH", "HIGHER", "MAX"),
  ),
  sceneChangeDetect: executed(oneOf("ENABLED", "DISABLED", "TRANSITION_DETECTION")),
  framerateControl: executed(oneOf("INITIALIZE_FROM_SOURCE", "SPECIFIED")),
  framerateNumerator: executed(integer(1, 2_147_483_647)),
  framerateDenominator: executed(integer(1, 2_147_483_647)),
  interlaceMode: executed(oneOf("PROGRESSIVE")),
  parControl: executed(oneOf("INITIALIZE_FROM_SOURCE", "SPECIFIED")),
  parNumerator: executed(integer(1, 2_147_483_647)),
  parDenominator: executed(integer(1, 2_147_483_647)),
  syntax: noLocalEffect("DEFAULT is the only syntax ffmpeg writes", oneOf("DEFAULT")),
});

const frameCaptureSettings = object({
  framerateNumerator: executed(integer(1, 60_000)),
  framerateDenominator: executed(integer(1, 3_600_000)),
  maxCaptures: executed(integer(1, 10_000_000)),
  quality: executed(integer(1, 100)),
});

export const videoDescription = (codecs: string[]) =>
  object({
    width: executed(integer(32, 8192)),
    height: executed(integer(32, 4320)),
    scalingBehavior: executed(oneOf("DEFAULT", "STRETCH_TO_OUTPUT")),
    antiAlias: noLocalEffect(
      "ffmpeg's scaler always filters when it scales down",
      oneOf("ENABLED", "DISABLED"),
    ),
    codecSettings: required(
      object({
        codec: required(oneOf(...codecs)),
        h264Settings: executed(h264Settings),
        frameCaptureSettings: executed(frameCaptureSettings),
      }),
    ),
  });

const aacSettings = object({
  bitrate: executed(integer(6000, 1_024_000)),
  codingMode: executed(oneOf("CODING_MODE_1_0", "CODING_MODE_2_0")),
  sampleRate: executed(integer(8000, 96_000)),
  codecProfile: executed(oneOf("LC")),
  rateControlMode: executed(oneOf("CBR")),
  rawFormat: noLocalEffect("NONE: the AAC goes in the container as is", oneOf("NONE")),
  specification: noLocalEffect("MPEG4 is what ffmpeg writes", oneOf("MPEG4")),
});

export const audioDescription = object({
  audioSourceName: executed(text()),
  codecSettings: required(
    object({ codec: required(oneOf("AAC")), aacSettings: executed(aacSettings) }),
  ),
});
