/**
 * DRM: which key system to use for an asset, and the videojs-contrib-eme source
 * options that send PallyCon's license token with every license request. Pure:
 * network access comes in as a `fetch` function.
 * @see https://pallycon.com/docs/en/multidrm/license/license-token/
 */
import type { AssetDrm, DrmSystem } from "./asset";
import type { ResolvedPlayerConfig } from "./config";
import type { MediaSource } from "./request";

/** The request header PallyCon reads the license token from, for every DRM. */
export const LICENSE_TOKEN_HEADER = "pallycon-customdata-v2";

/** How each key system plays: which encrypted manifest, and the DRM type its token names. */
export interface KeySystemProfile {
  readonly manifest: "dash" | "hls";
  /** The `drmType` asked of the token service. */
  readonly drmType: DrmSystem;
  /** The system the asset must list for its manifest; none for ClearKey. */
  readonly system?: DrmSystem;
}

/**
 * The key systems the page knows. ClearKey decrypts the same CENC DASH stream and is
 * used by the browser tests and the local preview only, never in the default preference
 * list. It stands in for Widevine there: the page asks for a Widevine token, which the
 * token service issues, and the local license server answers it with ClearKey keys.
 */
export const KEY_SYSTEMS: Readonly<Record<string, KeySystemProfile>> = {
  "com.widevine.alpha": { manifest: "dash", drmType: "Widevine", system: "Widevine" },
  "com.microsoft.playready": { manifest: "dash", drmType: "PlayReady", system: "PlayReady" },
  "com.apple.fps.1_0": { manifest: "hls", drmType: "FairPlay", system: "FairPlay" },
  "org.w3.clearkey": { manifest: "dash", drmType: "Widevine" },
};

/** Whether the asset has a stream this key system can decrypt. */
export function assetOffers(drm: AssetDrm, keySystem: string): boolean {
  const profile = KEY_SYSTEMS[keySystem];
  if (!profile) return false;
  const stream = drm[profile.manifest];
  if (!stream.url) return false;
  return profile.system === undefined || stream.systems.includes(profile.system);
}

/**
 * The first key system, in the configured order, that the asset offers and the
 * browser supports. `isSupported` asks the browser (requestMediaKeySystemAccess).
 */
export async function chooseKeySystem(
  preferences: readonly string[],
  drm: AssetDrm,
  isSupported: (keySystem: string) => Promise<boolean>,
): Promise<string | undefined> {
  for (const keySystem of preferences) {
    if (assetOffers(drm, keySystem) && (await isSupported(keySystem))) return keySystem;
  }
  return undefined;
}

/** One media capability of an EME probe. */
export interface ProbeCapability {
  readonly contentType: string;
  /** `cenc` or `cbcs`; absent: any the CDM supports. */
  readonly encryptionScheme?: string;
}

/** What `requestMediaKeySystemAccess` is asked for. */
export interface ProbeConfiguration {
  readonly initDataTypes: readonly string[];
  readonly videoCapabilities: readonly ProbeCapability[];
  readonly audioCapabilities: readonly ProbeCapability[];
}

/** The EME configuration a key system is probed with: H.264 + AAC in CENC fMP4. */
export const PROBE_CONFIGURATION: ProbeConfiguration = {
  initDataTypes: ["cenc"],
  videoCapabilities: [{ contentType: 'video/mp4; codecs="avc1.4d401f"' }],
  audioCapabilities: [{ contentType: 'audio/mp4; codecs="mp4a.40.2"' }],
};

/**
 * The EME configuration to probe a key system with for this asset. A `cmaf` asset is
 * encrypted with `cbcs`, which older CDMs (PlayReady before 4.0, for one) cannot
 * decrypt, so the probe asks for it (EME's `encryptionScheme`), and a key system
 * that cannot is passed over instead of failing at the first segment.
 * @see https://wicg.github.io/encrypted-media-encryption-scheme/
 */
export function probeConfiguration(drm: AssetDrm): ProbeConfiguration {
  if (drm.packaging !== "cmaf") return PROBE_CONFIGURATION;
  const cbcs = (capability: ProbeCapability) => ({ ...capability, encryptionScheme: "cbcs" });
  return {
    ...PROBE_CONFIGURATION,
    videoCapabilities: PROBE_CONFIGURATION.videoCapabilities.map(cbcs),
    audioCapabilities: PROBE_CONFIGURATION.audioCapabilities.map(cbcs),
  };
}

type Callback<T> = (error: unknown, value?: T) => void;

/** videojs-contrib-eme's license request for FairPlay: it passes the content id. */
export type FairPlayGetLicense = (
  emeOptions: unknown,
  contentId: string,
  keyMessage: Uint8Array,
  callback: Callback<Uint8Array>,
) => void;
/** videojs-contrib-eme's license request for the other key systems: the CDM's message only. */
export type StandardGetLicense = (
  emeOptions: unknown,
  keyMessage: ArrayBuffer | Uint8Array,
  callback: Callback<Uint8Array>,
) => void;

/** videojs-contrib-eme's options for one key system. */
export interface KeySystemOptions {
  readonly url?: string;
  readonly licenseHeaders?: Record<string, string>;
  readonly getCertificate?: (emeOptions: unknown, callback: Callback<Uint8Array>) => void;
  readonly getContentId?: (emeOptions: unknown, initData: string) => string;
  readonly getLicense?: FairPlayGetLicense | StandardGetLicense;
}

/**
 * What PallyCon's license server answers instead of a license: HTTP 200 with a JSON
 * body `{ "errorCode", "message" }`, not an HTTP error.
 */
export interface LicenseRefusal {
  readonly errorCode: string;
  readonly message?: string;
}

