/**
 * The metadata function: on a MediaConvert COMPLETE event, writes the asset's
 * `asset.json` next to its outputs. One file per asset, never a shared index,
 * so concurrent jobs cannot race. A failed write throws: Lambda retries it,
 * then dead-letters the event.
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { EventBridgeEvent } from "aws-lambda";
import { log } from "../shared/log";
import { JobStateDetail, planAssetMetadata } from "./assetMetadata";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

const expected = {
  bucket: required("DESTINATION_BUCKET"),
  domain: required("PLAYBACK_DOMAIN"),
  applicationName: required("APPLICATION_NAME"),
};
const s3 = new S3Client({});

/** Metadata may change when an asset is re-encoded: let CloudFront keep it briefly. */
const CACHE_CONTROL = "max-age=30";

export async function handler(
  event: EventBridgeEvent<"MediaConvert Job State Change", JobStateDetail>,
): Promise<void> {
  const plan = planAssetMetadata(event.detail, expected);
  if (plan.action === "skip") {
    log("info", "skipped", { jobId: event.detail?.jobId, reason: plan.reason });
    return;
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: expected.bucket,
      Key: plan.key,
      Body: JSON.stringify(plan.metadata, null, 2),
      ContentType: "application/json",
      CacheControl: CACHE_CONTROL,
    }),
  );
  log("info", "metadata written", { jobId: plan.metadata.jobId, key: plan.key });
}
