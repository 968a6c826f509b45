/**
 * Fitting the ladder and the other video outputs to the source: the ladder keeps the
 * rungs the source can fill, each oriented and shaped like the source (portrait, 4:3,
 * anamorphic, rotated by its metadata), and nothing is upscaled.
 *
 * It lives beside the ladder it fits, Pulumi-free and SDK-free like it; the convert
 * function fits each job to what its probe found (`functions/convert/jobSettings.ts`).
 */
import type { SourceFacts } from "./assetFile";
import { MIN_BITRATE, Rendition } from "./ladder";

/** The progressive MP4: 720p at 3 Mbps, as in the source design. */
export const MP4_RENDITION: Rendition = { width: 1280, height: 720, bitrate: 3_000_000 };
/** Thumbnails are sized like the MP4: 720p, fitted to a smaller source. */
export const THUMBNAIL_SIZE = { width: 1280, height: 720 } as const;

/**
 * The source picture renditions are fitted to: its stored size, its display aspect
 * ratio, and whether MediaConvert turns it a quarter turn (rotation 90 or 270, which it
 * applies to MP4 and QuickTime inputs).
 */
export interface SourcePicture {
  readonly width: number;
  readonly height: number;
  /** Width over height of the stored picture as displayed (pixel aspect ratio applied). */
  readonly displayAspectRatio: number;
  readonly quarterTurn: boolean;
}

/** The picture as players show it: long and short side, and whether it stands upright. */
export function displayShape(picture: SourcePicture) {
  // Pixel aspect ratio stretches the width: the height stays as stored.
  const width = Math.round(picture.height * picture.displayAspectRatio);
  const height = picture.height;
  const [shown, across] = picture.quarterTurn ? [width, height] : [height, width];
  return {
    short: Math.min(width, height),
    long: Math.max(width, height),
    portrait: shown > across,
  };
}

const even = (value: number) => Math.max(2, 2 * Math.round(value / 2));
const evenDown = (value: number) => 2 * Math.floor(value / 2);
/** Bitrates are kept in whole kilobits. */
const kilobits = (bitrate: number) => Math.max(MIN_BITRATE, Math.round(bitrate / 1_000) * 1_000);

/**
 * One rung fitted to the source: its short side is the rung's height, its long side
 * follows the source's display aspect ratio (rounded to even), and it stands the way
 * the source stands (portrait rungs for a portrait source). A rung taller than the
 * source is not upscaled: it becomes the source's own size (even, rounded down).
 *
 * The bitrate scales with the pixel count, never above the rung's: a 4:3 or a
 * source-sized rung has fewer pixels, so it needs fewer bits for the same quality; an
 * ultra-wide one keeps the configured cap, which bounds delivery cost.
 */
export function fitRendition(rung: Rendition, picture: SourcePicture): Rendition {
  const { short, long, portrait } = displayShape(picture);
  const upscale = rung.height > short;
  const shortSide = upscale ? evenDown(short) : rung.height;
  const aspect = long / short;
  const longSide = upscale
    ? Math.min(even(shortSide * aspect), evenDown(long))
    : even(shortSide * aspect);
  const [width, height] = portrait ? [shortSide, longSide] : [longSide, shortSide];
  const pixels = Math.min(1, (width * height) / (rung.width * rung.height));
  return { width, height, bitrate: kilobits(rung.bitrate * pixels) };
}

/**
 * The ladder fitted to the source: only the rungs whose height is at most the source's
 * displayed short side, each fitted with {@link fitRendition}. A source smaller than
 * every rung gets one rendition at its own size, with the smallest rung's bitrate
 * scaled to its pixels.
 *
 * 1280x720: 640x360, 960x540, 1280x720. 720x1280, or 1280x720 turned 90°: 360x640,
 * 540x960, 720x1280. 640x480: 480x360 at 750 kb/s. 854x480: 640x360. 320x240: 320x240
 * at 333 kb/s.
 */
export function fitLadder(ladder: readonly Rendition[], picture: SourcePicture): Rendition[] {
  const { short } = displayShape(picture);
  const fitting = ladder.filter((rung) => rung.height <= short);
  if (fitting.length > 0) return fitting.map((rung) => fitRendition(rung, picture));
  const smallest = [...ladder].sort((a, b) => a.height - b.height)[0];
  return [fitRendition(smallest, picture)];
}

/**
 * The containers whose rotation metadata MediaConvert applies (`Rotate: AUTO` works
 * for .mov and .mp4 inputs only), as MediaInfo names them.
 */
export const ROTATING_CONTAINERS: readonly string[] = ["MPEG-4", "QuickTime"];

/** The picture renditions are fitted to, and whether MediaConvert must rotate the input. */
export function sourcePicture(source: SourceFacts): { picture: SourcePicture; rotate: boolean } {
  const rotate = source.rotation !== 0 && ROTATING_CONTAINERS.includes(source.container);
  return {
    picture: {
      width: source.width,
      height: source.height,
      displayAspectRatio: source.displayAspectRatio,
      quarterTurn: rotate && (source.rotation === 90 || source.rotation === 270),
    },
    rotate,
  };
}

/** Every video output's size for a source: the ladder, the MP4 and the thumbnails. */
export interface OutputSizes {
  readonly ladder: readonly Rendition[];
  readonly mp4: Rendition;
  readonly thumbnails: { readonly width: number; readonly height: number };
  /** MediaConvert must apply the source's rotation metadata. */
  readonly rotate: boolean;
}

/** The sizes fitted to `source`; without it, the configured sizes as they stand. */
export function outputSizes(ladder: readonly Rendition[], source?: SourceFacts): OutputSizes {
  if (!source) return { ladder, mp4: MP4_RENDITION, thumbnails: THUMBNAIL_SIZE, rotate: false };
  const { picture, rotate } = sourcePicture(source);
  const mp4 = fitRendition(MP4_RENDITION, picture);
  return {
    ladder: fitLadder(ladder, picture),
    mp4,
    thumbnails: { width: mp4.width, height: mp4.height },
    rotate,
  };
}
