/**
 * Turns one S3 event record into either a logged skip or a CreateJob request, in two
 * steps around the probe of the upload (see `./probe`): {@link screenRecord} decides
 * from the event alone, {@link planJob} builds the request from the screened upload and
 * what the probe found. Pure: no I/O, so every decision is tested without AWS.
 */
import { createHash } from "node:crypto";
import type { CreateJobCommandInput } from "@aws-sdk/client-mediaconvert";
import type { S3EventRecord } from "aws-lambda";
import type { ErrorMarker, ProcessingMarker, SourceFacts } from "../../shared/assetFile";
import {
  assetIdFor,
  inputMetadata,
  readJobInput,
  SEQUENCER_METADATA_KEY,
  userMetadataProblems,
} from "../common/jobMetadata";
import { contentIdFor } from "./contentId";
import { buildJobSettings } from "./jobSettings";
import {
  assetFileKey,
  decodeEventKey,
  isVideoKey,
  outputPrefixFor,
} from "../../shared/outputLayout";
import type { ConvertEnvironment } from "./environment";
import { decodeSourceFacts, encodeSourceFacts, SOURCE_METADATA_KEY } from "./sourceFacts";

export { assetIdFor } from "../common/jobMetadata";

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

/** An upload worth probing: the event says it is a new, non-empty object with a video suffix. */
export interface ScreenedUpload {
  readonly action: "probe";
  /** The decoded object key. */
  readonly key: string;
  readonly bucket: string;
  readonly upload: UploadIdentity;
  /** The object version the event is about, as the event names it. */
  readonly object: {
    readonly versionId?: string;
    /** Orders the events of one key: the later upload has the greater sequencer. */
    readonly sequencer?: string;
  };
}

/** What to do with one record before looking into the object. */
export type Screening =
  | { readonly action: "skip"; readonly key: string; readonly reason: string }
  | { readonly action: "malformed"; readonly missing: string }
  | ScreenedUpload;

/**
 * What a record lacks that every S3 event record has (`s3.bucket.name`, …), or
 * undefined when it has it all.
 */
function missingFrom(record: S3EventRecord | undefined): string | undefined {
  if (typeof record !== "object" || record === null) return "the record";
  if (typeof record.s3 !== "object" || record.s3 === null) return "s3";
  if (typeof record.s3.bucket?.name !== "string") return "s3.bucket.name";
  if (typeof record.s3.object?.key !== "string") return "s3.object.key";
  if (typeof record.eventName !== "string") return "eventName";
  return undefined;
}

/** Screens one record from the event alone: a skip, or an upload to probe. */
export function screenRecord(record: S3EventRecord): Screening {
  const missing = missingFrom(record);
  if (missing) return { action: "malformed", missing };
  const encodedKey = record.s3.object.key;
  const skip = (key: string, reason: string): Screening => ({ action: "skip", key, reason });

  if (!record.eventName?.startsWith("ObjectCreated:")) {
    return skip(encodedKey, `event ${record.eventName} is not an upload`);
  }
  const key = decodeEventKey(encodedKey);
  if (key === undefined) return skip(encodedKey, "the key is not valid URL encoding");
  if (key.endsWith("/")) return skip(key, "a folder marker, not a file");
  if (!isVideoKey(key)) return skip(key, "not a video file suffix");
  if (record.s3.object.size === 0) return skip(key, "the object is empty");

  const bucket = record.s3.bucket.name;
  const { versionId, sequencer } = record.s3.object;
  return {
    action: "probe",
    key,
    bucket,
    upload: uploadIdentity(bucket, key, record.s3.object),
    object: { versionId, sequencer },
  };
}

/** The event's sequencer, when it is one (hex digits): it orders the uploads of one key. */
function sequencerOf(screened: ScreenedUpload): { sequencer?: string } {
  const { sequencer } = screened.object;
  return sequencer && /^[0-9A-Fa-f]{1,64}$/.test(sequencer) ? { sequencer } : {};
}

/**
 * The job for a screened upload. `source`: what the probe found, to which every video
 * output is fitted and which the job's user metadata carries to the asset file; without
 * it (the probe was inconclusive), the configured sizes as they stand.
 */
