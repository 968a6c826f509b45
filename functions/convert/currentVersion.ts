/**
 * Whether an event's object version is still the key's current one. MediaConvert reads
 * the key, never a version, so a job made for an overwritten version would encode the
 * newer bytes, which the newer version's own event encodes too: such a late event makes
 * no job.
 *
 * One HeadObject of the key (no version id), which needs `s3:GetObject` only: the
 * answer's `x-amz-version-id` names the current version. The source bucket versions its
 * objects; in a bucket that does not (no version id, or `"null"` while versioning is
 * suspended) nothing tells an event's object from a later one, and the upload goes on as
 * before (the sequencer orders events, but HeadObject does not answer one).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 */
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { isNoSuchKey } from "../common/conditionalWrite";
import type { ScreenedUpload } from "./request";

/** Whether to go on with an upload, and if not, why. */
export type VersionCheck =
  { readonly current: true } | { readonly current: false; readonly reason: string };

/**
 * Checks the event's version against the key's current one. An event that names no
 * version (a bucket that does not version its objects) has nothing to check against. A
 * key that is not there passes (the probe reports it as gone); any other S3 failure
 * throws, so Lambda retries the event.
 */
export async function checkCurrentVersion(
  s3: S3Client,
  screened: Pick<ScreenedUpload, "bucket" | "key" | "object">,
): Promise<VersionCheck> {
  const { versionId } = screened.object;
  if (!versionId || versionId === "null") return { current: true };
  let head;
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: screened.bucket, Key: screened.key }));
  } catch (error) {
    // Gone: the probe finds it gone too, and says so (one place for that skip).
    if (isNoSuchKey(error)) return { current: true };
    throw error;
  }
  if (head?.VersionId && head.VersionId !== versionId) {
    return {
      current: false,
      reason: `version ${versionId} is no longer current (now ${head.VersionId}); the newer version's own event makes its job`,
    };
  }
  return { current: true };
}
