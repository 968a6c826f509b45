/**
 * S3 conditional writes (`If-None-Match: *`, `If-Match: <etag>`): how their
 * refusals look through the AWS SDK.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */

interface ServiceError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** 412 Precondition Failed: the object exists (`If-None-Match`) or changed (`If-Match`). */
export function isPreconditionFailed(error: unknown): boolean {
  const e = error as ServiceError | undefined;
  return e?.name === "PreconditionFailed" || e?.$metadata?.httpStatusCode === 412;
}

/** 409 ConditionalRequestConflict: another write to the key raced this one; try again. */
export function isConditionalConflict(error: unknown): boolean {
  const e = error as ServiceError | undefined;
  return e?.name === "ConditionalRequestConflict" || e?.$metadata?.httpStatusCode === 409;
}

/** 404 NoSuchKey: the object is not there (also 403 without s3:ListBucket). */
export function isNoSuchKey(error: unknown): boolean {
  const e = error as ServiceError | undefined;
  return e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}
