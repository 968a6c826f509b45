/**
 * `<prefix>/asset.json`: one small file per asset that the player reads to say
 * "still processing", "ready" (and how to play it) or "failed". The player's
 * browser code shares these types, so this module imports types only.
 *
 * - PROCESSING: written by the convert function once the job exists, over an earlier
 *   job's PROCESSING or ERROR but not over a COMPLETE encode.
 * - COMPLETE: written by the metadata function on the job's COMPLETE event.
 * - ERROR: written by the metadata function on the job's ERROR event, unless the
 *   file describes a COMPLETE encode or a later job's PROCESSING; or by the convert
 *   function, only if no file is there yet, for an upload it refused (not a video).
 *
 * None of them replaces the file of a job made for a newer upload of the key (a
 * greater `sequencer`). `statusFile.ts` decides and writes, with S3's conditional
 * writes.
 */
import type { DrmType } from "./drm";
import type { DrmPackaging } from "./outputLayout";

/**
 * What the convert function read from the upload before it made the job (with
 * MediaInfo, from the first megabytes of the object), and what the ladder was fitted
 * to. Absent when the upload could not be read that far.
 */
export interface SourceFacts {
  /** The stored picture's width, in pixels (before rotation). */
  readonly width: number;
  /** The stored picture's height, in pixels (before rotation). */
  readonly height: number;
  /** Width over height of the stored picture as displayed (pixel aspect ratio applied), before rotation. */
  readonly displayAspectRatio: number;
  /** The display rotation the container asks for, in degrees: 0, 90, 180 or 270. */
  readonly rotation: 0 | 90 | 180 | 270;
  /** Absent when the container does not say (or says only far beyond what was read). */
  readonly durationSeconds?: number;
  /** As MediaInfo names it: `AVC`, `HEVC`, `ProRes`, `VP9`, … */
  readonly videoCodec: string;
  /** As MediaInfo names it (`AAC`, `AC-3`, …); absent for a source without sound. */
  readonly audioCodec?: string;
  /** As MediaInfo names it: `MPEG-4`, `QuickTime`, `Matroska`, `MPEG-TS`, … */
  readonly container: string;
}

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
    /**
     * `separate`: the DASH and HLS manifests have segments of their own (CENC `cenc`
     * fMP4, SAMPLE-AES TS). `cmaf`: both manifests list the same `cbcs` fMP4 segments.
     * Absent in files written before the option: `separate`.
     */
    readonly packaging?: DrmPackaging;
    /** DASH: Widevine and PlayReady (CENC `cenc`, or `cbcs` when `packaging` is cmaf). */
    readonly dash: { readonly url: string; readonly systems: readonly DrmType[] };
    /** HLS: FairPlay (SAMPLE-AES TS, or `cbcs` fMP4 when `packaging` is cmaf). */
    readonly hls: { readonly url: string; readonly systems: readonly DrmType[] };
  };
  /** For ERROR: MediaConvert's error code and message. */
  readonly error?: { readonly code?: number; readonly message?: string };
  /** The upload as the convert function read it: what the renditions were fitted to. */
  readonly source?: SourceFacts;
  /**
   * The S3 event sequencer of the upload the file describes: of two uploads to one key,
   * the later has the greater (left-padded with zeros); absent for older files.
   */
  readonly sequencer?: string;
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
  readonly source?: SourceFacts;
  /**
   * The S3 event sequencer of the upload the file describes: of two uploads to one key,
   * the later has the greater (left-padded with zeros); absent for older files.
   */
  readonly sequencer?: string;
}

/**
 * Written when the job failed, or when the convert function refused the upload (a
 * file that is not a video): then there is no job, and `error.message` says why.
 */
export interface ErrorMarker {
  readonly status: "ERROR";
  /** Absent when no job was made. */
  readonly jobId?: string;
  readonly assetId?: string;
  readonly input?: string;
  readonly error: { readonly code?: number; readonly message?: string };
  readonly source?: SourceFacts;
  /**
   * The S3 event sequencer of the upload the file describes: of two uploads to one key,
   * the later has the greater (left-padded with zeros); absent for older files.
   */
  readonly sequencer?: string;
}

/** Any state of the file. */
export type AssetFile = CompleteAsset | ProcessingMarker | ErrorMarker;

/** The file changes as the asset moves on: let CloudFront and browsers keep it only briefly. */
export const ASSET_FILE_CACHE_CONTROL = "max-age=30";
