/**
 * PallyCon license tokens, as the player sends them in the `pallycon-customdata-v2`
 * header of each license request. Pure: the same input always gives the same token.
 *
 * token  = base64(JSON{drm_type, site_id, user_id, cid, policy, timestamp, hash})
 * policy = base64(AES-256-CBC(policy JSON, key = site key, IV = "0123456789abcdef", PKCS7))
 * hash   = base64(SHA-256(access key + drm type + site id + user id + cid + policy + timestamp))
 *
 * @see https://pallycon.com/docs/en/multidrm/license/license-token/
 */
import { createCipheriv, createHash } from "node:crypto";
import { CONTENT_ID_RULE, DRM_SYSTEM_IDS, DrmType, isValidContentId } from "../../shared/drm";
import { LicensePolicy, SITE_ID_PATTERN, SITE_KEY_LENGTH } from "../../shared/pallyCon";

export type { DrmType } from "../../shared/drm";

/** The DRM systems a token can be issued for, spelled as PallyCon expects (case-sensitive). */
export const DRM_TYPES = Object.keys(DRM_SYSTEM_IDS) as readonly DrmType[];

/** The fixed IV PallyCon uses for the policy's AES-256-CBC encryption. */
export const POLICY_IV = "0123456789abcdef";
/** How long PallyCon accepts a token after its timestamp (the console can change it). */
export const TOKEN_VALIDITY_SECONDS = 600;

/** What a token is made from. */
export interface LicenseTokenInput {
  readonly drmType: DrmType;
  readonly siteId: string;
  /** Secret: encrypts the policy. */
  readonly siteKey: string;
  /** Secret: authenticates the token through its hash. */
  readonly accessKey: string;
  /** Who the license is for: PallyCon logs it and counts licenses by it. */
  readonly userId: string;
  /** The content id the asset was packaged with (its SPEKE Resource ID). */
  readonly cid: string;
  readonly policy: LicensePolicy;
  /** When the token becomes valid; it is accepted for {@link TOKEN_VALIDITY_SECONDS} after. */
  readonly timestamp: Date;
}

/** The token's JSON, before base64. */
export interface LicenseTokenFields {
  readonly drm_type: DrmType;
  readonly site_id: string;
  readonly user_id: string;
  readonly cid: string;
  readonly policy: string;
  readonly timestamp: string;
  readonly hash: string;
}

/** A token input that breaks PallyCon's rules. Names the field, never its value. */
export class LicenseTokenError extends Error {
  constructor(
    public readonly field: keyof LicenseTokenInput,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = "LicenseTokenError";
  }
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Throws a {@link LicenseTokenError} for the first field that is not valid. */
export function validateLicenseTokenInput(input: LicenseTokenInput): void {
  const { drmType, siteId, siteKey, accessKey, userId, cid, policy, timestamp } = input;
  const fail = (field: keyof LicenseTokenInput, message: string): never => {
    throw new LicenseTokenError(field, message);
  };
  if (!(DRM_TYPES as readonly unknown[]).includes(drmType)) {
    fail("drmType", `must be one of ${DRM_TYPES.join(", ")} (case-sensitive)`);
  }
  if (typeof siteId !== "string" || !SITE_ID_PATTERN.test(siteId)) {
    fail("siteId", "must be the 4 uppercase letters or digits PallyCon issued");
  }
  if (
    typeof siteKey !== "string" ||
    siteKey.length !== SITE_KEY_LENGTH ||
    !PRINTABLE_ASCII.test(siteKey)
  ) {
    fail("siteKey", `must be exactly ${SITE_KEY_LENGTH} ASCII characters`);
  }
  if (typeof accessKey !== "string" || accessKey.trim() === "") {
    fail("accessKey", "must not be empty");
  }
  if (typeof userId !== "string" || userId.trim() === "") {
    fail("userId", "must not be empty");
  }
  if (!isValidContentId(cid)) fail("cid", `must be ${CONTENT_ID_RULE}`);
  if (typeof policy !== "object" || policy === null || Array.isArray(policy)) {
    fail("policy", "must be a JSON object");
  }
  if (!(timestamp instanceof Date) || Number.isNaN(timestamp.getTime())) {
    fail("timestamp", "must be a valid Date");
  }
  const year = timestamp.getUTCFullYear();
  if (year < 1970 || year > 9999) fail("timestamp", "must be between 1970 and 9999");
}

/** `yyyy-MM-ddTHH:mm:ssZ` in UTC, without milliseconds. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The policy JSON encrypted with the site key, as standard base64. */
export function encryptPolicy(policy: LicensePolicy, siteKey: string): string {
  const cipher = createCipheriv(
    "aes-256-cbc",
    Buffer.from(siteKey, "ascii"),
    Buffer.from(POLICY_IV, "ascii"),
  );
  // Node's default padding is PKCS#7.
  return Buffer.concat([cipher.update(JSON.stringify(policy), "utf8"), cipher.final()]).toString(
    "base64",
  );
}

/** The token's integrity hash: base64 of the raw SHA-256 digest, in PallyCon's field order. */
export function tokenHash(accessKey: string, fields: Omit<LicenseTokenFields, "hash">): string {
  const message =
    accessKey +
    fields.drm_type +
    fields.site_id +
    fields.user_id +
    fields.cid +
    fields.policy +
    fields.timestamp;
  return createHash("sha256").update(message, "utf8").digest("base64");
}

/** The token's fields, validated, before base64. */
export function licenseTokenFields(input: LicenseTokenInput): LicenseTokenFields {
  validateLicenseTokenInput(input);
  const unsigned = {
    drm_type: input.drmType,
    site_id: input.siteId,
    user_id: input.userId,
    cid: input.cid,
    policy: encryptPolicy(input.policy, input.siteKey),
    timestamp: formatTimestamp(input.timestamp),
  };
  return { ...unsigned, hash: tokenHash(input.accessKey, unsigned) };
}

/**
 * A PallyCon license token: the base64 string a player sends with its license
 * requests. Throws a {@link LicenseTokenError} naming the first invalid field.
 */
export function createLicenseToken(input: LicenseTokenInput): string {
  return Buffer.from(JSON.stringify(licenseTokenFields(input)), "utf8").toString("base64");
}
