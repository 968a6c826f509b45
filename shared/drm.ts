/**
 * DRM identifiers shared by the packagers (MediaConvert, MediaPackage), the asset
 * metadata, the license tokens and the player.
 */

/**
 * DRM system ids as SPEKE names them.
 * @see https://dashif.org/identifiers/content_protection/
 */
export const DRM_SYSTEM_IDS = {
  Widevine: "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
  PlayReady: "9a04f079-9840-4286-ab92-e65be0885f95",
  FairPlay: "94ce86fb-07ff-4f43-adb8-93d2fa968ca2",
} as const;

/** A DRM by the name PallyCon license tokens use (`drm_type`, case-sensitive). */
export type DrmType = keyof typeof DRM_SYSTEM_IDS;

/**
 * A content id: the SPEKE ResourceId packagers send the KMS, and the `cid` license
 * tokens name. PallyCon allows at most 200 bytes; MediaPackage v2 allows only these
 * characters. Meeting both keeps one id valid everywhere.
 */
export const CONTENT_ID_PATTERN = /^[0-9A-Za-z_-]{1,200}$/;

/** Says what a valid content id is, for error messages. */
export const CONTENT_ID_RULE = "1–200 characters of 0-9, A-Z, a-z, _ and -";

/** Whether a value (from config, a request body or an asset file) is a valid content id. */
export function isValidContentId(value: unknown): value is string {
  return typeof value === "string" && CONTENT_ID_PATTERN.test(value);
}
