/**
 * The per-asset metadata file: what a player needs to know about a finished job.
 * Pure: built from the MediaConvert COMPLETE event alone.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_complete.html
 */
import { HLS_MANIFEST_PATH, OUTPUT_LAYOUT } from "../convert/objectKey";

/** The parts of a "MediaConvert Job State Change" event's detail this function reads. */
export interface JobStateDetail {
  readonly jobId: string;
  readonly status: string;
  readonly timestamp?: number;
  readonly userMetadata?: Record<string, string>;
  readonly outputGroupDetails?: ReadonlyArray<{
    readonly type?: string;
    readonly playlistFilePaths?: readonly string[];
    readonly outputDetails?: ReadonlyArray<{
      readonly outputFilePaths?: readonly string[];
      readonly durationInMs?: number;
      readonly videoDetails?: { readonly widthInPx?: number; readonly heightInPx?: number };
    }>;
  }>;
}

/** The JSON written to `<prefix>/asset.json`. */
export interface AssetMetadata {
  readonly assetId?: string;
  readonly jobId: string;
  readonly input?: string;
  readonly completedAt?: string;
  readonly durationSeconds?: number;
  readonly hls: string;
  readonly mp4?: string;
  readonly thumbnails?: { readonly first: string; readonly last: string; readonly count: number };
  readonly renditions: ReadonlyArray<{ readonly width: number; readonly height: number }>;
}

/** Where to write the file, and what. */
export type MetadataPlan =
  | { readonly action: "skip"; readonly reason: string }
  | { readonly action: "write"; readonly key: string; readonly metadata: AssetMetadata };

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

/**
 * Plans the metadata file for a COMPLETE event of this application, writing to
 * the asset's prefix in the output bucket. Anything else is a skip with a reason.
 */
export function planAssetMetadata(
  detail: JobStateDetail,
  expected: { applicationName: string; bucket: string; domain: string },
): MetadataPlan {
  const skip = (reason: string): MetadataPlan => ({ action: "skip", reason });
  if (detail.status !== "COMPLETE") return skip(`job status is ${detail.status}`);
  if (detail.userMetadata?.application !== expected.applicationName) {
    return skip(`job belongs to application ${detail.userMetadata?.application ?? "(none)"}`);
  }

  const groups = detail.outputGroupDetails ?? [];
  const playlist = groups.find((g) => g.type === "HLS_GROUP")?.playlistFilePaths?.[0];
  const manifest = playlist ? parseS3Url(playlist) : undefined;
  const manifestSuffix = `/${HLS_MANIFEST_PATH}`;
  if (!manifest || !manifest.key.endsWith(manifestSuffix))
    return skip("the job has no HLS manifest");
  if (manifest.bucket !== expected.bucket)
    return skip(`the job wrote to bucket ${manifest.bucket}`);
  const prefix = manifest.key.slice(0, -manifestSuffix.length);
  const url = (key: string) => playbackUrl(expected.domain, key);

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

  const hlsOutputs = groups.find((g) => g.type === "HLS_GROUP")?.outputDetails ?? [];
  const durations = groups.flatMap((g) => g.outputDetails ?? []).map((o) => o.durationInMs ?? 0);
  const longest = Math.max(0, ...durations);

  return {
    action: "write",
    key: `${prefix}/${OUTPUT_LAYOUT.metadata}`,
    metadata: {
      assetId: detail.userMetadata?.assetId,
      jobId: detail.jobId,
      input: detail.userMetadata?.input,
      completedAt: detail.timestamp ? new Date(detail.timestamp).toISOString() : undefined,
      durationSeconds: longest > 0 ? longest / 1000 : undefined,
      hls: url(manifest.key),
      mp4: mp4 ? url(mp4.key) : undefined,
      thumbnails:
        lastFrame && lastFrameNumber
          ? {
              first: url(lastFrame.key.replace(FRAME_NUMBER, ".0000000.jpg")),
              last: url(lastFrame.key),
              count: Number(lastFrameNumber) + 1,
            }
          : undefined,
      renditions: hlsOutputs
        .map((o) => ({
          width: o.videoDetails?.widthInPx ?? 0,
          height: o.videoDetails?.heightInPx ?? 0,
        }))
        .filter((r) => r.width > 0 && r.height > 0)
        .sort((a, b) => a.height - b.height),
    },
  };
}
