/**
 * `<prefix>/asset.json`: one small file per asset that the player reads to say
 * "still processing", "ready" (and how to play it) or "failed". No imports, so
 * the player's browser code can share these types.
 *
 * - PROCESSING: written by the convert function once the job exists, only if no
 *   file is there yet.
 * - COMPLETE: written by the metadata function on the job's COMPLETE event.
 * - ERROR: written by the metadata function on the job's ERROR event, unless the
 *   file already describes a COMPLETE (older) encode.
 */

/** Where an asset stands. */
export type AssetStatus = "PROCESSING" | "COMPLETE" | "ERROR";

/** The asset file. Only `status` and `jobId` are always there; read `status` first. */
export interface AssetMetadata {
  readonly status: AssetStatus;
  readonly assetId?: string;
  readonly jobId: string;
  readonly input?: string;
  readonly completedAt?: string;
  readonly durationSeconds?: number;
  /** The clear HLS manifest URL (absent when DRM is on and clear outputs are off). */
  readonly hls?: string;
  readonly mp4?: string;
  readonly thumbnails?: { readonly first: string; readonly last: string; readonly count: number };
  readonly renditions: ReadonlyArray<{ readonly width: number; readonly height: number }>;
  /** For encrypted assets: the manifests and the DRM systems each is packaged for. */
  readonly drm?: {
    /** The SPEKE resource id the keys were made for: the `cid` of license tokens. */
    readonly contentId: string;
    readonly dash: { readonly url: string; readonly systems: ["Widevine", "PlayReady"] };
    readonly hls: { readonly url: string; readonly systems: ["FairPlay"] };
  };
  /** For ERROR: MediaConvert's error code and message. */
  readonly error?: { readonly code?: number; readonly message?: string };
}

/** A COMPLETE asset: everything the player needs. */
export type CompleteAsset = AssetMetadata & { readonly status: "COMPLETE" };

/** Written when the job is submitted. It has no renditions yet. */
export interface ProcessingMarker {
  readonly status: "PROCESSING";
  readonly jobId: string;
  readonly assetId?: string;
  readonly input?: string;
  readonly contentId?: string;
}

/** Written when the job failed. */
export interface ErrorMarker {
  readonly status: "ERROR";
  readonly jobId: string;
  readonly assetId?: string;
  readonly input?: string;
  readonly error: { readonly code?: number; readonly message?: string };
}

/** Any state of the file. */
export type AssetFile = CompleteAsset | ProcessingMarker | ErrorMarker;

/** The file changes as the asset moves on: let CloudFront and browsers keep it only briefly. */
export const ASSET_FILE_CACHE_CONTROL = "max-age=30";
