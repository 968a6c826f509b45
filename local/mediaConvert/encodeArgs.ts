/**
 * The nearest ffmpeg options for an output's video and audio settings (wire form, checked
 * against `./settingsTable` first). Pure.
 */

/** The wire shapes read here (REST-JSON, camelCase), as far as the stand-in reads them. */
export interface H264Wire {
  readonly rateControlMode: "CBR" | "VBR" | "QVBR";
  readonly bitrate?: number;
  readonly maxBitrate?: number;
  readonly hrdBufferSize?: number;
  readonly qvbrSettings?: { readonly qvbrQualityLevel?: number };
  readonly codecProfile?: "BASELINE" | "MAIN" | "HIGH";
  readonly codecLevel?: string;
  readonly gopSize?: number;
  readonly gopSizeUnits?: "FRAMES" | "SECONDS";
  readonly numberBFramesBetweenReferenceFrames?: number;
  readonly numberReferenceFrames?: number;
  readonly sceneChangeDetect?: string;
  readonly framerateControl?: "INITIALIZE_FROM_SOURCE" | "SPECIFIED";
  readonly framerateNumerator?: number;
  readonly framerateDenominator?: number;
  readonly parControl?: "INITIALIZE_FROM_SOURCE" | "SPECIFIED";
  readonly parNumerator?: number;
  readonly parDenominator?: number;
}
export interface FrameCaptureWire {
  readonly framerateNumerator?: number;
  readonly framerateDenominator?: number;
  readonly maxCaptures?: number;
  readonly quality?: number;
}
export interface VideoWire {
  readonly width?: number;
  readonly height?: number;
  readonly scalingBehavior?: "DEFAULT" | "STRETCH_TO_OUTPUT";
  readonly codecSettings: {
    readonly codec: "H_264" | "FRAME_CAPTURE";
    readonly h264Settings?: H264Wire;
    readonly frameCaptureSettings?: FrameCaptureWire;
  };
}
export interface AudioWire {
  readonly audioSourceName?: string;
  readonly codecSettings: {
    readonly codec: "AAC";
    readonly aacSettings?: {
      readonly bitrate?: number;
      readonly codingMode?: "CODING_MODE_1_0" | "CODING_MODE_2_0";
      readonly sampleRate?: number;
    };
  };
}

/** The input's rotation handling: MediaConvert ignores rotation metadata unless told. */
export type Rotate = "AUTO" | "DEGREE_0" | "DEGREES_90" | "DEGREES_180" | "DEGREES_270";

/**
 * QVBR quality level → x264 CRF. MediaConvert's levels run 1 (smallest) to 10 (near
 * lossless), and AWS suggests 7 for 720p web video; x264's CRF 23 is its default and
 * "visually good". So 7 → 23, each level about 3 CRF apart below it and 2 above.
 */
export const QVBR_TO_CRF: Readonly<Record<number, number>> = {
  1: 40,
  2: 37,
  3: 34,
  4: 31,
  5: 28,
  6: 25,
  7: 23,
  8: 21,
  9: 19,
  10: 17,
};
/** MediaConvert picks a level by resolution when none is set; 7 is its web-video choice. */
const DEFAULT_QVBR_LEVEL = 7;

/** Frame capture quality 1..100 (100 best) → MJPEG's -q:v 31..2 (2 best). */
export const jpegQuality = (quality: number): number => Math.round(2 + ((100 - quality) * 29) / 99);

/** x264's fastest presets keep the local encode quick; the job's quality knobs are noted as such. */
export const X264_PRESET = "veryfast";

const PROFILES = { BASELINE: "baseline", MAIN: "main", HIGH: "high" } as const;

/** The video filter chain: rotation, then the output size as the scaling behaviour asks. */
export function videoFilters(video: VideoWire, rotate: Rotate | undefined): string[] {
  const filters: string[] = [];
  if (rotate === "DEGREES_90") filters.push("transpose=clock");
  if (rotate === "DEGREES_180") filters.push("hflip", "vflip");
  if (rotate === "DEGREES_270") filters.push("transpose=cclock");
  const { width, height } = video;
  if (width !== undefined && height !== undefined) {
    if (video.scalingBehavior === "STRETCH_TO_OUTPUT") {
      filters.push(`scale=${width}:${height}`);
    } else {
      // DEFAULT: keep the picture's shape, letterboxed or pillarboxed into the frame.
      filters.push(
        `scale=${width}:${height}:force_original_aspect_ratio=decrease`,
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
      );
    }
  }
  const h264 = video.codecSettings.h264Settings;
  if (h264?.parControl === "SPECIFIED") {
    filters.push(`setsar=${h264.parNumerator ?? 1}/${h264.parDenominator ?? 1}`);
  } else if (width !== undefined) {
    filters.push("setsar=1");
  }
  return filters;
}