export function planJob(
  screened: ScreenedUpload,
  settings: ConvertEnvironment,
  source?: SourceFacts,
): Extract<RecordPlan, { action: "submit" }> {
  const { key, bucket, upload } = screened;
  const input = `s3://${bucket}/${key}`;
  const prefix = outputPrefixFor(key);
  const drm = settings.drm ? { ...settings.drm, contentId: contentIdFor(key) } : undefined;
  const { sequencer } = sequencerOf(screened);
  // At most 4 pairs and 6 parts of the input: MediaConvert takes 10 (see ../common/jobMetadata).
  const userMetadata: Record<string, string> = {
    application: settings.applicationName,
    // The metadata function records it; the player asks for license tokens with it.
    ...(drm ? { contentId: drm.contentId } : {}),
    // The metadata function puts it in the COMPLETE and ERROR asset files.
    ...(source ? { [SOURCE_METADATA_KEY]: encodeSourceFacts(source) } : {}),
    // The metadata function's writes never let an older upload's job replace a newer one's.
    ...(sequencer ? { [SEQUENCER_METADATA_KEY]: sequencer } : {}),
    // The exact upload (its asset id and folder follow from it), always valid as metadata.
    ...inputMetadata(bucket, key),
  };
  checkUserMetadata(userMetadata);
  return {
    action: "submit",
    key,
    upload,
    assetFileKey: assetFileKey(prefix),
    request: {
      Role: settings.mediaConvertRoleArn,
      ClientRequestToken: clientRequestToken(upload),
      StatusUpdateInterval: "SECONDS_60",
      ...settings.queue,
      UserMetadata: userMetadata,
      Settings: buildJobSettings(
        input,
        settings.destinationBucket,
        prefix,
        settings.profile,
        drm,
        source,
      ),
    },
  };
}

/** Plans one record as if its probe found `source` (or was inconclusive). */
export function planRecord(
  record: S3EventRecord,
  settings: ConvertEnvironment,
  source?: SourceFacts,
): RecordPlan {
  const screened = screenRecord(record);
  if (screened.action === "malformed") throw new Error(`the record has no ${screened.missing}`);
  return screened.action === "skip" ? screened : planJob(screened, settings, source);
}

/**
 * MediaConvert's rules on user metadata, checked before CreateJob would refuse the job
 * (every value here is valid by construction, the application name aside: this guards
 * the configuration and future edits).
 */
function checkUserMetadata(metadata: Record<string, string>): void {
  const problems = userMetadataProblems(metadata);
  if (problems.length > 0) {
    throw new Error(`the job's user metadata breaks MediaConvert's rules: ${problems.join("; ")}`);
  }
}

/**
 * The `asset.json` the convert function writes once the job exists, so the player
 * can tell "still processing" from "missing". Built from the job's user metadata.
 */
export function processingMarker(request: CreateJobCommandInput, jobId: string): ProcessingMarker {
  const metadata = request.UserMetadata ?? {};
  const input = readJobInput(metadata);
  return {
    status: "PROCESSING",
    jobId,
    ...(input.problem === undefined
      ? { assetId: assetIdFor(input.bucket, input.key), input: input.url }
      : {}),
    ...(metadata.contentId ? { contentId: metadata.contentId } : {}),
    ...sourceOf(metadata),
    ...(metadata[SEQUENCER_METADATA_KEY] ? { sequencer: metadata[SEQUENCER_METADATA_KEY] } : {}),
  };
}

/** The source facts a job's user metadata carries, as an asset file field. */
function sourceOf(metadata: Record<string, string>): { source?: SourceFacts } {
  const source = decodeSourceFacts(metadata[SOURCE_METADATA_KEY]);
  return source ? { source } : {};
}

/**
 * The ERROR `asset.json` for an upload the convert function refused after reading it
 * (not a video): no job was made, and the message says why, so the player says
 * "could not be processed" instead of "missing".
 */
export function rejectedUploadMarker(screened: ScreenedUpload, reason: string): ErrorMarker {
  return {
    status: "ERROR",
    assetId: assetIdFor(screened.bucket, screened.key),
    input: `s3://${screened.bucket}/${screened.key}`,
    error: { message: `The upload is not a video MediaConvert can transcode: ${reason}.` },
    ...sequencerOf(screened),
  };
}

/** Where a screened upload's asset file goes. */
export const assetFileKeyFor = (screened: ScreenedUpload): string =>
  assetFileKey(outputPrefixFor(screened.key));
