/**
 * What the page was asked to play, from its own URL. Pure.
 *
 * - `?asset=<key>`: the metadata of the asset made from the upload `<key>` (URL-encoded),
 *   at `/<folder>/asset.json` on this origin, where `<folder>` is the key itself or its
 *   stand-in, by the rule the convert function follows (`outputPrefixFor`).
 * - `?src=<manifest URL>`: a manifest on this origin, absolute or root-relative.
 */
import { assetFileKeyForUpload, OUTPUT_LAYOUT } from "../../shared/outputLayout";
import { invalidRequest, MESSAGES, PlayerMessage } from "./messages";

/** The metadata file's name under an asset's prefix (the convert job's layout). */
export const ASSET_METADATA_FILE = OUTPUT_LAYOUT.metadata;

export type PageRequest =
  | {
      readonly kind: "asset";
      /** The upload's key, as given: what the session service is asked for. */
      readonly key: string;
      /** The asset's folder in the output bucket: the key, or its stand-in. */
      readonly assetPath: string;
      readonly metadataUrl: string;
    }
  | { readonly kind: "source"; readonly source: MediaSource }
  | { readonly kind: "message"; readonly message: PlayerMessage };

/** A manifest or file Video.js can play, with its MIME type. */
export interface MediaSource {
  readonly src: string;
  readonly type: string;
}

const MIME_TYPES: Record<string, string> = {
  m3u8: "application/x-mpegURL",
  mpd: "application/dash+xml",
  mp4: "video/mp4",
};

/** The MIME type Video.js needs for a URL, from its extension; undefined when unknown. */
export function mimeTypeOf(url: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return extension ? MIME_TYPES[extension] : undefined;
}

/**
 * Resolves `url` against `base` and keeps it only when it stays on `origin`: the
 * page's CSP allows media from its own origin, so anything else could not play.
 */
export function sameOriginUrl(url: string, base: string, origin: string): string | undefined {
  try {
    const resolved = new URL(url, base);
    return resolved.origin === origin ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

/** Parses the page's URL into what to play, or the message to show instead. */
export function parsePageRequest(pageUrl: string): PageRequest {
  const page = new URL(pageUrl);
  const asset = page.searchParams.get("asset");
  const src = page.searchParams.get("src");
  if (asset && src) return message(invalidRequest("Use either ?asset or ?src, not both."));

  if (asset !== null) {
    if (asset === "" || asset.endsWith("/")) {
      return message(invalidRequest("?asset must be the key of an uploaded video."));
    }
    // The folder has no empty, `.` or `..` segment: it stays where it is in the bucket.
    const file = assetFileKeyForUpload(asset);
    const path = `/${file.split("/").map(encodeURIComponent).join("/")}`;
    const assetPath = file.slice(0, -(ASSET_METADATA_FILE.length + 1));
    return { kind: "asset", key: asset, assetPath, metadataUrl: new URL(path, page).href };
  }

  if (src !== null) {
    const url = sameOriginUrl(src, page.href, page.origin);
    if (!url) return message(invalidRequest("?src must be a manifest on this site."));
    const type = mimeTypeOf(url);
    if (!type)
      return message(invalidRequest("?src must be an HLS (.m3u8) or DASH (.mpd) manifest."));
    return { kind: "source", source: { src: url, type } };
  }

  return message(MESSAGES.noRequest);
}

const message = (m: PlayerMessage): PageRequest => ({ kind: "message", message: m });