/** libx264 options for one output's H.264 settings. */
export function h264Args(h264: H264Wire): string[] {
  const args = ["-c:v", "libx264", "-preset", X264_PRESET, "-pix_fmt", "yuv420p"];
  const buffer = (rate: number) => String(h264.hrdBufferSize || rate * 2);
  if (h264.rateControlMode === "CBR") {
    const rate = h264.bitrate ?? 5_000_000;
    args.push("-b:v", String(rate), "-minrate", String(rate), "-maxrate", String(rate));
    args.push("-bufsize", buffer(rate));
  } else if (h264.rateControlMode === "VBR") {
    const rate = h264.bitrate ?? 5_000_000;
    const max = h264.maxBitrate ?? rate;
    args.push("-b:v", String(rate), "-maxrate", String(max), "-bufsize", buffer(max));
  } else {
    const level = h264.qvbrSettings?.qvbrQualityLevel ?? DEFAULT_QVBR_LEVEL;
    args.push("-crf", String(QVBR_TO_CRF[level]));
    if (h264.maxBitrate !== undefined) {
      args.push("-maxrate", String(h264.maxBitrate), "-bufsize", buffer(h264.maxBitrate));
    }
  }
  if (h264.codecProfile) args.push("-profile:v", PROFILES[h264.codecProfile]);
  if (h264.codecLevel && h264.codecLevel !== "AUTO") {
    args.push("-level:v", h264.codecLevel.replace("LEVEL_", "").replace("_", "."));
  }
  if (h264.gopSize) {
    if (h264.gopSizeUnits === "SECONDS") {
      args.push("-force_key_frames", `expr:gte(t,n_forced*${h264.gopSize})`);
    } else {
      args.push("-g", String(h264.gopSize));
    }
  }
  if (h264.numberBFramesBetweenReferenceFrames !== undefined) {
    args.push("-bf", String(h264.numberBFramesBetweenReferenceFrames));
  }
  if (h264.numberReferenceFrames !== undefined) {
    args.push("-refs", String(h264.numberReferenceFrames));
  }
  // Key frames only on the GOP cadence, as MediaConvert without scene change detection.
  if (h264.sceneChangeDetect === "DISABLED") args.push("-sc_threshold", "0");
  if (h264.framerateControl === "SPECIFIED" && h264.framerateNumerator) {
    args.push("-r", `${h264.framerateNumerator}/${h264.framerateDenominator ?? 1}`);
  }
  return args;
}

/**
 * JPEG frame captures: the first frame at or after each multiple of the capture period
 * (0, period, 2 × period, …), how many at most, the JPEG quality. (ffmpeg's `fps` filter
 * would write nothing for a clip shorter than one period; MediaConvert captures its first frame.)
 */
export function frameCaptureArgs(capture: FrameCaptureWire): {
  filters: string[];
  args: string[];
} {
  const period = `${capture.framerateDenominator ?? 1}/${capture.framerateNumerator ?? 1}`;
  return {
    filters: [`select=gte(t\\,selected_n*${period})`],
    args: [
      ...["-fps_mode", "vfr", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p"],
      ...["-q:v", String(jpegQuality(capture.quality ?? 80))],
      ...(capture.maxCaptures ? ["-frames:v", String(capture.maxCaptures)] : []),
    ],
  };
}

/** AAC-LC options for one output's audio. */
export function aacArgs(audio: AudioWire): string[] {
  const aac = audio.codecSettings.aacSettings ?? {};
  return [
    ...["-c:a", "aac", "-profile:a", "aac_low"],
    ...["-b:a", String(aac.bitrate ?? 96_000)],
    ...["-ar", String(aac.sampleRate ?? 48_000)],
    ...["-ac", aac.codingMode === "CODING_MODE_1_0" ? "1" : "2"],
  ];
}

/** The bits per second an output spends, for the HLS master playlist's BANDWIDTH. */
export function nominalBitrate(video: VideoWire | undefined, audio: AudioWire | undefined): number {
  const h264 = video?.codecSettings.h264Settings;
  const videoRate = h264 ? (h264.maxBitrate ?? h264.bitrate ?? 0) : 0;
  return videoRate + (audio ? (audio.codecSettings.aacSettings?.bitrate ?? 96_000) : 0);
}
