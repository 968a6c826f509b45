/**
 * Turns one S3 event record into either a logged skip or a CreateJob request.
 * Pure: no I/O, so every decision is tested without AWS.
 */
import { createHash } from "node:crypto";
import type { CreateJobCommandInput } from "@aws-sdk/client-mediaconvert";
import type { S3EventRecord } from "aws-lambda";
import type { ProcessingMarker } from "../shared/assetFile";
import { contentIdFor } from "./contentId";
import { buildJobSettings } from "./jobSettings";
import {
  assetFileKey,
  decodeEventKey,
  isVideoKey,
  MAX_METADATA_INPUT_LENGTH,
  outputPrefixFor,
} from "./objectKey";
import type { ConvertSettings } from "./settings";

/** What to do with one record. */
export type RecordPlan =
  | { readonly action: "skip"; readonly key: string; readonly reason: string }
  | {
      readonly action: "submit";
      readonly key: string;
      /** The upload this job is for: the key of its idempotency record. */
      readonly upload: UploadIdentity;
      readonly request: CreateJobCommandInput;
      /** Where the asset's `asset.json` goes in the output bucket. */
      readonly assetFileKey: string;
    };

/**
 * One upload: an object version, named so that every delivery of its event names it
 * alike and a new upload to the same key does not.
 *
 * `version` is the S3 version id when the bucket versions objects (the source bucket
 * does): it names exactly the bytes MediaConvert will read, and every event about that
 * version carries it. Without versioning (no version id, or `"null"` while versioning
 * is suspended, which every overwrite shares) it is the event's sequencer: the same on
 * a redelivery of one event, different for the next PUT to the key. The ETag is the
 * last resort: equal content then counts as one upload.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export interface UploadIdentity {
  readonly bucket: string;
  /** The decoded object key. */
  readonly key: string;
  /** `version:<id>`, `sequencer:<hex>` or `etag:<etag>`. */
  readonly version: string;
}

/** The identity of the upload an event record describes (its key already decoded). */
export function uploadIdentity(
  bucket: string,
  key: string,
  object: { readonly versionId?: string; readonly sequencer?: string; readonly eTag?: string },
): UploadIdentity {
  const { versionId, sequencer, eTag } = object;
  const version =
    versionId && versionId !== "null"
      ? `version:${versionId}`
      : sequencer
        ? `sequencer:${sequencer}`
        : `etag:${eTag ?? ""}`;
  return { bucket, key, version };
}

/**
 * MediaConvert's idempotency token for one upload: the same upload always gives the
 * same token, a new upload to the same key a new one. UUID-shaped, like the tokens the
 * SDK generates itself.
 *
 * MediaConvert honours a token for one minute only, so it is a second line of defence:
 * the convert function's idempotency record is what stops a late duplicate.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/idempotency.html
 */
export function clientRequestToken({ bucket, key, version }: UploadIdentity): string {
  const hex = createHash("sha256").update(`${bucket}\n${key}\n${version}`).digest("hex");
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join("-");
}

/** A short, stable id for an uploaded object. */
export function assetIdFor(bucket: string, key: string): string {
  return createHash("sha256").update(`${bucket}/${key}`).digest("hex").slice(0, 16);
}

/** Plans one record. */
export function planRecord(record: S3EventRecord, settings: ConvertSettings): RecordPlan {
  const encodedKey = record.s3.object.key;
  const skip = (key: string, reason: string): RecordPlan => ({ action: "skip", key, reason });

  if (!record.eventName?.startsWith("ObjectCreated:")) {
    return skip(encodedKey, `event ${record.eventName} is not an upload`);
  }
  const key = decodeEventKey(encodedKey);
  if (key === undefined) return skip(encodedKey, "the key is not valid URL encoding");
  if (key.endsWith("/")) return skip(key, "a folder marker, not a file");
  if (!isVideoKey(key)) return skip(key, "not a video file suffix");
  if (record.s3.object.size === 0) return skip(key, "the object is empty");

  const bucket = record.s3.bucket.name;
  const upload = uploadIdentity(bucket, key, record.s3.object);
  const input = `s3://${bucket}/${key}`;
  const assetId = assetIdFor(bucket, key);
  const prefix = outputPrefixFor(key);
  const drm = settings.drm ? { ...settings.drm, contentId: contentIdFor(key) } : undefined;
  return {
    action: "submit",
    key,
    upload,
    assetFileKey: assetFileKey(prefix),
    request: {
      Role: settings.mediaConvertRoleArn,
      ClientRequestToken: clientRequestToken(upload),
      StatusUpdateInterval: "SECONDS_60",
      UserMetadata: {
        application: settings.applicationName,
        assetId,
        input: input.slice(0, MAX_METADATA_INPUT_LENGTH),
        // The metadata function records it; the player asks for license tokens with it.
        ...(drm ? { contentId: drm.contentId } : {}),
      },
      Settings: buildJobSettings(input, settings.destinationBucket, prefix, settings.profile, drm),
    },
  };
}

/**
 * The `asset.json` the convert function writes once the job exists, so the player
 * can tell "still processing" from "missing". Built from the job's user metadata.
 */
export function processingMarker(request: CreateJobCommandInput, jobId: string): ProcessingMarker {
  const metadata = request.UserMetadata ?? {};
  return {
    status: "PROCESSING",
    jobId,
    assetId: metadata.assetId,
    input: metadata.input,
    ...(metadata.contentId ? { contentId: metadata.contentId } : {}),
  };
}
