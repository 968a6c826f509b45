/**
 * The HLS adaptive-bitrate ladder: data, parsing and validation.
 *
 * Shared by the stack config (validated at `pulumi preview`) and the convert
 * handler (validated again at cold start), so both agree on what a valid ladder is.
 */

/** One HLS rendition. */
export interface Rendition {
  readonly width: number;
  readonly height: number;
  /** Target (CBR) or maximum (QVBR) video bitrate, bits per second. */
  readonly bitrate: number;
}

/** How MediaConvert spends bits: constant bitrate, or quality-defined variable bitrate. */
export type RateControl = "CBR" | "QVBR";
export const RATE_CONTROLS: readonly RateControl[] = ["CBR", "QVBR"];
/** The source design's (`job.json`) rate control. */
export const DEFAULT_RATE_CONTROL: RateControl = "CBR";

/** The source design's ladder (`job.json`): 360p, 540p and 720p. */
export const DEFAULT_LADDER: readonly Rendition[] = [
  { width: 640, height: 360, bitrate: 1_000_000 },
  { width: 960, height: 540, bitrate: 2_000_000 },
  { width: 1280, height: 720, bitrate: 3_000_000 },
];

/** QVBR quality level used when none is configured (AWS's recommendation for 720p). */
export const DEFAULT_QVBR_QUALITY_LEVEL = 7;

// MediaConvert H.264 limits: frame size 32..8192 (even), bitrate 1,000..1,152,000,000 bps.
const MIN_DIMENSION = 32;
const MAX_DIMENSION = 8192;
/** MediaConvert's lowest H.264 bitrate, bits per second. */
export const MIN_BITRATE = 1_000;
const MAX_BITRATE = 1_152_000_000;
const MAX_RENDITIONS = 10;

const SPEC = /^(\d+)x(\d+)@(\d+)([kM]?)$/;
const MULTIPLIER: Record<string, number> = { "": 1, k: 1_000, M: 1_000_000 };

/**
 * Parses `WIDTHxHEIGHT@BITRATE`, where the bitrate is in bits per second with an
 * optional `k` or `M` suffix: `1280x720@3M`, `640x360@1000000`.
 */
export function parseRendition(spec: string): Rendition {
  const match = SPEC.exec(spec.trim());
  if (!match) {
    throw new Error(`"${spec}" is not WIDTHxHEIGHT@BITRATE (for example 1280x720@3M)`);
  }
  const [, width, height, bitrate, unit] = match;
  return {
    width: Number(width),
    height: Number(height),
    bitrate: Number(bitrate) * MULTIPLIER[unit],
  };
}

/** Throws an Error naming the first problem with the ladder. */
export function validateLadder(ladder: readonly Rendition[]): void {
  if (ladder.length === 0) throw new Error("the ladder needs at least one rendition");
  if (ladder.length > MAX_RENDITIONS) {
    throw new Error(
      `the ladder has ${ladder.length} renditions; at most ${MAX_RENDITIONS} are allowed`,
    );
  }
  const heights = new Set<number>();
  for (const { width, height, bitrate } of ladder) {
    const label = `${width}x${height}@${bitrate}`;
    for (const [what, value] of [
      ["width", width],
      ["height", height],
    ] as const) {
      if (
        !Number.isInteger(value) ||
        value < MIN_DIMENSION ||
        value > MAX_DIMENSION ||
        value % 2 !== 0
      ) {
        throw new Error(
          `${label}: ${what} must be an even integer from ${MIN_DIMENSION} to ${MAX_DIMENSION}`,
        );
      }
    }
    if (!Number.isInteger(bitrate) || bitrate < MIN_BITRATE || bitrate > MAX_BITRATE) {
      throw new Error(
        `${label}: bitrate must be an integer from ${MIN_BITRATE} to ${MAX_BITRATE} bps`,
      );
    }
    // The HLS name modifier is `_<height>`, so heights must be unique.
    if (heights.has(height)) throw new Error(`${label}: two renditions have height ${height}`);
    heights.add(height);
  }
}

/** Validates a QVBR quality level (MediaConvert accepts 1..10). */
export function validateQvbrQualityLevel(level: number): void {
  if (!Number.isInteger(level) || level < 1 || level > 10) {
    throw new Error(`the QVBR quality level must be an integer from 1 to 10, not ${level}`);
  }
}

/**
 * How the streaming ladder is made: `fixed`, the configured ladder fitted to each
 * source; or `automated`, MediaConvert's automated ABR.
 */
export const LADDER_MODES = ["fixed", "automated"] as const;
export type LadderMode = (typeof LADDER_MODES)[number];
/** The configured ladder, fitted to each source: predictable sizes and costs. */
export const DEFAULT_LADDER_MODE: LadderMode = "fixed";

/**
 * MediaConvert's automated ABR: it picks the renditions (how many, their sizes and
 * bitrates) from the source itself, with QVBR. Each limit left out takes MediaConvert's
 * default (15 renditions, 600 kb/s, 8 Mb/s).
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/auto-abr.html
 */
export interface AutomatedAbrLimits {
  /** 3 to 15. */
  readonly maxRenditions?: number;
  /** Average bitrate of the lowest rendition, 100,000 to 100,000,000 bps. */
  readonly minBitrate?: number;
  /** Average bitrate of the highest rendition, 100,000 to 100,000,000 bps. */
  readonly maxBitrate?: number;
}

/** MediaConvert's bounds on the automated ABR settings (`AutomatedAbrSettings`). */
export const AUTOMATED_ABR_BOUNDS = {
  maxRenditions: { min: 3, max: 15 },
  bitrate: { min: 100_000, max: 100_000_000 },
} as const;

/** Throws an Error naming the first limit out of MediaConvert's bounds. */
export function validateAutomatedAbrLimits(limits: AutomatedAbrLimits): void {
  const { maxRenditions, bitrate } = AUTOMATED_ABR_BOUNDS;
  const check = (
    name: string,
    value: number | undefined,
    { min, max }: { min: number; max: number },
  ) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new Error(`${name} must be an integer from ${min} to ${max}, not ${value}`);
    }
  };
  check("the maximum number of renditions", limits.maxRenditions, maxRenditions);
  check("the minimum bitrate", limits.minBitrate, bitrate);
  check("the maximum bitrate", limits.maxBitrate, bitrate);
  if (
    limits.minBitrate !== undefined &&
    limits.maxBitrate !== undefined &&
    limits.minBitrate > limits.maxBitrate
  ) {
    throw new Error(
      `the minimum bitrate ${limits.minBitrate} is above the maximum bitrate ${limits.maxBitrate}`,
    );
  }
}

/** MediaConvert's smallest H.264 frame side: a source smaller than this is not encoded. */
export const MIN_FRAME_SIDE = MIN_DIMENSION;

/** The rendition's name in output file names: `_<short side>` (`_360` for 640x360 and 360x640). */
export const renditionName = ({ width, height }: Rendition) => `_${Math.min(width, height)}`;
