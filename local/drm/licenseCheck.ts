/**
 * What PallyCon's license server decides for one ClearKey license request: is the
 * license token (the `pallycon-customdata-v2` header) one this site issued and still
 * valid, and which of the asked key ids belong to the token's content. Pure.
 *
 * The token is checked as PallyCon documents it (the format is in
 * functions/licenseToken/token.ts): the site id, the hash over the access key and the
 * fields, the timestamp's validity window, and a policy that decrypts with the site key.
 * @see https://pallycon.com/docs/en/multidrm/license/license-token/
 *
 * Refusals are PallyCon-shaped (`{ "errorCode", "message" }`, sent with HTTP 200), but
 * the codes are this stand-in's own names: PallyCon's numeric codes are not published
 * in the documents this follows, so none is imitated.
 */
import { createDecipheriv, timingSafeEqual } from "node:crypto";
import type { DrmType } from "../../shared/drm";
import {
  DRM_TYPES,
  LicenseTokenFields,
  POLICY_IV,
  TOKEN_VALIDITY_SECONDS,
  tokenHash,
} from "../../functions/licenseToken/token";
import type { KeyStore } from "./keyStore";
import { keyIdFromBytes } from "./keyStore";

/** A refusal, as PallyCon's license server sends it (HTTP 200). */
export interface LicenseRefusal {
  readonly errorCode: LicenseErrorCode;
  readonly message: string;
}

/** This stand-in's refusal codes (not PallyCon's numbers). */
export type LicenseErrorCode =
  | "TOKEN_MISSING"
  | "TOKEN_MALFORMED"
  | "SITE_ID_MISMATCH"
  | "HASH_MISMATCH"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "POLICY_INVALID"
  | "DRM_TYPE_MISMATCH"
  | "LICENSE_REQUEST_INVALID"
  | "KEY_NOT_FOUND";

/** The site's credentials, as PallyCon holds them. */
export interface SiteCredentials {
  readonly siteId: string;
  readonly siteKey: string;
  readonly accessKey: string;
}

/** A token that passed every check. */
export interface CheckedToken {
  readonly drmType: DrmType;
  readonly userId: string;
  readonly cid: string;
  readonly policy: Record<string, unknown>;
}

const refusal = (errorCode: LicenseErrorCode, message: string): LicenseRefusal => ({
  errorCode,
  message,
});

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const FIELDS = ["drm_type", "site_id", "user_id", "cid", "policy", "timestamp", "hash"] as const;

/** Checks a license token; the refusal names the first check it fails. */
export function checkLicenseToken(
  token: string | undefined,
  site: SiteCredentials,
  now: Date,
): CheckedToken | LicenseRefusal {
  if (!token) return refusal("TOKEN_MISSING", "No pallycon-customdata-v2 header");
  let fields: LicenseTokenFields;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    const record = (parsed ?? {}) as Record<string, unknown>;
    if (FIELDS.some((field) => typeof record[field] !== "string")) throw new Error();
    fields = parsed as LicenseTokenFields;
  } catch {
    return refusal("TOKEN_MALFORMED", `The token is not base64 JSON with ${FIELDS.join(", ")}`);
  }
  if (!(DRM_TYPES as readonly string[]).includes(fields.drm_type)) {
    return refusal("TOKEN_MALFORMED", `drm_type must be one of ${DRM_TYPES.join(", ")}`);
  }
  if (fields.site_id !== site.siteId) {
    return refusal("SITE_ID_MISMATCH", "The token's site_id is not this site's");
  }
  const expected = Buffer.from(tokenHash(site.accessKey, fields), "utf8");
  const given = Buffer.from(fields.hash, "utf8");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return refusal("HASH_MISMATCH", "The token's hash does not match (access key or fields)");
  }
  if (!TIMESTAMP.test(fields.timestamp) || Number.isNaN(Date.parse(fields.timestamp))) {
    return refusal("TOKEN_MALFORMED", "timestamp must be yyyy-MM-ddTHH:mm:ssZ");
  }
  const issuedAt = Date.parse(fields.timestamp);
  if (issuedAt > now.getTime()) {
    return refusal("TOKEN_NOT_YET_VALID", "The token's timestamp is in the future");
  }
  if (now.getTime() > issuedAt + TOKEN_VALIDITY_SECONDS * 1000) {
    return refusal("TOKEN_EXPIRED", `The token is older than ${TOKEN_VALIDITY_SECONDS} s`);
  }
  const policy = decryptPolicy(fields.policy, site.siteKey);
  if (!policy) {
    return refusal(
      "POLICY_INVALID",
      "The policy does not decrypt with the site key to a v2 policy",
    );
  }
  if (fields.cid === "" || Buffer.byteLength(fields.cid, "utf8") > 200) {
    return refusal("TOKEN_MALFORMED", "cid must be 1–200 bytes");
  }
  return { drmType: fields.drm_type, userId: fields.user_id, cid: fields.cid, policy };
}

