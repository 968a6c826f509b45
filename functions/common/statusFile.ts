/**
 * Writing an asset's `asset.json` so that a state never gives way to an older one.
 *
 * The convert function writes PROCESSING once it made a job (and ERROR for an upload it
 * refused); the metadata function writes ERROR when a job fails, and COMPLETE when one
 * succeeds. A status write goes where there is no file (`If-None-Match: *`). Where there
 * is one, the file is read, and replaced only if {@link statusMayReplace} allows it and
 * only if it did not change since it was read (`If-Match: <etag>`). Writing first needs
 * no s3:ListBucket: without it, reading a missing object answers 403, not 404.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ASSET_FILE_CACHE_CONTROL, AssetFile } from "../../shared/assetFile";
import { isConditionalConflict, isNoSuchKey, isPreconditionFailed } from "./conditionalWrite";

/** Whether a write may replace the file there, and if not, why. */
export type ReplaceDecision =
  { readonly replace: true } | { readonly replace: false; readonly reason: string };

/** The status a job's write brings. */
export interface JobStatus {
  readonly status: "PROCESSING" | "ERROR" | "COMPLETE";
  readonly jobId: string;
  /** The S3 event sequencer of the upload the job was made for, when known. */
  readonly sequencer?: string;
}

/**
 * Orders two S3 event sequencers of one key: negative when `a` is the earlier upload.
 * "The sequencers can be of different lengths. So, to compare these values, first left
 * pad the shorter value with zeros, and then do a lexicographical comparison."
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, "0");
  const right = b.toUpperCase().padStart(width, "0");
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Whether a job's status may replace the asset file there now (its body).
 *
 * - A job for an older upload (a smaller sequencer) never replaces the file of a newer
 *   upload's job: a late event of an earlier job changes nothing.
 * - A COMPLETE file is an earlier encode that still plays: PROCESSING and ERROR keep it
 *   until the next COMPLETE replaces it.
 * - PROCESSING for a new job replaces an earlier job's PROCESSING or ERROR: the convert
 *   function makes a job only for an upload it has not seen, so a re-upload after a
 *   failed encode says PROCESSING again.
 * - ERROR or COMPLETE for a job replaces that job's PROCESSING and any ERROR, but not
 *   another job's PROCESSING unless that job is for an older upload: without the
 *   sequencers to say so, that job was made later, for a newer upload, and is at work.
 * - The same status for the same job is already there.
 * - A file that is not JSON is not ours to keep.
 */
export function statusMayReplace(current: string, write: JobStatus): ReplaceDecision {
  let file: { status?: unknown; jobId?: unknown; sequencer?: unknown } | undefined;
  try {
    file = JSON.parse(current);
  } catch {
    return { replace: true };
  }
  const job = typeof file?.jobId === "string" ? file.jobId : undefined;
  const order =
    typeof file?.sequencer === "string" && write.sequencer
      ? compareSequencers(write.sequencer, file.sequencer)
      : undefined;
  if (order !== undefined && order < 0) {
    return {
      replace: false,
      reason: `job ${write.jobId} is for an older upload than job ${job}, which the file describes`,
    };
  }
  if (file?.status === write.status && job === write.jobId) {
    return { replace: false, reason: `it already says ${write.status} for job ${job}` };
  }
  if (file?.status === "COMPLETE" && write.status !== "COMPLETE") {
    return {
      replace: false,
      reason: `the asset has a COMPLETE encode (job ${job}) that still plays`,
    };
  }
  if (
    write.status !== "PROCESSING" &&
    file?.status === "PROCESSING" &&
    job &&
    job !== write.jobId &&
    !(order !== undefined && order > 0)
  ) {
    return { replace: false, reason: `job ${job}, made later, is processing the asset` };
  }
  return { replace: true };
}

/** Puts the asset file as the player reads it, with S3's `condition`. */
export function putAssetFile(
  s3: S3Client,
  bucket: string,
  key: string,
  file: AssetFile,
  condition: { readonly IfNoneMatch?: "*"; readonly IfMatch?: string } = {},
) {
  return s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(file, null, 2),
      ContentType: "application/json",
      CacheControl: ASSET_FILE_CACHE_CONTROL,
      ...condition,
    }),
  );
}

/** Read-and-write rounds before a status write gives up, the file changing under it. */
export const STATUS_WRITE_ROUNDS = 3;

/** What became of a status write. */
export type StatusWriteOutcome =
  | { readonly written: true; readonly replaced: boolean }
  | { readonly written: false; readonly reason: string };

/**
 * Writes a status file where there is none, or, if `mayReplace` is given and allows it,
 * over the file there. Throws on any other S3 error, and once the file changed under
 * the write {@link STATUS_WRITE_ROUNDS} times.
 */
export async function writeStatusFile(
  s3: S3Client,
  bucket: string,
  key: string,
  file: AssetFile,
  mayReplace?: (current: string) => ReplaceDecision,
): Promise<StatusWriteOutcome> {
  for (let round = 1; round <= STATUS_WRITE_ROUNDS; round++) {
    try {
      await putAssetFile(s3, bucket, key, file, { IfNoneMatch: "*" });
      return { written: true, replaced: false };
    } catch (error) {
      if (!isPreconditionFailed(error) && !isConditionalConflict(error)) throw error;
      if (!mayReplace) {
        return {
          written: false,
          reason: isPreconditionFailed(error)
            ? "an asset.json already exists (an earlier encode of this key)"
            : "another write to asset.json was under way",
        };
      }
    }
    let current: { body: string; etag: string | undefined };
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      current = { body: (await object.Body?.transformToString()) ?? "", etag: object.ETag };
    } catch (error) {
      // Deleted since the write was refused: start over.
      if (isNoSuchKey(error)) continue;
      throw error;
    }
    const decision = mayReplace(current.body);
    if (!decision.replace) return { written: false, reason: decision.reason };
    if (!current.etag) throw new Error(`S3 returned no ETag for ${key}`);
    try {
      await putAssetFile(s3, bucket, key, file, { IfMatch: current.etag });
      return { written: true, replaced: true };
    } catch (error) {
      // Changed since it was read (the job's COMPLETE, say): read it again.
      if (!isPreconditionFailed(error) && !isConditionalConflict(error)) throw error;
    }
  }
  throw new Error(`${key} kept changing during ${STATUS_WRITE_ROUNDS} rounds; retrying later`);
}
