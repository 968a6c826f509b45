/**
 * What the page was asked to play, from its own URL. Pure.
 *
 * - `?asset=<key>`: the metadata of the asset made from the upload `<key>`, at
 *   `/<key>/asset.json` on this origin (the convert function's layout).
 * - `?src=<manifest URL>`: a manifest on this origin, absolute or root-relative.
 */
import { invalidRequest, MESSAGES, PlayerMessage } from "./messages";

/** The metadata file's name under an asset's prefix (the convert job's layout). */
export const ASSET_METADATA_FILE = "asset.json";

export type PageRequest =
  | { readonly kind: "asset"; readonly assetPath: string; readonly metadataUrl: string }
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
    const segments = asset.split("/").filter((segment) => segment !== "");
    if (segments.length === 0 || segments.some((s) => s === "." || s === "..")) {
      return message(invalidRequest("?asset must be the key of an uploaded video."));
    }
    const path = `/${segments.map(encodeURIComponent).join("/")}/${ASSET_METADATA_FILE}`;
    return { kind: "asset", assetPath: segments.join("/"), metadataUrl: new URL(path, page).href };
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
