/**
 * Exactly one MediaConvert job per upload, with Powertools for AWS Lambda's
 * idempotency utility and a DynamoDB table.
 *
 * MediaConvert's `ClientRequestToken` alone is not enough: MediaConvert honours it for
 * one minute, while Lambda retries a failed event about 1 and then 2 minutes later and
 * S3 may deliver an event more than once, at any time up to Lambda's 6-hour maximum
 * event age. So each upload (bucket, key, version) is recorded before `CreateJob`:
 *
 * - first delivery: a conditional PutItem writes the record INPROGRESS, the job is
 *   created, and an UpdateItem marks it COMPLETED with the job id;
 * - a later delivery, however late (within {@link UPLOAD_RECORD_SECONDS}): the
 *   conditional PutItem fails, and the stored job id is returned without a call;
 * - `CreateJob` fails: the record is deleted, the handler throws, and Lambda's retry
 *   starts afresh;
 * - the invocation dies between the record and `CreateJob` (a crash, a timeout): the
 *   INPROGRESS record carries the invocation's deadline (`in_progress_expiration`, now
 *   plus the Lambda context's remaining time), after which a retry may take it over.
 *   Lambda's first retry comes about a minute after the failure, past that deadline;
 * - a concurrent duplicate, while the record is INPROGRESS and its deadline not past:
 *   Powertools throws `IdempotencyAlreadyInProgressError`. The handler lets the record
 *   fail, so Lambda retries the event later, when the record is COMPLETED (the stored
 *   job is returned) or gone (the first attempt failed, and this one makes the job).
 *
 * One window is left: a crash after MediaConvert created the job and before the record
 * is marked COMPLETED. The retry then makes a second job, unless it lands within
 * MediaConvert's one-minute token window.
 * @see https://docs.aws.amazon.com/powertools/typescript/latest/features/idempotency/
 */
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { CreateJobCommandInput } from "@aws-sdk/client-mediaconvert";
import type { Context } from "aws-lambda";
import {
  IDEMPOTENCY_EXPIRY_ATTRIBUTE,
  IDEMPOTENCY_KEY_ATTRIBUTE,
  IDEMPOTENCY_KEY_PREFIX,
  UPLOAD_RECORD_SECONDS,
} from "../../shared/idempotencyTable";
import type { UploadIdentity } from "./request";

/** What the record keeps of a submitted job (only what can be stored as JSON). */
export interface SubmittedJob {
  readonly jobId?: string;
}

/** A submission's outcome: `duplicate` when the job came from an earlier delivery's record. */
export type SubmissionResult = SubmittedJob & { readonly duplicate?: true };

/** Filled in by the submit function once MediaConvert answered: the job exists. */
export interface JobSent {
  /** MediaConvert accepted the request: the job exists. */
  created: boolean;
  jobId?: string;
  /** SDK retries the call needed (throttling, 5xx). */
  retries: number;
}

/** The one CreateJob call of an upload. */
export type SubmitJob = (
  upload: UploadIdentity,
  request: CreateJobCommandInput,
  sent: JobSent,
) => Promise<SubmittedJob>;

/** Powertools' DynamoDB persistence layer on the idempotency table. */
export function uploadRecordStore(tableName: string, client: DynamoDBClient): BasePersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: IDEMPOTENCY_KEY_ATTRIBUTE,
    expiryAttr: IDEMPOTENCY_EXPIRY_ATTRIBUTE,
  });
}

/**
 * Makes `submit` run at most once per upload: its first argument (the upload) is
 * hashed into the record's key; the others are passed through. Call `begin` with each
 * invocation's Lambda context first: its remaining time bounds the INPROGRESS record.
 */
export function onePerUpload(
  submit: SubmitJob,
  store: BasePersistenceLayer,
): {
  readonly begin: (context: Context) => void;
  readonly submitOnce: (...args: Parameters<SubmitJob>) => Promise<SubmissionResult>;
} {
  const config = new IdempotencyConfig({
    expiresAfterSeconds: UPLOAD_RECORD_SECONDS,
    hashFunction: "sha256",
    // An upload always has a bucket, key and version: a missing key is a bug, not a skip.
    throwOnNoIdempotencyKey: true,
    // Called only when the result comes from a stored record: mark it as a duplicate.
    responseHook: (response) => ({ ...(response as SubmittedJob), duplicate: true }),
  });
  const submitOnce = makeIdempotent(submit, {
    persistenceStore: store,
    config,
    keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    dataIndexArgument: 0,
  }) as (...args: Parameters<SubmitJob>) => Promise<SubmissionResult>;
  return { begin: (context) => config.registerLambdaContext(context), submitOnce };
}

/** Another invocation holds the upload's INPROGRESS record: retry the event later. */
export function isAlreadyInProgress(error: unknown): boolean {
  return (error as Error | undefined)?.name === "IdempotencyAlreadyInProgressError";
}

/** The idempotency store itself failed (reading, writing or deleting a record). */
export function isStoreFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === "IdempotencyPersistenceLayerError";
}
