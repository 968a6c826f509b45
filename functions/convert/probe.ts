/**
 * Probing an upload before its job: MediaInfo (mediainfo.js, WebAssembly) reads the
 * object's first megabytes through ranged S3 GETs, never the whole file, and says
 * what the upload is: its frame size, display aspect ratio, rotation, duration,
 * codecs and container. The ladder is fitted to that (see `fitLadder`).
 *
 * Three outcomes:
 * - a video: the facts the job and the asset file use;
 * - rejected: not a video MediaConvert should get (a text file renamed `.mp4`, an
 *   audio-only file, an image): a logged skip, never a failed job;
 * - inconclusive: the read budget ran out before MediaInfo found the video track (a
 *   very large MP4 index at the end of the file), or MediaInfo failed on the file:
 *   the job is made with the configured ladder as it stands, and MediaConvert decides.
 *
 * An S3 failure (throttling, 5xx, access denied) is neither: it throws, so Lambda
 * retries the event.
 * @see https://mediaarea.net/en/MediaInfo
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Range)
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { SourceFacts } from "../../shared/assetFile";
import { MIN_FRAME_SIDE } from "../../shared/ladder";

/** The WebAssembly file mediainfo.js loads, shipped beside the bundled handler. */
export const MEDIAINFO_WASM = "MediaInfoModule.wasm";

/** How much of an upload a probe may read. */
export interface ProbeLimits {
  /** Bytes per ranged GET (MediaInfo's chunk size). */
  readonly chunkBytes: number;
  /** Bytes read in all, at most. */
  readonly maxBytes: number;
  /** Ranged GETs, at most. */
  readonly maxRequests: number;
}

/**
 * 512 KiB a request, at most 12 requests and 4 MiB. An MP4 or QuickTime file with its
 * index (`moov`) first is read in 1–8 requests, one with the index at the end (phones)
 * in a request for the start, one or more for the index, then MediaInfo's look at the
 * first frames until the budget ends; Matroska, WebM and MPEG-TS give their tracks in
 * the first chunk. 4 MiB holds the index of a film of about two hours. Each request is
 * one S3 GET, and what is read is never the bulk of a large upload.
 */
export const PROBE_LIMITS: ProbeLimits = {
  chunkBytes: 512 * 1024,
  maxBytes: 4 * 1024 * 1024,
  maxRequests: 12,
};

/** What a probe cost. */
export interface ProbeStats {
  /** Ranged GETs made. */
  readonly requests: number;
  /** Bytes those GETs returned. */
  readonly bytes: number;
  /** The object's size. */
  readonly objectBytes: number;
  /** MediaInfo asked for more than the budget allowed. */
  readonly truncated: boolean;
  /** Wall time of the probe, loading MediaInfo excluded. */
  readonly ms: number;
  /** Loading and compiling MediaInfo's WebAssembly: only on the probe that did it. */
  readonly loadMs?: number;
}

/** What a probe found. */
export type ProbeOutcome =
  | { readonly kind: "video"; readonly source: SourceFacts; readonly stats: ProbeStats }
  | { readonly kind: "rejected"; readonly reason: string; readonly stats: ProbeStats }
  | { readonly kind: "missing"; readonly reason: string; readonly stats: ProbeStats }
  | { readonly kind: "inconclusive"; readonly reason: string; readonly stats: ProbeStats };

/** Probes one uploaded object. Throws only for failures worth a retry (S3's). */
export type SourceProbe = (object: {
  readonly bucket: string;
  readonly key: string;
}) => Promise<ProbeOutcome>;

/** One track of MediaInfo's report (its `object` format): the fields this module reads. */
export interface MediaInfoTrack {
  readonly "@type": string;
  readonly [field: string]: unknown;
}
/** MediaInfo's report. */
export interface MediaInfoReport {
  readonly media?: { readonly track?: readonly MediaInfoTrack[] } | null;
}

/** What the report means for the job. */
export type Interpretation =
  | { readonly kind: "video"; readonly source: SourceFacts }
  | { readonly kind: "rejected" | "inconclusive"; readonly reason: string };

const numeric = (value: unknown): number | undefined => {
  const parsed = typeof value === "number" ? value : Number(value);
  return value !== undefined && value !== null && value !== "" && Number.isFinite(parsed)
    ? parsed
    : undefined;
};

/**
 * The rotation MediaConvert honours: within one degree of 90, 180 or 270 (anything else
 * it does not apply, so neither does the ladder).
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-prop-videoselector-rotate
 */