/** The policy JSON, or undefined when it does not decrypt to a `policy_version: 2` object. */
function decryptPolicy(policy: string, siteKey: string): Record<string, unknown> | undefined {
  try {
    const decipher = createDecipheriv(
      "aes-256-cbc",
      Buffer.from(siteKey, "ascii"),
      Buffer.from(POLICY_IV, "ascii"),
    );
    const text = Buffer.concat([
      decipher.update(Buffer.from(policy, "base64")),
      decipher.final(),
    ]).toString("utf8");
    const parsed: unknown = JSON.parse(text);
    const record = parsed as Record<string, unknown>;
    if (typeof parsed !== "object" || parsed === null || record.policy_version !== 2) {
      return undefined;
    }
    return record;
  } catch {
    return undefined;
  }
}

/** A ClearKey license request. @see https://www.w3.org/TR/encrypted-media/#clear-key-request-format */
export interface ClearKeyRequest {
  readonly kids: string[];
  readonly type: "temporary" | "persistent-license";
}

/** A ClearKey license. @see https://www.w3.org/TR/encrypted-media/#clear-key-license-format */
export interface ClearKeyLicense {
  readonly keys: { kty: "oct"; kid: string; k: string }[];
  readonly type: ClearKeyRequest["type"];
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The request body as a ClearKey request, or a refusal. */
export function parseClearKeyRequest(body: string): ClearKeyRequest | LicenseRefusal {
  const invalid = refusal(
    "LICENSE_REQUEST_INVALID",
    'The body must be a ClearKey request: {"kids":["<base64url key id>"],"type":"temporary"}',
  );
  try {
    const { kids, type } = JSON.parse(body) as Record<string, unknown>;
    if (type !== "temporary" && type !== "persistent-license") return invalid;
    if (!Array.isArray(kids) || kids.length === 0) return invalid;
    const valid = kids.every(
      (kid) =>
        typeof kid === "string" &&
        BASE64URL.test(kid) &&
        Buffer.from(kid, "base64url").length === 16,
    );
    return valid ? { kids: kids as string[], type } : invalid;
  } catch {
    return invalid;
  }
}

/**
 * The ClearKey license for a checked token: the keys the key store issued for the
 * token's content id, among those asked for. ClearKey stands in for Widevine and
 * PlayReady locally (the same CENC DASH), so only those tokens are accepted.
 */
export function clearKeyLicense(
  token: CheckedToken,
  request: ClearKeyRequest,
  keys: KeyStore,
): ClearKeyLicense | LicenseRefusal {
  if (token.drmType !== "Widevine" && token.drmType !== "PlayReady") {
    return refusal(
      "DRM_TYPE_MISMATCH",
      `A ${token.drmType} token cannot license a ClearKey (Widevine or PlayReady) request`,
    );
  }
  const found = request.kids.flatMap((kid) => {
    const key = keys.issued(token.cid, keyIdFromBytes(Buffer.from(kid, "base64url")));
    return key ? [{ kty: "oct" as const, kid, k: key.toString("base64url") }] : [];
  });
  if (found.length === 0) {
    return refusal("KEY_NOT_FOUND", `No key asked for was issued for content ${token.cid}`);
  }
  return { keys: found, type: request.type };
}

/** Whether an answer is a refusal. */
export const isRefusal = (value: object): value is LicenseRefusal => "errorCode" in value;
