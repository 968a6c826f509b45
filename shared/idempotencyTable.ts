/**
 * The idempotency table as the convert function and the component that creates it
 * both see it. No imports, so the Pulumi program reads it without loading Powertools.
 *
 * Powertools for AWS Lambda's DynamoDB persistence layer writes one item per upload:
 * `id` (the key), `status` (INPROGRESS, then COMPLETED), `expiration`,
 * `in_progress_expiration` and `data` (the job id).
 * @see https://docs.aws.amazon.com/powertools/typescript/latest/features/idempotency/
 */

/** The partition key, a string: `upload#<SHA-256 of the upload>` (Powertools' default name). */
export const IDEMPOTENCY_KEY_ATTRIBUTE = "id";

/**
 * When a record expires, in seconds since the epoch: the table's TTL attribute
 * (Powertools' default name). Powertools also treats an expired record as absent
 * itself, so DynamoDB's lazy TTL deletion never lets one live longer.
 */
export const IDEMPOTENCY_EXPIRY_ATTRIBUTE = "expiration";

/**
 * Every record's key starts with this, rather than Powertools' default (the function's
 * name), so records survive a renamed or replaced function.
 */
export const IDEMPOTENCY_KEY_PREFIX = "upload";

/**
 * How long an upload's record lasts: 15 days.
 *
 * Lambda drops asynchronous events older than 6 hours (retries included), so every S3
 * redelivery and every Lambda retry arrives well inside that. But events that failed
 * wait 14 days in the dead-letter queue, and an operator may send them again; a record
 * that outlives them means a replayed event whose job exists still makes none. The cost
 * is one small item per upload. A deliberate re-encode of the same version deletes its
 * record first, or uploads again (a new version).
 */
export const UPLOAD_RECORD_SECONDS = 15 * 24 * 60 * 60;