function quarterRotation(value: unknown): SourceFacts["rotation"] {
  const degrees = numeric(value) ?? 0;
  const turned = ((degrees % 360) + 360) % 360;
  for (const rotation of [90, 180, 270] as const) {
    if (Math.abs(turned - rotation) <= 1) return rotation;
  }
  return 0;
}

/**
 * Reads MediaInfo's report. `truncated`: the budget cut the read short, so a missing
 * video track may only be further in the file.
 */
export function interpretReport(
  report: MediaInfoReport,
  { truncated }: { truncated: boolean },
): Interpretation {
  const tracks = report.media?.track ?? [];
  const general = tracks.find((t) => t["@type"] === "General");
  const video = tracks.find((t) => t["@type"] === "Video");
  const audio = tracks.find((t) => t["@type"] === "Audio");
  const format = typeof general?.Format === "string" ? general.Format : undefined;

  if (!video) {
    if (truncated) {
      return { kind: "inconclusive", reason: "no video track in the part of the file read" };
    }
    if (audio) {
      return { kind: "rejected", reason: `no video track: an audio-only ${format ?? "file"}` };
    }
    if (format) return { kind: "rejected", reason: `no video track: a ${format} file` };
    return { kind: "rejected", reason: "not a media file: MediaInfo recognises no format in it" };
  }
  const width = numeric(video.Width);
  const height = numeric(video.Height);
  if (!width || !height) {
    return { kind: "inconclusive", reason: "the video track has no frame size" };
  }
  const pixelAspect = numeric(video.PixelAspectRatio);
  const displayAspectRatio = pixelAspect
    ? (width * pixelAspect) / height
    : (numeric(video.DisplayAspectRatio) ?? width / height);
  const shortSide = Math.min(height, Math.round(height * displayAspectRatio));
  if (shortSide < MIN_FRAME_SIDE) {
    return {
      kind: "rejected",
      reason: `the picture is ${width}x${height}: smaller than ${MIN_FRAME_SIDE} px, MediaConvert's smallest frame`,
    };
  }
  const duration = numeric(general?.Duration) ?? numeric(video.Duration);
  const audioFormat = typeof audio?.Format === "string" ? audio.Format : undefined;
  // MediaInfo names QuickTime files `MPEG-4` with the profile `QuickTime`.
  const container = general?.Format_Profile === "QuickTime" ? "QuickTime" : (format ?? "unknown");
  return {
    kind: "video",
    source: {
      width,
      height,
      displayAspectRatio,
      rotation: quarterRotation(video.Rotation),
      ...(duration !== undefined && duration > 0 ? { durationSeconds: duration } : {}),
      videoCodec: typeof video.Format === "string" ? video.Format : "unknown",
      ...(audioFormat ? { audioCodec: audioFormat } : {}),
      container,
    },
  };
}

/** An S3 failure while MediaInfo read: it ends the analysis, and is rethrown as it was. */
class SourceReadFailed extends Error {
  constructor(readonly failure: unknown) {
    super("the upload could not be read from S3");
  }
}

interface ServiceError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}
const statusOf = (error: unknown) => (error as ServiceError | undefined)?.$metadata?.httpStatusCode;

/** `bytes 0-524287/20202645` → 20202645. */
function totalOf(contentRange: string | undefined): number | undefined {
  const match = /^bytes \d+-\d+\/(\d+)$/.exec(contentRange ?? "");
  return match ? Number(match[1]) : undefined;
}

/**
 * Ranged reads of one object within the limits, as MediaInfo asks for them. Every GET
 * after the first carries `If-Match` with the first one's ETag, so an object replaced
 * mid-probe fails the probe (412) instead of mixing two uploads. Chunks already read
 * are served again from memory (MediaInfo goes back to the start of an MP4's media
 * data after reading its index at the end).
 */
