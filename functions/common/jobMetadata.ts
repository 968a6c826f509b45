/**
 * A MediaConvert job's user metadata: what the convert function puts there and the
 * metadata function reads back from the job's events.
 *
 * MediaConvert takes at most 10 pairs; a key at most 128 characters and a value at most
 * 256, each of Unicode letters, digits, spaces and `_ . : / = + - @` (a value outside
 * these makes CreateJob refuse the job). An S3 key may hold any character and 1024
 * bytes, so the upload's URL travels as base64url (letters, digits, `-` and `_`: always
 * valid) cut into 256-character parts: `input`, `input2`, … The metadata function joins
 * and decodes them, so it knows the exact key, however long or odd, and from it the
 * asset's folder (`outputPrefixFor`) and id.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/user-metadata-tags.html
 */
import { createHash } from "node:crypto";

/** MediaConvert's limits on user metadata (the user guide's "job tag restrictions"). */
export const USER_METADATA_LIMITS = { maxPairs: 10, maxKeyLength: 128, maxValueLength: 256 };
/** The characters a user metadata key or value may hold. */
const ALLOWED = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u;

/** The user metadata key of the upload event's sequencer (see `statusFile.ts`). */
export const SEQUENCER_METADATA_KEY = "sequencer";
/** The user metadata key of the upload's URL, and the prefix of its further parts. */
export const INPUT_METADATA_KEY = "input";
/**
 * At most this many parts: an S3 URL is at most `s3://` + 63 (bucket) + `/` + 1024
 * (key) = 1093 bytes, 1458 characters of base64url.
 */
const MAX_INPUT_PARTS = 6;

/** A short, stable id for an uploaded object. */
export function assetIdFor(bucket: string, key: string): string {
  return createHash("sha256").update(`${bucket}/${key}`).digest("hex").slice(0, 16);
}

/** The upload's URL as user metadata pairs: `input`, then `input2`, … as it needs. */
export function inputMetadata(bucket: string, key: string): Record<string, string> {
  const encoded = Buffer.from(`s3://${bucket}/${key}`, "utf8").toString("base64url");
  const { maxValueLength } = USER_METADATA_LIMITS;
  const pairs: Record<string, string> = {};
  for (let part = 0; part * maxValueLength < encoded.length; part++) {
    const name = part === 0 ? INPUT_METADATA_KEY : `${INPUT_METADATA_KEY}${part + 1}`;
    pairs[name] = encoded.slice(part * maxValueLength, (part + 1) * maxValueLength);
  }
  return pairs;
}

/** The upload a job was made for, as its user metadata names it, or what is wrong. */
export type JobInput =
  | {
      readonly bucket: string;
      readonly key: string;
      readonly url: string;
      readonly problem?: never;
    }
  | {
      readonly problem: string;
      readonly bucket?: never;
      readonly key?: never;
      readonly url?: never;
    };

/**
 * Reads the upload's URL back from a job's user metadata. A job made before the URL was
 * encoded carries it as it is (`s3://…`), cut at 256 characters: a value that long may
 * be cut short, and is then a problem.
 */
export function readJobInput(metadata: Record<string, string> | undefined): JobInput {
  const first = metadata?.[INPUT_METADATA_KEY];
  if (!first) return { problem: "the job's user metadata has no s3:// input" };
  let url: string;
  if (first.startsWith("s3://")) {
    if (first.length >= USER_METADATA_LIMITS.maxValueLength) {
      return { problem: "the job's input URL may be cut short, so its asset's prefix is unknown" };
    }
    url = first;
  } else {
    let encoded = first;
    for (let part = 2; part <= MAX_INPUT_PARTS; part++) {
      const next = metadata?.[`${INPUT_METADATA_KEY}${part}`];
      if (next === undefined) break;
      encoded += next;
    }
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) {
      return { problem: "the job's input is not base64url" };
    }
    try {
      url = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(encoded, "base64url"));
    } catch {
      return { problem: "the job's input is not UTF-8" };
    }
  }
  const match = /^s3:\/\/([^/]+)\/(.+)$/s.exec(url);
  if (!match) return { problem: "the job's input is not an s3:// URL" };
  return { bucket: match[1], key: match[2], url };
}

/** What breaks MediaConvert's rules in a job's user metadata; empty when nothing does. */
export function userMetadataProblems(metadata: Record<string, string>): string[] {
  const { maxPairs, maxKeyLength, maxValueLength } = USER_METADATA_LIMITS;
  const entries = Object.entries(metadata);
  const problems: string[] = [];
  if (entries.length > maxPairs) {
    problems.push(`${entries.length} pairs; MediaConvert takes ${maxPairs}`);
  }
  for (const [name, value] of entries) {
    const nameLength = [...name].length;
    const valueLength = [...value].length;
    if (nameLength < 1 || nameLength > maxKeyLength || !ALLOWED.test(name)) {
      problems.push(`key ${JSON.stringify(name)} is not 1-${maxKeyLength} allowed characters`);
    }
    if (valueLength > maxValueLength) {
      problems.push(`${name} has ${valueLength} characters; MediaConvert takes ${maxValueLength}`);
    }
    if (!ALLOWED.test(value)) {
      problems.push(`${name} holds characters MediaConvert refuses in metadata`);
    }
  }
  return problems;
}
