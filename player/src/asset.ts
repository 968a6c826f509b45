/**
 * The asset's metadata file (`<key>/asset.json`) and what the page does
 * with it: play it, or say why not. Pure.
 */
import type { AssetMetadata } from "../../shared/assetFile";
import type { DrmType } from "../../shared/drm";
import { MESSAGES, PlayerMessage, processingFailed } from "./messages";
import { MediaSource, mimeTypeOf, sameOriginUrl } from "./request";

/** The DRM systems the convert job packages for, as the metadata file names them. */
export type DrmSystem = DrmType;

/** `asset.json`, as the convert and metadata functions write it (one definition for both). */
export type PlayerAsset = AssetMetadata;

/** The encrypted outputs of an asset and the content id its keys were made for. */
export type AssetDrm = NonNullable<AssetMetadata["drm"]>;

/** What to play for an asset. */
export interface AssetPlayback {
  readonly kind: "play";
  readonly poster?: string;
  /** The clear stream; absent when the asset is encrypted only. */
  readonly clear?: MediaSource;
  /** The encrypted streams, when the asset has them: they are preferred. */
  readonly drm?: AssetDrm;
}

export type AssetOutcome =
  AssetPlayback | { readonly kind: "message"; readonly message: PlayerMessage };

/**
 * What a failed fetch of `asset.json` means. S3 answers 403, not 404, for a missing
 * object when the reader (CloudFront's OAI) may not list the bucket, so both mean
 * "not found"; anything else is a transient failure.
 */
export function metadataFetchFailed(status: number): AssetOutcome {
  return {
    kind: "message",
    message: status === 403 || status === 404 ? MESSAGES.notFound : MESSAGES.unavailable,
  };
}

/**
 * Plans playback from the metadata file. URLs in it may be absolute or relative to
 * the file, and must stay on the page's origin.
 */
export function planAsset(raw: unknown, metadataUrl: string, origin: string): AssetOutcome {
  const message = (m: PlayerMessage): AssetOutcome => ({ kind: "message", message: m });
  if (typeof raw !== "object" || raw === null) return message(MESSAGES.unavailable);
  const asset = raw as Partial<PlayerAsset>;
  if (asset.status === "PROCESSING") return message(MESSAGES.processing);
  if (asset.status === "ERROR") return message(processingFailed(asset.error));
  if (asset.status !== undefined && asset.status !== "COMPLETE") {
    return message(MESSAGES.unavailable);
  }

  const local = (url: string | undefined) =>
    url ? sameOriginUrl(url, metadataUrl, origin) : undefined;
  const hls = local(asset.hls);
  const clear = hls ? { src: hls, type: mimeTypeOf(hls) ?? "application/x-mpegURL" } : undefined;
  const drm = asset.drm ? localDrm(asset.drm, local) : undefined;
  if (!clear && !drm) return message(MESSAGES.noStream);
  return { kind: "play", poster: local(asset.thumbnails?.first), clear, drm };
}

function localDrm(
  drm: AssetDrm,
  local: (url: string | undefined) => string | undefined,
): AssetDrm | undefined {
  const dash = local(drm.dash?.url);
  const hls = local(drm.hls?.url);
  if (!drm.contentId || (!dash && !hls)) return undefined;
  return {
    contentId: drm.contentId,
    // Both manifests of a `cmaf` asset list the same `cbcs` segments.
    ...(drm.packaging === "cmaf" ? { packaging: "cmaf" as const } : {}),
    dash: { url: dash ?? "", systems: dash ? (drm.dash.systems ?? []) : [] },
    hls: { url: hls ?? "", systems: hls ? (drm.hls.systems ?? []) : [] },
  };
}
