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
const MIN_BITRATE = 1_000;
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
