import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { EventBridgeEvent } from "aws-lambda";
import { ASSET_FILE_CACHE_CONTROL, AssetFile } from "../shared/assetFile";
import {
  isConditionalConflict,
  isNoSuchKey,
  isPreconditionFailed,
} from "../shared/conditionalWrite";
import { count, createObservability, instrumented, Observability } from "../shared/observability";
import {
  errorMayReplace,
  JobStateDetail,
  MetadataExpectations,
  planAssetMetadata,
  planErrorMarker,
} from "./assetMetadata";

/** The event EventBridge delivers for each MediaConvert job state change. */
export type JobStateEvent = EventBridgeEvent<"MediaConvert Job State Change", JobStateDetail>;

/** Read-and-write rounds for an ERROR file before giving up to Lambda's retries. */
export const ERROR_WRITE_ROUNDS = 3;

/**
 * The metadata function's metrics (namespace `VodMultiDrm`, dimensions `service` =
 * `metadata` and `application`), one count per event.
 */
export const METADATA_METRICS = {
  /** A COMPLETE `asset.json` was written: the asset plays. */
  assetsCompleted: "AssetsCompleted",
  /** An ERROR `asset.json` was written (or replaced a PROCESSING or ERROR one). */
  assetsFailed: "AssetsFailed",
  /** Another application's job, an unexpected status, or a COMPLETE file kept. */
  eventsSkipped: "EventsSkipped",
} as const;

/**
 * The metadata handler: COMPLETE events write the full `asset.json`; ERROR events
 * write an ERROR file unless the asset has a COMPLETE encode. Other events are
 * skipped with a reason. A failed write throws, so Lambda retries the event and
 * then dead-letters it.
 */
export function createMetadataHandler(
  expected: MetadataExpectations,
  s3: S3Client,
  observability: Observability = createObservability("metadata", {
    application: expected.applicationName,
  }),
) {
  const { logger, metrics } = observability;
  const put = (key: string, file: AssetFile, condition: { IfNoneMatch?: "*"; IfMatch?: string }) =>
    s3.send(
      new PutObjectCommand({
        Bucket: expected.bucket,
        Key: key,
        Body: JSON.stringify(file, null, 2),
        ContentType: "application/json",
        CacheControl: ASSET_FILE_CACHE_CONTROL,
        ...condition,
      }),
    );

  /**
   * Writes the ERROR file where there is none (`If-None-Match: *`); where there is
   * one, reads it and replaces it only if it is not COMPLETE, and only if it did
   * not change since it was read (`If-Match: <etag>`). Writing first needs no
   * s3:ListBucket: without it, reading a missing object answers 403, not 404.
   */
  async function writeError(key: string, file: AssetFile, jobId: string): Promise<void> {
    const fields = { jobId, key, status: "ERROR" };
    for (let round = 1; round <= ERROR_WRITE_ROUNDS; round++) {
      try {
        await put(key, file, { IfNoneMatch: "*" });
        count(metrics, METADATA_METRICS.assetsFailed);
        logger.info("metadata written", fields);
        return;
      } catch (error) {
        if (!isPreconditionFailed(error) && !isConditionalConflict(error)) throw error;
      }
      let current: { body: string; etag: string | undefined };
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: expected.bucket, Key: key }));
        current = { body: (await object.Body?.transformToString()) ?? "", etag: object.ETag };
      } catch (error) {
        // Deleted since the write was refused: start over.
        if (isNoSuchKey(error)) continue;
        throw error;
      }
      const decision = errorMayReplace(current.body);
      if (!decision.replace) {
        count(metrics, METADATA_METRICS.eventsSkipped);
        logger.info("skipped", { jobId, key, reason: decision.reason });
        return;
      }
      if (!current.etag) throw new Error(`S3 returned no ETag for ${key}`);
      try {
        await put(key, file, { IfMatch: current.etag });
        count(metrics, METADATA_METRICS.assetsFailed);
        logger.info("metadata written", { ...fields, replaced: true });
        return;
      } catch (error) {
        // Changed since it was read (the job's COMPLETE, say): read it again.
        if (!isPreconditionFailed(error) && !isConditionalConflict(error)) throw error;
      }
    }
    throw new Error(`${key} kept changing during ${ERROR_WRITE_ROUNDS} rounds; retrying later`);
  }

  async function handler(event: JobStateEvent): Promise<void> {
    const detail = event.detail;
    if (detail?.status === "ERROR") {
      const plan = planErrorMarker(detail, expected);
      if (plan.action === "skip") {
        count(metrics, METADATA_METRICS.eventsSkipped);
        logger.info("skipped", { jobId: detail.jobId, reason: plan.reason });
        return;
      }
      await writeError(plan.key, plan.marker, detail.jobId);
      return;
    }
    const plan = planAssetMetadata(detail, expected);
    if (plan.action === "skip") {
      count(metrics, METADATA_METRICS.eventsSkipped);
      logger.info("skipped", { jobId: detail?.jobId, reason: plan.reason });
      return;
    }
    // Always written: the newest COMPLETE encode is what the asset plays.
    await put(plan.key, plan.metadata, {});
    count(metrics, METADATA_METRICS.assetsCompleted);
    logger.info("metadata written", {
      jobId: plan.metadata.jobId,
      key: plan.key,
      status: "COMPLETE",
    });
  }
  return instrumented(observability, handler);
}