class BudgetedReader {
  requests = 0;
  bytes = 0;
  truncated = false;
  private etag: string | undefined;
  private readonly chunks: Array<{ offset: number; data: Uint8Array }> = [];

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly limits: ProbeLimits,
  ) {}

  /** The object's size, from the first GET's Content-Range (its bytes are kept). */
  async open(): Promise<number> {
    const { data, total } = await this.get(0, this.limits.chunkBytes);
    this.chunks.push({ offset: 0, data });
    return total;
  }

  async read(size: number, offset: number): Promise<Uint8Array> {
    const held = this.chunks.find((c) => offset >= c.offset && offset < c.offset + c.data.length);
    if (held) return held.data.subarray(offset - held.offset, offset - held.offset + size);
    const allowed = Math.min(size, this.limits.maxBytes - this.bytes);
    if (this.requests >= this.limits.maxRequests || allowed <= 0) {
      // An empty chunk ends MediaInfo's analysis: it reports what it has found.
      this.truncated = true;
      return new Uint8Array(0);
    }
    const { data } = await this.get(offset, allowed);
    this.chunks.push({ offset, data });
    return data;
  }

  private async get(offset: number, length: number) {
    this.requests++;
    try {
      const response = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Range: `bytes=${offset}-${offset + length - 1}`,
          ...(this.etag ? { IfMatch: this.etag } : {}),
        }),
      );
      const total = totalOf(response.ContentRange);
      if (total === undefined) {
        // Not S3's behaviour: do not read a whole object that was meant to be read in parts.
        (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new Error(
          `S3 answered a ranged GET without Content-Range (${response.ContentRange})`,
        );
      }
      const data = (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
      this.etag ??= response.ETag;
      this.bytes += data.length;
      return { data, total };
    } catch (error) {
      throw new SourceReadFailed(error);
    }
  }
}

/** A MediaInfo instance: one analysis at a time. */
interface MediaInfoInstance {
  analyzeData(
    size: () => Promise<number>,
    readChunk: (size: number, offset: number) => Promise<Uint8Array>,
  ): Promise<MediaInfoReport>;
}

/**
 * A probe with MediaInfo over ranged S3 GETs. MediaInfo's WebAssembly (`wasmPath`) is
 * loaded on the first probe, not at cold start: the function's init stays as fast as the
 * SDK clients', and the first probe reports the load in `loadMs`.
 */
export function mediaInfoProbe(
  s3: S3Client,
  { wasmPath, limits = PROBE_LIMITS }: { wasmPath: string; limits?: ProbeLimits },
): SourceProbe {
  let instance: Promise<MediaInfoInstance> | undefined;
  /** Analyses run one after another: a MediaInfo instance refuses a second at once. */
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<MediaInfoInstance> {
    const { default: mediaInfoFactory } = await import("mediainfo.js");
    return (await mediaInfoFactory({
      format: "object",
      chunkSize: limits.chunkBytes,
      locateFile: () => wasmPath,
    })) as unknown as MediaInfoInstance;
  }

  async function probe({ bucket, key }: { bucket: string; key: string }): Promise<ProbeOutcome> {
    let loadMs: number | undefined;
    if (!instance) {
      const loadStarted = performance.now();
      instance = load();
      // A failed load is retried by the next probe; this one throws (Lambda retries).
      instance.catch(() => (instance = undefined));
      await instance;
      loadMs = performance.now() - loadStarted;
    }
    const mediaInfo = await instance;
    const started = performance.now();
    const reader = new BudgetedReader(s3, bucket, key, limits);
    let objectBytes = 0;
    const stats = (): ProbeStats => ({
      requests: reader.requests,
      bytes: reader.bytes,
      objectBytes,
      truncated: reader.truncated,
      ms: performance.now() - started,
      ...(loadMs !== undefined ? { loadMs } : {}),
    });

    let report: MediaInfoReport;
    try {
      report = await mediaInfo.analyzeData(
        async () => (objectBytes = await reader.open()),
        (size, offset) => reader.read(size, offset),
      );
    } catch (error) {
      if (!(error instanceof SourceReadFailed)) {
        // MediaInfo itself failed (an aborted WebAssembly instance is not reused).
        instance = undefined;
        return {
          kind: "inconclusive",
          reason: `MediaInfo failed on the file: ${(error as Error).message}`,
          stats: stats(),
        };
      }
      const failure = error.failure;
      const status = statusOf(failure);
      if (status === 404) {
        return {
          kind: "missing",
          reason: "the object is gone (deleted since the upload)",
          stats: stats(),
        };
      }
      // S3 refuses any range of an empty object.
      if (status === 416)
        return { kind: "rejected", reason: "the object is empty", stats: stats() };
      throw failure;
    }
    const meaning = interpretReport(report, { truncated: reader.truncated });
    return { ...meaning, stats: stats() };
  }

  return (object) => {
    const run = queue.then(() => probe(object));
    queue = run.catch(() => undefined);
    return run;
  };
}
