/**
 * The per-asset metadata file, `<prefix>/asset.json`, planned from MediaConvert
 * job state events. Pure: every decision is tested without AWS.
 *
 * - COMPLETE: the full file, built from the event alone.
 * - ERROR: an ERROR file, unless the asset already has a COMPLETE encode.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_complete.html
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_error.html
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/output-file-names-and-paths.html
 */
import {
  assetFileKey,
  CMAF_DASH_MANIFEST_PATH,
  CMAF_HLS_MANIFEST_PATH,
  DASH_MANIFEST_PATH,
  HLS_FAIRPLAY_MANIFEST_PATH,
  HLS_MANIFEST_PATH,
  OUTPUT_LAYOUT,
  outputPrefixFor,
} from "../../shared/outputLayout";
import { assetIdFor, readJobInput, SEQUENCER_METADATA_KEY } from "../common/jobMetadata";
import { decodeSourceFacts, SOURCE_METADATA_KEY } from "../convert/sourceFacts";
import type { AssetMetadata, CompleteAsset, ErrorMarker } from "../../shared/assetFile";
import { isValidContentId } from "../../shared/drm";

export type { AssetMetadata } from "../../shared/assetFile";

/** One output of an output group, as the COMPLETE event describes it. */
interface OutputDetail {
  readonly outputFilePaths?: readonly string[];
  readonly durationInMs?: number;
  readonly videoDetails?: { readonly widthInPx?: number; readonly heightInPx?: number };
}

/** One output group, as the COMPLETE event describes it. */
interface OutputGroupDetail {
  /** `HLS_GROUP`, `DASH_ISO_GROUP`, `FILE_GROUP`, `CMAF_GROUP`, `MS_SMOOTH_GROUP`. */
  readonly type?: string;
  /** The main manifests (HLS, DASH, CMAF); absent for file groups. */
  readonly playlistFilePaths?: readonly string[];
  readonly outputDetails?: readonly OutputDetail[];
}

/** The parts of a "MediaConvert Job State Change" event's detail this function reads. */
export interface JobStateDetail {
  readonly jobId: string;
  readonly status: string;
  readonly timestamp?: number;
  readonly userMetadata?: Record<string, string>;
  readonly outputGroupDetails?: readonly OutputGroupDetail[];
  /** ERROR events only. */
  readonly errorCode?: number;
  readonly errorMessage?: string;
}

/** What the function expects of the jobs it handles. */
export interface MetadataExpectations {
  readonly applicationName: string;
  /** The output bucket. */
  readonly bucket: string;
  /** The playback (CloudFront) domain. */
  readonly domain: string;
}

/** Where to write the COMPLETE file, and what. */
export type MetadataPlan =
  | { readonly action: "skip"; readonly reason: string }
  | { readonly action: "write"; readonly key: string; readonly metadata: CompleteAsset };

/** Where to write the ERROR file, and what. */
export type ErrorPlan =
  | { readonly action: "skip"; readonly reason: string }
  | { readonly action: "write"; readonly key: string; readonly marker: ErrorMarker };

/** `s3://bucket/key` → its bucket and key. */
function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

