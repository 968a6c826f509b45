/**
 * What a finished group is made of, written and reported as MediaConvert does: the clear
 * HLS main playlist, Shaka Packager's key options, the content types of the uploads and
 * the COMPLETE event's `outputGroupDetails`. Pure.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_complete.html
 */
import { DRM_SYSTEM_IDS } from "../../shared/drm";
import type { GroupDetailType, PlannedEncryption, PlannedGroup } from "./plan";
import type { ContentKey } from "./speke";

/** What ffprobe read of an output. */
export interface ProbedOutput {
  readonly durationInMs: number;
  readonly width?: number;
  readonly height?: number;
  /** RFC 6381 codec strings (`avc1.4d401e`, `mp4a.40.2`). */
  readonly codecs: readonly string[];
}

/** Content types of the files a job writes, as S3 should serve them to players. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".ts": "video/MP2T",
  ".mpd": "application/dash+xml",
  ".m4s": "video/iso.segment",
  ".mp4": "video/mp4",
  ".jpg": "image/jpeg",
};

export const contentTypeOf = (file: string): string =>
  CONTENT_TYPES[/\.[^.]+$/.exec(file)?.[0] ?? ""] ?? "application/octet-stream";

/**
 * The clear HLS main playlist over the renditions ffmpeg wrote: one variant each, with
 * its nominal bandwidth, codecs and (unless excluded) resolution.
 * @see https://datatracker.ietf.org/doc/html/rfc8216#section-4.3.4.2
 */
export function hlsMainPlaylist(
  main: NonNullable<PlannedGroup["hlsMain"]>,
  probed: readonly ProbedOutput[],
): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"];
  for (const variant of main.variants) {
    const probe = probed[variant.output];
    const attributes = [
      `BANDWIDTH=${variant.bandwidth}`,
      `AVERAGE-BANDWIDTH=${variant.bandwidth}`,
      `CODECS="${probe.codecs.join(",")}"`,
      ...(main.resolution && probe.width ? [`RESOLUTION=${probe.width}x${probe.height}`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(",")}`, variant.playlist);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Shaka Packager's raw-key options for an encrypted group. DASH and CMAF carry the common
 * system's PSSH (so ClearKey can play them locally) and the PSSH boxes the key server
 * gave; FairPlay HLS gets the key server's `skd://` URI, or `skd://<resource id>`.
 */
export function packagerKeyArgs(encryption: PlannedEncryption, key: ContentKey): string[] {
  const dash = encryption.key.systemIds.some((id) => id !== DRM_SYSTEM_IDS.FairPlay);
  const systems = [...(dash ? ["CommonSystem"] : []), ...(encryption.fairPlay ? ["FairPlay"] : [])];
  return [
    "--enable_raw_key_encryption",
    `--keys=label=:key_id=${key.keyIdHex}:key=${key.keyHex}`,
    ...["--protection_scheme", encryption.scheme, "--clear_lead", "0"],
    ...["--protection_systems", systems.join(",")],
    ...(dash && key.psshHex.length ? ["--pssh", key.psshHex.join("")] : []),
    ...(encryption.fairPlay
      ? ["--hls_key_uri", key.hlsKeyUri ?? `skd://${encryption.key.resourceId}`]
      : []),
  ];
}

/** One output group as the COMPLETE event details it. */
export interface OutputGroupDetail {
  readonly type: GroupDetailType;
  readonly playlistFilePaths?: string[];
  readonly outputDetails: Array<{
    outputFilePaths?: string[];
    durationInMs: number;
    videoDetails?: { widthInPx: number; heightInPx: number };
  }>;
}

/**
 * A finished group's details: its main manifests, and per output the file MediaConvert
 * names (variant playlist, MP4, last frame capture), duration and picture size.
 * `lastFrames`: per output, the last frame capture's file name, for frame capture outputs.
 */
export function groupDetail(
  group: PlannedGroup,
  probed: readonly ProbedOutput[],
  lastFrames: ReadonlyArray<string | undefined>,
): OutputGroupDetail {
  const url = (file: string) => `s3://${group.bucket}/${group.folder}${file}`;
  return {
    type: group.type,
    ...(group.playlists.length ? { playlistFilePaths: group.playlists.map(url) } : {}),
    outputDetails: group.outputs.map((output, o) => {
      const { report } = output;
      const file =
        report.kind === "file"
          ? report.file
          : report.kind === "lastFrame"
            ? lastFrames[o]
            : undefined;
      const probe = probed[o];
      return {
        ...(file ? { outputFilePaths: [url(file)] } : {}),
        durationInMs: probe.durationInMs,
        ...(output.video && probe.width && probe.height
          ? { videoDetails: { widthInPx: probe.width, heightInPx: probe.height } }
          : {}),
      };
    }),
  };
}

/**
 * The RFC 6381 codec string of an ffprobe stream: `avc1.<profile><constraints><level>`
 * (x264 sets constraint_set1 for Main, as MediaConvert's `avc1.4d401f` shows), AAC-LC
 * as `mp4a.40.2`.
 */
export function codecString(stream: {
  codec_name?: string;
  profile?: string;
  level?: number;
}): string | undefined {
  if (stream.codec_name === "aac") return "mp4a.40.2";
  if (stream.codec_name !== "h264") return undefined;
  const profiles: Record<string, string> = {
    Baseline: "4200",
    "Constrained Baseline": "42c0",
    Main: "4d40",
    High: "6400",
  };
  const level = (stream.level ?? 30).toString(16).padStart(2, "0");
  return `avc1.${profiles[stream.profile ?? ""] ?? "4d40"}${level}`;
}