/**
 * The refusal a license response carries, if it is one: a JSON object with an
 * `errorCode`. A license (binary for Widevine, PlayReady and FairPlay's base64 text;
 * JSON keys for ClearKey) has none.
 */
export function licenseRefusalOf(body: Uint8Array | string): LicenseRefusal | undefined {
  const text =
    typeof body === "string"
      ? body
      : body.length > 0 && body.length <= MAX_REFUSAL_BYTES
        ? new TextDecoder("utf-8", { fatal: false }).decode(body)
        : "";
  if (!/^\s*\{/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || !("errorCode" in parsed)) return undefined;
  const { errorCode, message } = parsed as { errorCode: unknown; message?: unknown };
  if (errorCode === undefined || errorCode === null || errorCode === "") return undefined;
  return {
    errorCode: String(errorCode),
    ...(typeof message === "string" && message !== "" ? { message } : {}),
  };
}

/** An error body is a short JSON object; anything longer is a license. */
const MAX_REFUSAL_BYTES = 4096;

/** A license request the server refused: it carries the server's code and message. */
export class LicenseRefusedError extends Error {
  constructor(readonly licenseRefusal: LicenseRefusal) {
    super(
      `The license server refused the license (error ${licenseRefusal.errorCode}${licenseRefusal.message ? `: ${licenseRefusal.message}` : ""}).`,
    );
    this.name = "LicenseRefusedError";
  }
}

/** A Video.js source with videojs-contrib-eme's `keySystems`. */
export interface ProtectedSource extends MediaSource {
  readonly keySystems: Record<string, KeySystemOptions>;
}

/** The parts of `fetch` the token and license calls use, so tests can pass a fake. */
export type Fetch = (
  url: string,
  init?: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array<ArrayBuffer>;
  },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/**
 * The protected source for a chosen key system. With `cmaf` packaging the DASH and
 * the HLS manifest list the same `cbcs` segments, so the choice of manifest is the same.
 * - Widevine (and ClearKey): the DASH manifest; the CDM's challenge is POSTed to the
 *   license URL with the token header, and a refusal (HTTP 200 with a JSON error) is
 *   reported as a {@link LicenseRefusedError} instead of reaching the CDM.
 * - PlayReady: the DASH manifest; contrib-eme POSTs the challenge it unwraps from the
 *   CDM's XML message, with the token header.
 * - FairPlay: the FairPlay HLS manifest, with PallyCon's text protocol: the
 *   certificate is base64, the license request is the form field `spc`, and the
 *   CKC comes back base64.
 */
export function protectedSource(args: {
  keySystem: string;
  drm: AssetDrm;
  config: ResolvedPlayerConfig;
  token: string;
  fetch: Fetch;
}): ProtectedSource {
  const { keySystem, drm, config, token, fetch } = args;
  const profile = KEY_SYSTEMS[keySystem];
  if (!profile) throw new Error(`unknown key system ${keySystem}`);
  const licenseHeaders = { [LICENSE_TOKEN_HEADER]: token };
  if (profile.manifest === "dash") {
    const getLicense: StandardGetLicense = (_options, keyMessage, callback) => {
      const request = {
        method: "POST",
        headers: { "Content-Type": "application/octet-stream", ...licenseHeaders },
        body: new Uint8Array(keyMessage),
      };
      settle(fetchLicense(fetch, config.licenseUrl, request), callback);
    };
    return {
      src: drm.dash.url,
      type: "application/dash+xml",
      keySystems: {
        [keySystem]:
          keySystem === "com.microsoft.playready"
            ? { url: config.licenseUrl, licenseHeaders }
            : { url: config.licenseUrl, licenseHeaders, getLicense },
      },
    };
  }

  const certificateUrl = config.fairplayCertificateUrl;
  if (!certificateUrl) throw new Error("FairPlay needs `fairplayCertificateUrl` in config.json");
  return {
    src: drm.hls.url,
    type: "application/x-mpegURL",
    keySystems: {
      [keySystem]: {
        getCertificate: (_options, callback) => {
          settle(fetchText(fetch, certificateUrl).then(base64ToBytes), callback);
        },
        getContentId: (_options, initData) => fairplayContentId(initData),
        getLicense: ((_options, _contentId, keyMessage, callback) => {
          const request = {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded", ...licenseHeaders },
            body: `spc=${encodeURIComponent(bytesToBase64(keyMessage))}`,
          };
          const ckc = fetchText(fetch, config.licenseUrl, request).then((text) => {
            const refusal = licenseRefusalOf(text);
            if (refusal) throw new LicenseRefusedError(refusal);
            return base64ToBytes(text);
          });
          settle(ckc, callback);
        }) satisfies FairPlayGetLicense,
      },
    },
  };
}

/** FairPlay's content id: the key URI (`skd://<id>`) from the init data, without its scheme. */
export function fairplayContentId(initData: string): string {
  // The init data is the skd:// URI, sometimes with stray NULs or spaces around it.
  const uri = initData.replace(/[\u0000\s]/g, "");
  return uri.replace(/^skd:\/\//, "");
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64.trim());
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function fetchText(fetch: Fetch, url: string, init?: Parameters<Fetch>[1]): Promise<string> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.text();
}

/** A license's bytes, or a {@link LicenseRefusedError} when the server answered with an error. */
async function fetchLicense(
  fetch: Fetch,
  url: string,
  init: Parameters<Fetch>[1],
): Promise<Uint8Array> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const license = new Uint8Array(await response.arrayBuffer());
  const refusal = licenseRefusalOf(license);
  if (refusal) throw new LicenseRefusedError(refusal);
  return license;
}

function settle<T>(promise: Promise<T>, callback: Callback<T>): void {
  promise.then(
    (value) => callback(null, value),
    (error: unknown) => callback(error),
  );
}