/** An https URL on the playback domain for an S3 key, each path segment encoded. */
export function playbackUrl(domain: string, key: string): string {
  return `https://${domain}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Frame captures are numbered `.0000000.jpg` onwards. */
const FRAME_NUMBER = /\.(\d{7})\.jpg$/;

/** The manifests a job of this program can write, by the group type that reports them. */
const MANIFESTS = [
  { kind: "hls", type: "HLS_GROUP", path: HLS_MANIFEST_PATH },
  { kind: "hlsFairPlay", type: "HLS_GROUP", path: HLS_FAIRPLAY_MANIFEST_PATH },
  { kind: "dash", type: "DASH_ISO_GROUP", path: DASH_MANIFEST_PATH },
  // One CMAF group reports both of its main manifests.
  { kind: "cmafDash", type: "CMAF_GROUP", path: CMAF_DASH_MANIFEST_PATH },
  { kind: "cmafHls", type: "CMAF_GROUP", path: CMAF_HLS_MANIFEST_PATH },
] as const;
type ManifestKind = (typeof MANIFESTS)[number]["kind"];

interface FoundManifest {
  readonly bucket: string;
  readonly key: string;
  readonly prefix: string;
  readonly group: OutputGroupDetail;
}

/** Every manifest of a known kind the job wrote, with the asset prefix it sits under. */
function findManifests(groups: readonly OutputGroupDetail[]) {
  const found = new Map<ManifestKind, FoundManifest>();
  for (const group of groups) {
    for (const path of group.playlistFilePaths ?? []) {
      const location = parseS3Url(path);
      const manifest = MANIFESTS.find(
        (m) => m.type === group.type && location?.key.endsWith(`/${m.path}`),
      );
      if (!location || !manifest || found.has(manifest.kind)) continue;
      const prefix = location.key.slice(0, -(manifest.path.length + 1));
      found.set(manifest.kind, { ...location, prefix, group });
    }
  }
  return found;
}

/** The video renditions of a streaming group, smallest first. */
function renditionsOf(group: OutputGroupDetail | undefined) {
  const bySize = new Map<string, { width: number; height: number }>();
  for (const { videoDetails } of group?.outputDetails ?? []) {
    const width = videoDetails?.widthInPx ?? 0;
    const height = videoDetails?.heightInPx ?? 0;
    // Audio-only outputs (DASH) have no video details.
    if (width > 0 && height > 0) bySize.set(`${width}x${height}`, { width, height });
  }
  return [...bySize.values()].sort((a, b) => a.height - b.height);
}

/**
 * The upload's facts as the convert function read them (its job's `source` user
 * metadata), for the asset file; nothing when the job carries none (the probe could not
 * tell, or an older job).
 */
function sourceOf(detail: JobStateDetail): Pick<AssetMetadata, "source"> {
  const source = decodeSourceFacts(detail.userMetadata?.[SOURCE_METADATA_KEY]);
  return source ? { source } : {};
}

/**
 * The upload's URL, its asset id and its sequencer, as the job's user metadata carries
 * them (see `../common/jobMetadata`), for the asset file.
 */
function uploadOf(detail: JobStateDetail): Pick<AssetMetadata, "input" | "assetId" | "sequencer"> {
  const metadata = detail.userMetadata;
  const input = readJobInput(metadata);
  const sequencer = metadata?.[SEQUENCER_METADATA_KEY];
  const assetId =
    metadata?.assetId ??
    (input.problem === undefined ? assetIdFor(input.bucket, input.key) : undefined);
  return {
    ...(assetId ? { assetId } : {}),
    ...(input.url !== undefined
      ? { input: input.url }
      : metadata?.input
        ? { input: metadata.input }
        : {}),
    ...(sequencer ? { sequencer } : {}),
  };
}

/**
 * What an event lacks that every MediaConvert job state event has (`detail`,
 * `detail.jobId`, …) or holds unreadably (`detail.timestamp`), or undefined when it is
 * whole.
 */
export function malformedEvent(event: { readonly detail?: unknown } | undefined) {
  const detail = event?.detail as Partial<Record<keyof JobStateDetail, unknown>> | undefined;
  if (typeof detail !== "object" || detail === null) return "no detail";
  if (typeof detail.jobId !== "string" || !detail.jobId) return "no detail.jobId";
  if (typeof detail.status !== "string") return "no detail.status";
  const { timestamp } = detail;
  if (
    timestamp !== undefined &&
    (typeof timestamp !== "number" || Number.isNaN(new Date(timestamp).getTime()))
  ) {
    return `an unreadable detail.timestamp (${JSON.stringify(timestamp)})`;
  }
  if (detail.userMetadata !== undefined && typeof detail.userMetadata !== "object") {
    return "an unreadable detail.userMetadata";
  }
  if (detail.outputGroupDetails !== undefined && !Array.isArray(detail.outputGroupDetails)) {
    return "an unreadable detail.outputGroupDetails";
  }
  return undefined;
}

/** The reason to skip an event of another status or application, if any. */
function otherJob(detail: JobStateDetail, status: string, applicationName: string) {
  if (detail.status !== status) return `job status is ${detail.status}`;
  if (detail.userMetadata?.application !== applicationName) {
    return `job belongs to application ${detail.userMetadata?.application ?? "(none)"}`;
  }
  return undefined;
}

/**
 * Plans the COMPLETE file for a COMPLETE event of this application, under the
 * asset's prefix in the output bucket. The prefix comes from whichever manifest
 * the job wrote (clear HLS, FairPlay HLS, DASH, or the CMAF group's two). Anything
 * else is a skip with a reason.
 */
export function planAssetMetadata(
  detail: JobStateDetail,
  expected: MetadataExpectations,
): MetadataPlan {
  const skip = (reason: string): MetadataPlan => ({ action: "skip", reason });
  const other = otherJob(detail, "COMPLETE", expected.applicationName);
  if (other) return skip(other);

  const groups = detail.outputGroupDetails ?? [];
  const manifests = findManifests(groups);
  const all = [...manifests.values()];
  if (all.length === 0) return skip("the job has no HLS or DASH manifest");
  const foreign = all.find((m) => m.bucket !== expected.bucket);
  if (foreign) return skip(`the job wrote to bucket ${foreign.bucket}`);
  const prefix = all[0].prefix;
  if (all.some((m) => m.prefix !== prefix)) {
    return skip("the job's manifests are under different prefixes");
  }
  const url = (key: string) => playbackUrl(expected.domain, key);

  const clearHls = manifests.get("hls");
  const fairPlay = manifests.get("hlsFairPlay");
  const dash = manifests.get("dash");
  const cmafDash = manifests.get("cmafDash");
  const cmafHls = manifests.get("cmafHls");
  let drm: AssetMetadata["drm"];
  if (fairPlay || dash || cmafDash || cmafHls) {
    const contentId = detail.userMetadata?.contentId;
    const cmaf = cmafDash !== undefined || cmafHls !== undefined;
    if (cmaf && (fairPlay || dash)) {
      return skip("the job has both CMAF and separate DASH/FairPlay manifests");
    }
    const [dashManifest, hlsManifest] = cmaf ? [cmafDash, cmafHls] : [dash, fairPlay];
    if (!dashManifest || !hlsManifest) {
      return skip(
        cmaf
          ? "the job's CMAF group wrote only one of its DASH and HLS manifests"
          : "the job has only one of the DASH and FairPlay manifests",
      );
    }
    if (!contentId || !isValidContentId(contentId)) {
      return skip("the job has DRM outputs but no valid contentId in its user metadata");
    }
    drm = {
      contentId,
      packaging: cmaf ? "cmaf" : "separate",
      dash: { url: url(dashManifest.key), systems: ["Widevine", "PlayReady"] },
      hls: { url: url(hlsManifest.key), systems: ["FairPlay"] },
    };
  }

  const fileOutputs = groups
    .filter((g) => g.type === "FILE_GROUP")
    .flatMap((g) => g.outputDetails ?? [])
    .flatMap((o) => o.outputFilePaths ?? [])
    .map(parseS3Url)
    .filter((location): location is { bucket: string; key: string } => location !== undefined);
  const mp4 = fileOutputs.find((o) => o.key.startsWith(`${prefix}/${OUTPUT_LAYOUT.mp4}`));
  const lastFrame = fileOutputs.find((o) =>
    o.key.startsWith(`${prefix}/${OUTPUT_LAYOUT.thumbnails}`),
  );
  const lastFrameNumber = lastFrame ? FRAME_NUMBER.exec(lastFrame.key)?.[1] : undefined;

  const durations = groups.flatMap((g) => g.outputDetails ?? []).map((o) => o.durationInMs ?? 0);
  const longest = Math.max(0, ...durations);

  return {
    action: "write",
    key: assetFileKey(prefix),
    metadata: {
      status: "COMPLETE",
      jobId: detail.jobId,
      ...uploadOf(detail),
      completedAt: detail.timestamp ? new Date(detail.timestamp).toISOString() : undefined,
      durationSeconds: longest > 0 ? longest / 1000 : undefined,
      hls: clearHls ? url(clearHls.key) : undefined,
      mp4: mp4 ? url(mp4.key) : undefined,
      thumbnails:
        lastFrame && lastFrameNumber
          ? {
              first: url(lastFrame.key.replace(FRAME_NUMBER, ".0000000.jpg")),
              last: url(lastFrame.key),
              count: Number(lastFrameNumber) + 1,
            }
          : undefined,
      // The ladder is the same in every streaming group: take the first that reports it.
      renditions:
        [clearHls, fairPlay, dash, cmafDash]
          .map((manifest) => renditionsOf(manifest?.group))
          .find((renditions) => renditions.length > 0) ?? [],
      ...(drm ? { drm } : {}),
      ...sourceOf(detail),
    },
  };
}

/**
 * Plans the ERROR file for an ERROR event of this application. The event carries
 * no output paths, so the asset's folder is derived again from the upload's key in
 * the job's user metadata, with the same function the convert function used. A job
 * made before the key was encoded carries its input URL as it is, cut at 256
 * characters: a URL that long may be cut short, and the event is skipped, with a reason.
 */
export function planErrorMarker(detail: JobStateDetail, expected: MetadataExpectations): ErrorPlan {
  const skip = (reason: string): ErrorPlan => ({ action: "skip", reason });
  const other = otherJob(detail, "ERROR", expected.applicationName);
  if (other) return skip(other);
  const input = readJobInput(detail.userMetadata);
  if (input.problem !== undefined) return skip(input.problem);
  return {
    action: "write",
    key: assetFileKey(outputPrefixFor(input.key)),
    marker: {
      status: "ERROR",
      jobId: detail.jobId,
      ...uploadOf(detail),
      error: { code: detail.errorCode, message: detail.errorMessage },
      ...sourceOf(detail),
    },
  };
}
