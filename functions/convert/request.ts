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
      readonly request: CreateJobCommandInput;
      /** Where the asset's `asset.json` goes in the output bucket. */
      readonly assetFileKey: string;
    };

/**
 * An idempotency token for one upload: the same object version always gives the
 * same token, so a redelivered event returns the job already created, while a
 * new upload to the same key (a new sequencer) gives a new job. UUID-shaped, like
 * the tokens the SDK generates itself.
 */
export function clientRequestToken(bucket: string, key: string, version: string): string {
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
  const { sequencer, eTag, versionId } = record.s3.object;
  const input = `s3://${bucket}/${key}`;
  const assetId = assetIdFor(bucket, key);
  const prefix = outputPrefixFor(key);
  const drm = settings.drm ? { ...settings.drm, contentId: contentIdFor(key) } : undefined;
  return {
    action: "submit",
    key,
    assetFileKey: assetFileKey(prefix),
    request: {
      Role: settings.mediaConvertRoleArn,
      ClientRequestToken: clientRequestToken(bucket, key, sequencer ?? eTag ?? versionId ?? ""),
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
