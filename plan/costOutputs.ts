/**
 * The outputs one MediaConvert job writes for a stack's transcoding settings, each with
 * what MediaConvert bills it on: resolution and frame-rate band, pass and tier. The
 * outputs are those the convert function's job writes (`functions/convert/jobSettings.ts`)
 * for a source the ladder fits as it stands; which tier an output bills in is explained
 * in `./cost.ts`.
 */
import type { AccelerationMode } from "../shared/jobQueue";
import { LadderMode, RateControl, Rendition, renditionName } from "../shared/ladder";
import { MP4_RENDITION, THUMBNAIL_SIZE } from "../shared/ladderFit";
import type { DrmPackaging } from "../shared/outputLayout";
import { EncodingPass, FrameRateBand, ResolutionBand, Tier, videoRateKey } from "./prices";

/** The stack settings the estimate reads. */
export interface TranscodingSettings {
  /** The stack's AWS region: it picks the price row. */
  readonly region: string;
  readonly ladder: readonly Rendition[];
  /** @default "fixed" */
  readonly ladderMode?: LadderMode;
  readonly rateControl: RateControl;
  /** @default "DISABLED" */
  readonly accelerationMode?: AccelerationMode;
  readonly vodDrm: boolean;
  /** With DRM: also the clear HLS and MP4. */
  readonly vodDrmClearOutputs?: boolean;
  /** With DRM. @default "separate" */
  readonly packaging?: DrmPackaging;
  /** The distribution's price class. @default "PriceClass_100" */
  readonly priceClass?: string;
  /** The source's frame rate. @default 30 */
  readonly frameRate?: number;
}

/** The audio every streaming and MP4 output carries: AAC 96 kb/s (`aacAudio()`). */
export const AUDIO_BITRATE = 96_000;
/** Frame captures per source minute: one every 5 seconds (`THUMBNAILS`). */
export const FRAME_CAPTURES_PER_MINUTE = 12;

/** One output of the job, per source minute. */
export interface JobOutput {
  readonly group: string;
  readonly name: string;
  readonly kind: "video" | "audio" | "frame capture";
  readonly width?: number;
  readonly height?: number;
  /** Video bits per second (CBR target or QVBR cap); 0 for audio and frame captures. */
  readonly videoBitrate: number;
  /** Audio bits per second muxed into or making up the output. */
  readonly audioBitrate: number;
  readonly band?: ResolutionBand;
  readonly frameRateBand?: FrameRateBand;
  readonly pass?: EncodingPass;
  readonly tier: Tier;
  /** Why the output bills as Professional; empty for Basic. */
  readonly professionalBecause: readonly string[];
  readonly encrypted: boolean;
}

/** SD below 720 lines, HD 720 to 1080, UHD above, by the picture's short side. */
export function resolutionBand(width: number, height: number): ResolutionBand {
  const lines = Math.min(width, height);
  return lines < 720 ? "SD" : lines <= 1080 ? "HD" : "UHD";
}

export const frameRateBand = (fps: number): FrameRateBand => (fps <= 30 ? "<=30fps" : ">30fps");

/** The pass a rate control runs, as `functions/convert/encoding.ts` sets `QualityTuningLevel`. */
export const encodingPass = (rateControl: RateControl): EncodingPass =>
  rateControl === "QVBR" ? "multi-pass HQ" : "single-pass";

/** How the job is encoded: what makes an output Professional. */
export interface JobTraits {
  readonly accelerated: boolean;
  readonly frameRate: number;
}

/** One AVC output and the tier it bills in. */
export function avcOutput(
  group: string,
  name: string,
  { width, height, bitrate }: Rendition,
  pass: EncodingPass,
  audioBitrate: number,
  encrypted: boolean,
  job: JobTraits,
): JobOutput {
  const professionalBecause = [
    ...(pass !== "single-pass" ? [pass] : []),
    ...(job.accelerated ? ["accelerated transcoding"] : []),
    ...(encrypted ? ["DRM encryption (assumed)"] : []),
  ];
  return {
    group,
    name,
    kind: "video",
    width,
    height,
    videoBitrate: bitrate,
    audioBitrate,
    band: resolutionBand(width, height),
    frameRateBand: frameRateBand(job.frameRate),
    pass,
    tier: professionalBecause.length > 0 ? "Professional" : "Basic",
    professionalBecause,
    encrypted,
  };
}

function audioOutput(group: string, encrypted: boolean, job: JobTraits): JobOutput {
  const professionalBecause = [
    ...(job.accelerated ? ["accelerated transcoding"] : []),
    ...(encrypted ? ["DRM encryption (assumed)"] : []),
  ];
  return {
    group,
    name: "_audio",
    kind: "audio",
    videoBitrate: 0,
    audioBitrate: AUDIO_BITRATE,
    tier: professionalBecause.length > 0 ? "Professional" : "Basic",
    professionalBecause,
    encrypted,
  };
}

/**
 * The outputs one job writes, as `buildJobSettings` makes them for a source the ladder
 * fits as it stands: without DRM the HLS ladder, the MP4 and the thumbnails; with DRM
 * the thumbnails and the encrypted groups (DASH and FairPlay HLS, or one CMAF group),
 * plus the clear HLS and MP4 when `vodDrmClearOutputs` keeps them.
 */
export function jobOutputs(settings: TranscodingSettings): JobOutput[] {
  const job: JobTraits = {
    accelerated: (settings.accelerationMode ?? "DISABLED") !== "DISABLED",
    frameRate: settings.frameRate ?? 30,
  };
  const pass = encodingPass(settings.rateControl);
  const ladder = settings.ladder;
  const hls = (group: string, encrypted: boolean) =>
    ladder.map((rung) =>
      avcOutput(group, renditionName(rung), rung, pass, AUDIO_BITRATE, encrypted, job),
    );
  // DASH and CMAF: one video-only output per rung and one audio-only output.
  const separateAudio = (group: string) => [
    ...ladder.map((rung) => avcOutput(group, renditionName(rung), rung, pass, 0, true, job)),
    audioOutput(group, true, job),
  ];
  const clear = !settings.vodDrm || settings.vodDrmClearOutputs === true;
  const thumbnails: JobOutput = {
    group: "Thumbnails",
    name: "frames",
    kind: "frame capture",
    width: THUMBNAIL_SIZE.width,
    height: THUMBNAIL_SIZE.height,
    videoBitrate: 0,
    audioBitrate: 0,
    tier: job.accelerated ? "Professional" : "Basic",
    professionalBecause: job.accelerated ? ["accelerated transcoding"] : [],
    encrypted: false,
  };
  const encrypted = !settings.vodDrm
    ? []
    : (settings.packaging ?? "separate") === "cmaf"
      ? separateAudio("CMAF")
      : [...separateAudio("DASH"), ...hls("HLS FairPlay", true)];
  return [
    ...(clear
      ? [
          ...hls("HLS", false),
          // The MP4 is always CBR, whatever the ladder uses.
          avcOutput("MP4", "mp4", MP4_RENDITION, "single-pass", AUDIO_BITRATE, false, job),
        ]
      : []),
    thumbnails,
    ...encrypted,
  ];
}

/** The rate key an output bills by. */
export function rateKey(output: JobOutput): string {
  if (output.kind === "audio") return "audio";
  if (output.kind === "frame capture") return "frame capture";
  return videoRateKey(output.tier, output.band!, output.frameRateBand!, output.pass!);
}
