/**
 * The page's runtime settings: `config.json` next to the page, written at deploy time.
 * Pure: parsed and defaulted here, used by the page and by the deployment.
 */

/**
 * PallyCon's license server (its cloud is also served under the DoveRunner name, at
 * `https://drm-license.doverunner.com`): the stack's `licenseServerUrl` by default.
 */
export const DEFAULT_LICENSE_SERVER_URL = "https://license-global.pallycon.com";
/** A license server origin: https, a host and an optional port, no path. */
export const LICENSE_SERVER_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** The license endpoint of a PallyCon license server, the same for Widevine, PlayReady and FairPlay. */
export const licenseUrlOf = (server: string): string => `${server}/ri/licenseManager.do`;

/** The FairPlay certificate of a PallyCon site on a license server, served as base64 text. */
export const fairplayCertificateUrlOf = (server: string, siteId: string): string =>
  `${server}/ri/fpsKeyManager.do?siteId=${encodeURIComponent(siteId)}`;

/** PallyCon's license endpoint on the default server. */
export const PALLYCON_LICENSE_URL = licenseUrlOf(DEFAULT_LICENSE_SERVER_URL);

/** The FairPlay certificate of a PallyCon site on the default server. */
export const pallyconFairplayCertificateUrl = (siteId: string): string =>
  fairplayCertificateUrlOf(DEFAULT_LICENSE_SERVER_URL, siteId);

/** EME key systems, in the order the page tries them unless `keySystems` says otherwise. */
export const DEFAULT_KEY_SYSTEMS: readonly string[] = [
  "com.widevine.alpha",
  "com.microsoft.playready",
  "com.apple.fps.1_0",
];

/** What `config.json` holds. */
export interface PlayerConfig {
  /**
   * The token service: POST `{ cid, drmType }` answers `{ token }`. Needed for DRM
   * assets. A path (`/token`) is on the page's own origin, as the distribution serves it.
   */
  readonly tokenUrl?: string;
  /**
   * The session service: POST (with the viewer's JWT) answers with CloudFront signed
   * cookies for the media. When set, the page starts a session before it loads
   * anything to play. A path (`/session`) is on the page's own origin, as the
   * distribution serves it; the cookies only work when it is.
   */
  readonly sessionUrl?: string;
  /** Where license requests go. @default PALLYCON_LICENSE_URL */
  readonly licenseUrl?: string;
  /** The FairPlay certificate URL, as {@link pallyconFairplayCertificateUrl}. Needed for FairPlay. */
  readonly fairplayCertificateUrl?: string;
  /** EME key systems in order of preference. @default DEFAULT_KEY_SYSTEMS */
  readonly keySystems?: readonly string[];
}

/** {@link PlayerConfig} with its defaults applied. */
export interface ResolvedPlayerConfig {
  readonly tokenUrl?: string;
  readonly sessionUrl?: string;
  readonly licenseUrl: string;
  readonly fairplayCertificateUrl?: string;
  readonly keySystems: readonly string[];
}

/** Applies the defaults; throws with the field's name when a value has the wrong shape. */
export function resolvePlayerConfig(raw: unknown): ResolvedPlayerConfig {
  const value = (raw ?? {}) as Record<string, unknown>;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new Error("config.json: expected an object");
  }
  const url = (field: string, sameOriginPath = false): string | undefined => {
    const text = value[field];
    if (text === undefined || text === null || text === "") return undefined;
    const allowed = sameOriginPath ? /^(https?:\/\/|\/(?!\/))/ : /^https?:\/\//;
    if (typeof text !== "string" || !allowed.test(text)) {
      throw new Error(
        `config.json: \`${field}\` must be an http(s) URL${sameOriginPath ? " or a path on this origin" : ""}`,
      );
    }
    return text;
  };
  const keySystems = value.keySystems ?? DEFAULT_KEY_SYSTEMS;
  if (
    !Array.isArray(keySystems) ||
    keySystems.length === 0 ||
    !keySystems.every((k) => typeof k === "string")
  ) {
    throw new Error("config.json: `keySystems` must be a non-empty list of key system names");
  }
  return {
    tokenUrl: url("tokenUrl", true),
    sessionUrl: url("sessionUrl", true),
    licenseUrl: url("licenseUrl") ?? PALLYCON_LICENSE_URL,
    fairplayCertificateUrl: url("fairplayCertificateUrl"),
    keySystems,
  };
}
