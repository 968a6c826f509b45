/**
 * S3 object keys: decoding them from events, deciding which are videos, and
 * deriving where an upload's outputs go. Runs in the functions and in the player's
 * browser code alike (no Node built-ins), so both find an asset's folder with one rule.
 */
import { sha256Hex, utf8Length } from "./sha256";

/**
 * Upload suffixes that start a job, in lower case (a key's suffix matches in any case):
 * the containers MediaConvert reads that users upload.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/reference-codecs-containers-input.html
 */
export const VIDEO_SUFFIXES: readonly string[] = [
  ".mp4",
  ".m4v",
  ".mov",
  ".mkv",
  ".webm",
  ".mxf",
  ".mpg",
  ".mpeg",
  ".m2ts",
  ".ts",
  ".mts",
  ".wmv",
  ".avi",
  ".flv",
  ".3gp",
];

/** Where each output sits under an asset's prefix. */
export const OUTPUT_LAYOUT = {
  /** MediaConvert appends `.m3u8` (and `_<height>.m3u8` for each rendition). */
  hls: "hls/index",
  /** MediaConvert appends `.mp4`. */
  mp4: "mp4/video",
  /** MediaConvert appends `.0000000.jpg`, `.0000001.jpg`, … */
  thumbnails: "thumbnails/thumb",
  /** DRM: Widevine + PlayReady DASH. MediaConvert appends `.mpd` (and `_<height>`, `_audio` for the outputs). */
  dash: "dash/index",
  /** DRM: FairPlay HLS. MediaConvert appends `.m3u8`, as for the clear HLS. */
  hlsFairPlay: "hls-fairplay/index",
  /**
   * DRM with `cmaf` packaging: one set of fMP4 segments (`cbcs`) and two manifests over
   * them, both written by the one CMAF group. MediaConvert appends `.mpd` (Widevine +
   * PlayReady) and `.m3u8` (FairPlay), and `_<height>`, `_audio` for the outputs.
   */
  cmaf: "cmaf/index",
  /** The asset's status and playback file: PROCESSING from the convert function, then COMPLETE or ERROR. */
  metadata: "asset.json",
} as const;

/** The HLS main manifest, relative to the asset's prefix. */
export const HLS_MANIFEST_PATH = `${OUTPUT_LAYOUT.hls}.m3u8`;
/** The DRM DASH manifest, relative to the asset's prefix. */
export const DASH_MANIFEST_PATH = `${OUTPUT_LAYOUT.dash}.mpd`;
/** The FairPlay HLS main manifest, relative to the asset's prefix. */
export const HLS_FAIRPLAY_MANIFEST_PATH = `${OUTPUT_LAYOUT.hlsFairPlay}.m3u8`;

/** The CMAF DASH manifest (Widevine + PlayReady), relative to the asset's prefix. */
export const CMAF_DASH_MANIFEST_PATH = `${OUTPUT_LAYOUT.cmaf}.mpd`;
/** The CMAF HLS main manifest (FairPlay), over the same segments as the DASH one. */
export const CMAF_HLS_MANIFEST_PATH = `${OUTPUT_LAYOUT.cmaf}.m3u8`;

/**
 * How an encrypted asset is packaged (`vodDrmPackaging`):
 * - `separate`: a DASH group (Widevine + PlayReady, CENC `cenc`) and an HLS group
 *   (FairPlay, SAMPLE-AES TS): the ladder is encoded and stored twice;
 * - `cmaf`: one CMAF group, `cbcs`, whose DASH manifest signals Widevine + PlayReady
 *   and whose HLS manifest signals FairPlay, over the same fMP4 segments.
 */
export const DRM_PACKAGINGS = ["separate", "cmaf"] as const;
export type DrmPackaging = (typeof DRM_PACKAGINGS)[number];
/** The seed's two groups, until CMAF is proven on every target device. */
export const DEFAULT_DRM_PACKAGING: DrmPackaging = "separate";

/** The asset file's key for an output prefix. */
export const assetFileKey = (prefix: string): string => `${prefix}/${OUTPUT_LAYOUT.metadata}`;

/**
 * The asset file's key for an upload's key: where the convert function and the metadata
 * function write it, and where the player reads it for `?asset=<key>`.
 */
export const assetFileKeyForUpload = (key: string): string => assetFileKey(outputPrefixFor(key));

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** Room kept for the longest name MediaConvert writes under the prefix (`/hls/index_1080_<date>_00001.ts`). */
const OUTPUT_NAME_BUDGET = 96;
export const MAX_PREFIX_BYTES = MAX_KEY_BYTES - OUTPUT_NAME_BUDGET;

/**
 * Decodes a key as S3 event notifications carry it: form-encoded, so `+` is a
 * space and everything else is `%XX`. Returns undefined for a malformed escape.
 */
export function decodeEventKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/** Whether a key names a video MediaConvert should transcode (case-insensitive). */
export function isVideoKey(key: string): boolean {
  const lower = key.toLowerCase();
  return !key.endsWith("/") && VIDEO_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

// `$` starts MediaConvert format identifiers such as `$dt$`; the others break
// S3 URLs or URLs built from the key. Everything else, unicode included, is kept.
const UNSAFE_CHARACTERS = /[$#?%+&\\:*"<>|{}^`\[\]~\u0000-\u001f\u007f]/g;

/**
 * The prefix an upload's outputs go under, its asset's folder: the upload's key itself,
 * extension included, so `movie.mp4` and `movie.mov` in one folder stay apart.
 * `trailers/My Movie.mp4` → `trailers/My Movie.mp4`, whose clear HLS is
 * `trailers/My Movie.mp4/hls/index.m3u8`.
 *
 * A key that cannot be a prefix as it is gets a readable stand-in: characters
 * MediaConvert or URLs treat specially become `_`, as do empty, `.` and `..` segments,
 * and a key too long to leave room for MediaConvert's file names is cut on a character
 * boundary. Such a prefix ends with `~` and 8 hex digits of the key's SHA-256, so two
 * keys never share one: a key used as it is has no `~`, which is always replaced.
 */
export function outputPrefixFor(key: string): string {
  const readable = key
    .replace(UNSAFE_CHARACTERS, "_")
    .split("/")
    // Empty, `.` and `..` segments would make odd or escaping S3 paths.
    .map((segment) => (segment === "" || segment === "." || segment === ".." ? "_" : segment))
    .join("/");
  if (readable === key && utf8Length(key) <= MAX_PREFIX_BYTES) return key;

  const suffix = `~${sha256Hex(key).slice(0, 8)}`;
  let cut = "";
  let bytes = suffix.length;
  for (const character of readable) {
    bytes += utf8Length(character);
    if (bytes > MAX_PREFIX_BYTES) break;
    cut += character;
  }
  return `${cut}${suffix}`;
}
