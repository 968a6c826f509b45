/**
 * The content keys of the local key server, standing in for PallyCon's KMS: one key per
 * (content id, key id), the same every time it is asked for in this process, and a
 * record of which key ids were issued for which content id. The license server gives
 * out only keys issued this way, as PallyCon licenses only content its KMS packaged.
 */
import { createHmac, randomBytes } from "node:crypto";

/** Content keys by (content id, key id). Key ids are UUIDs, in any case, with dashes. */
export interface KeyStore {
  /** The 16-byte content key for (content id, key id), recorded as issued. */
  issue(contentId: string, keyId: string): Buffer;
  /** The key, when it was issued for this content id; undefined otherwise. */
  issued(contentId: string, keyId: string): Buffer | undefined;
  /** The key ids issued for a content id, in the order first issued. */
  keyIds(contentId: string): string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a key id as CPIX writes one (a UUID with dashes). */
export const isKeyId = (value: unknown): value is string =>
  typeof value === "string" && UUID.test(value);

/** The 16 bytes of a key id, big-endian as CENC stores a KID. */
export function keyIdBytes(keyId: string): Buffer {
  if (!isKeyId(keyId)) throw new Error(`Not a key id: ${keyId}`);
  return Buffer.from(keyId.replace(/-/g, ""), "hex");
}

/** The key id (lowercase UUID) of 16 KID bytes. */
export function keyIdFromBytes(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`A key id has 16 bytes, not ${bytes.length}`);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A key store whose keys are HMAC-SHA256(secret, [content id, key id]) cut to 16 bytes.
 * The secret is random per process unless given (tests), so keys never repeat across runs.
 */
export function createKeyStore({ secret = randomBytes(32) }: { secret?: Buffer } = {}): KeyStore {
  const issuedIds = new Map<string, Set<string>>();
  const derive = (contentId: string, keyId: string) =>
    createHmac("sha256", secret)
      .update(JSON.stringify([contentId, keyId.toLowerCase()]))
      .digest()
      .subarray(0, 16);
  return {
    issue(contentId, keyId) {
      if (!isKeyId(keyId)) throw new Error(`Not a key id: ${keyId}`);
      const ids = issuedIds.get(contentId) ?? new Set<string>();
      ids.add(keyId.toLowerCase());
      issuedIds.set(contentId, ids);
      return derive(contentId, keyId);
    },
    issued(contentId, keyId) {
      const known = isKeyId(keyId) && issuedIds.get(contentId)?.has(keyId.toLowerCase());
      return known ? derive(contentId, keyId) : undefined;
    },
    keyIds: (contentId) => [...(issuedIds.get(contentId) ?? [])],
  };
}
