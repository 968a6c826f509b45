/**
 * The shape of a planned job: what each output group writes and the ffmpeg and Shaka
 * Packager runs that write it. Paths are relative to the job's work folder: the input
 * under `input/`, each group's finished files under `out/<group>/` (uploaded to its
 * destination folder as they are named), intermediate files under `tmp/<group>/`.
 */
import type { AudioWire, Rotate, VideoWire } from "./encodeArgs";

/** MediaConvert's output group types, as COMPLETE events name them. */
export type GroupDetailType = "HLS_GROUP" | "DASH_ISO_GROUP" | "CMAF_GROUP" | "FILE_GROUP";

/** One ffmpeg or Shaka Packager run, its arguments after the program name. */
export type Step =
  | { readonly tool: "ffmpeg"; readonly args: readonly string[] }
  | { readonly tool: "packager"; readonly args: readonly string[] };

/** A SPEKE v1 key request for one group: the content key and the DRM systems to signal. */
export interface KeyRequest {
  readonly resourceId: string;
  readonly url: string;
  readonly systemIds: readonly string[];
}

/** How a group is encrypted: the key to ask for and how Shaka Packager applies it. */
export interface PlannedEncryption {
  readonly key: KeyRequest;
  /** `cenc` (AES-CTR, DASH CENC_V1) or `cbcs` (AES-CBC subsamples: SAMPLE_AES). */
  readonly scheme: "cenc" | "cbcs";
  /** FairPlay signalled in HLS: an `skd://` key URI (playable in Safari only). */
  readonly fairPlay: boolean;
}

/** What the COMPLETE event reports of an output. */
export type OutputReport =
  /** A file, relative to the group's output folder (a variant playlist, the MP4). */
  | { readonly kind: "file"; readonly file: string }
  /** The last of the numbered frame captures `<prefix>NNNNNNN.jpg`. */
  | { readonly kind: "lastFrame"; readonly prefix: string }
  /** Nothing: DASH and CMAF outputs report no file of their own. */
  | { readonly kind: "none" };

export interface PlannedOutput {
  readonly nameModifier: string;
  readonly video?: VideoWire;
  readonly audio?: AudioWire;
  readonly report: OutputReport;
  /** A file to read the output's duration and picture size from, relative to the work folder. */
  readonly probeFile: string;
}

/** One variant of the HLS main playlist the stand-in writes itself (clear HLS). */
export interface HlsVariant {
  readonly playlist: string;
  readonly output: number;
  readonly bandwidth: number;
}

export interface PlannedGroup {
  readonly type: GroupDetailType;
  /** `s3://bucket/folder/` the group's files are written under. */
  readonly bucket: string;
  readonly folder: string;
  /** The destination's file name part, to which name modifiers are appended. */
  readonly base: string;
  readonly outputs: readonly PlannedOutput[];
  /** The group's main manifests, relative to its output folder, as the event lists them. */
  readonly playlists: readonly string[];
  /** Clear HLS: the main playlist to write once the renditions exist. */
  readonly hlsMain?: {
    readonly file: string;
    readonly variants: readonly HlsVariant[];
    readonly resolution: boolean;
  };
  readonly encryption?: PlannedEncryption;
  readonly steps: readonly Step[];
}

export interface JobPlan {
  readonly input: {
    readonly bucket: string;
    readonly key: string;
    /** Where the runner puts the downloaded input, relative to the work folder. */
    readonly file: string;
    readonly rotate?: Rotate;
  };
  readonly groups: readonly PlannedGroup[];
  /** What the local outputs do differently from MediaConvert's, for GetJob and the events. */
  readonly warnings: readonly string[];
}
