import type { S3Client } from "@aws-sdk/client-s3";
import type { EventBridgeEvent } from "aws-lambda";
import type { ErrorMarker } from "../../shared/assetFile";
import { count, createObservability, instrumented, Observability } from "../common/observability";
import { putAssetFile, statusMayReplace, writeStatusFile } from "../common/statusFile";
import {
  JobStateDetail,
  MetadataExpectations,
  planAssetMetadata,
  planErrorMarker,
} from "./assetMetadata";

/** The event EventBridge delivers for each MediaConvert job state change. */
export type JobStateEvent = EventBridgeEvent<"MediaConvert Job State Change", JobStateDetail>;

/**
 * The metadata function's metrics (namespace `VodMultiDrm`, dimensions `service` =
 * `metadata` and `application`), one count per event.
 */
export const METADATA_METRICS = {
  /** A COMPLETE `asset.json` was written: the asset plays. */
  assetsCompleted: "AssetsCompleted",
  /** An ERROR `asset.json` was written (or replaced a PROCESSING or ERROR one). */
  assetsFailed: "AssetsFailed",
  /**
   * Another application's job, an unexpected status, or a file kept: a COMPLETE encode,
   * or a later job's PROCESSING.
   */
  eventsSkipped: "EventsSkipped",
} as const;

/**
 * The metadata handler: COMPLETE events write the full `asset.json`; ERROR events
 * write an ERROR file unless the asset has a COMPLETE encode or a later job is
 * processing it. Other events are skipped with a reason. A failed write throws, so
 * Lambda retries the event and then dead-letters it.
 */
export function createMetadataHandler(
  expected: MetadataExpectations,
  s3: S3Client,
  observability: Observability = createObservability("metadata", {
    application: expected.applicationName,
  }),
) {
  const { logger, metrics } = observability;
  /**
   * Writes the ERROR file where there is none, or over this job's PROCESSING or an
   * earlier ERROR; a COMPLETE encode that still plays, and a later job's PROCESSING,
   * are kept (see {@link statusMayReplace}).
   */
  async function writeError(key: string, file: ErrorMarker, jobId: string): Promise<void> {
    const fields = { jobId, key, status: "ERROR" };
    const outcome = await writeStatusFile(s3, expected.bucket, key, file, (current) =>
      statusMayReplace(current, { status: "ERROR", jobId }),
    );
    if (!outcome.written) {
      count(metrics, METADATA_METRICS.eventsSkipped);
      logger.info("skipped", { ...fields, reason: outcome.reason });
      return;
    }
    count(metrics, METADATA_METRICS.assetsFailed);
    logger.info("metadata written", { ...fields, ...(outcome.replaced && { replaced: true }) });
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
    await putAssetFile(s3, expected.bucket, plan.key, plan.metadata);
    count(metrics, METADATA_METRICS.assetsCompleted);
    logger.info("metadata written", {
      jobId: plan.metadata.jobId,
      key: plan.key,
      status: "COMPLETE",
    });
  }
  return instrumented(observability, handler);
}
