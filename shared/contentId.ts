/**
 * The content id of an upload: the SPEKE `ResourceId` its keys are requested
 * under, and the `cid` that license tokens for it name later.
 */
import { createHash } from "node:crypto";
import { isValidContentId } from "./drm";

/** Hex digits of the key's SHA-256 in the id: 48 bits, so distinct keys never meet in practice. */
const HASH_LENGTH = 12;
/** At most this much of the readable part is kept (its end: the file name says most). */
const MAX_SLUG_LENGTH = 100;

/**
 * The content id for a decoded source object key: a readable slug of its path and
 * name (without the extension) followed by `-` and a hash of the whole key.
 * `trailers/Mon Film (2024).mp4` → `trailers_Mon_Film_2024-<12 hex digits>`.
 *
 * It depends on the key alone, so a re-upload to the same key keeps its id and
 * existing licenses keep working. The hash keeps keys that slug alike apart
 * (`a b.mp4` and `a_b.mp4`); a key with nothing readable (`!!!.mp4`, `映画.mp4`)
 * gets the hash alone. Always 1–200 characters of `[0-9A-Za-z_-]`.
 */
export function contentIdFor(key: string): string {
  const hash = createHash("sha256").update(key, "utf8").digest("hex").slice(0, HASH_LENGTH);
  const slash = key.lastIndexOf("/");
  const dot = key.lastIndexOf(".");
  const withoutExtension = dot > slash + 1 ? key.slice(0, dot) : key;
  const slug = withoutExtension
    // Decompose accented letters and drop the accents: `é` → `e`.
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^0-9A-Za-z_-]+/g, "_")
    .slice(-MAX_SLUG_LENGTH)
    .replace(/^[_-]+|[_-]+$/g, "");
  const id = slug ? `${slug}-${hash}` : hash;
  // Unreachable by construction; a guard so a future edit cannot emit a bad id.
  if (!isValidContentId(id)) throw new Error(`content id ${JSON.stringify(id)} breaks the rule`);
  return id;
}
