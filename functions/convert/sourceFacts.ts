/**
 * The source facts in the job's user metadata, so that the metadata function, which
 * sees only the job's events, can put them in the COMPLETE and ERROR `asset.json`.
 *
 * MediaConvert user metadata is at most 10 key/value pairs, a value at most 256
 * characters of letters, digits, spaces and `_ . : / = + - @`: no JSON. So the facts
 * travel as one value of `name=value` words:
 *
 *   `size=1280x720 dar=1.7778 rotation=90 duration=12.48 video=AVC audio=AAC container=MPEG-4`
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/user-metadata-tags.html
 */
import type { SourceFacts } from "../../shared/assetFile";

export type { SourceFacts } from "../../shared/assetFile";

/** The user metadata key that carries the facts. */
export const SOURCE_METADATA_KEY = "source";
export { USER_METADATA_LIMITS } from "../common/jobMetadata";
/** Codec and container names are cut to this many characters: the value stays within 256. */
const MAX_NAME_LENGTH = 32;

/** A name as a single word of the characters user metadata allows: `MPEG Audio` → `MPEG_Audio`. */
function word(name: string): string {
  return name.replace(/[^0-9A-Za-z_.:/+@-]+/g, "_").slice(0, MAX_NAME_LENGTH) || "unknown";
}

/** A number in few characters: at most 4 decimals, no trailing zeros. */
const number = (value: number) => String(Number(value.toFixed(4)));

/** The facts as one user metadata value (at most 256 characters). */
export function encodeSourceFacts(facts: SourceFacts): string {
  return [
    `size=${facts.width}x${facts.height}`,
    `dar=${number(facts.displayAspectRatio)}`,
    `rotation=${facts.rotation}`,
    ...(facts.durationSeconds !== undefined ? [`duration=${number(facts.durationSeconds)}`] : []),
    `video=${word(facts.videoCodec)}`,
    ...(facts.audioCodec !== undefined ? [`audio=${word(facts.audioCodec)}`] : []),
    `container=${word(facts.container)}`,
  ].join(" ");
}

const ROTATIONS = [0, 90, 180, 270] as const;

/** The facts from a user metadata value, or undefined when it is not one this module wrote. */
export function decodeSourceFacts(value: string | undefined): SourceFacts | undefined {
  if (!value) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.split(" ")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  const size = /^(\d+)x(\d+)$/.exec(fields.get("size") ?? "");
  const dar = Number(fields.get("dar"));
  const rotation = ROTATIONS.find((r) => String(r) === fields.get("rotation"));
  const duration = fields.has("duration") ? Number(fields.get("duration")) : undefined;
  const video = fields.get("video");
  const container = fields.get("container");
  if (!size || !(dar > 0) || rotation === undefined || !video || !container) return undefined;
  if (duration !== undefined && !(duration >= 0)) return undefined;
  return {
    width: Number(size[1]),
    height: Number(size[2]),
    displayAspectRatio: dar,
    rotation,
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    videoCodec: video,
    ...(fields.has("audio") ? { audioCodec: fields.get("audio") } : {}),
    container,
  };
}
