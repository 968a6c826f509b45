import type { S3Client } from "@aws-sdk/client-s3";
import type { EventBridgeEvent } from "aws-lambda";
import type { AssetFile } from "../../shared/assetFile";
import { count, createObservability, instrumented, Observability } from "../common/observability";
import { JobStatus, statusMayReplace, writeStatusFile } from "../common/statusFile";
import {
  JobStateDetail,
  malformedEvent,
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
  /** A COMPLETE `asset.json` was written (over what it may replace): the asset plays. */
  assetsCompleted: "AssetsCompleted",
  /** An ERROR `asset.json` was written (or replaced a PROCESSING or ERROR one). */
  assetsFailed: "AssetsFailed",
  /**
   * Another application's job, an unexpected status, or a file kept: a COMPLETE encode,
   * a later job's PROCESSING, or the file of a newer upload's job.
   */
  eventsSkipped: "EventsSkipped",
} as const;

/**
 * The metadata handler: COMPLETE events write the full `asset.json`; ERROR events
 * write an ERROR file unless the asset has a COMPLETE encode or a later job is
 * processing it; neither replaces the file of a newer upload's job. Other events are
 * skipped with a reason. A malformed event is logged and thrown, and a failed write
 * throws, so Lambda retries the event and then dead-letters it.
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
   * Writes the status file where there is none, or over what {@link statusMayReplace}
   * lets it replace: COMPLETE over this job's PROCESSING, any ERROR and an older encode;
   * ERROR over this job's PROCESSING and an earlier ERROR. A COMPLETE encode that still
   * plays (for ERROR), a later job's PROCESSING and anything written for a newer upload
   * are kept.
   */
  async function writeStatus(key: string, file: AssetFile, write: JobStatus): Promise<void> {
    const fields = { jobId: write.jobId, key, status: write.status };
    const outcome = await writeStatusFile(s3, expected.bucket, key, file, (current) =>
      statusMayReplace(current, write),
    );
    if (!outcome.written) {
      count(metrics, METADATA_METRICS.eventsSkipped);
      logger.info("skipped", { ...fields, reason: outcome.reason });
      return;
    }
    count(
      metrics,
      write.status === "COMPLETE"
        ? METADATA_METRICS.assetsCompleted
        : METADATA_METRICS.assetsFailed,
    );
    logger.info("metadata written", { ...fields, ...(outcome.replaced && { replaced: true }) });
  }

  async function handler(event: JobStateEvent): Promise<void> {
    const malformed = malformedEvent(event);
    if (malformed) {
      // Lambda retries the event, then dead-letters it, where it can be read.
      logger.error("malformed event", { problem: malformed });
      throw new Error(`malformed MediaConvert job state event: ${malformed}`);
    }
    const detail = event.detail;
    const plan =
      detail.status === "ERROR"
        ? planErrorMarker(detail, expected)
        : planAssetMetadata(detail, expected);
    if (plan.action === "skip") {
      count(metrics, METADATA_METRICS.eventsSkipped);
      logger.info("skipped", { jobId: detail.jobId, reason: plan.reason });
      return;
    }
    const file = "marker" in plan ? plan.marker : plan.metadata;
    await writeStatus(plan.key, file, {
      status: file.status,
      jobId: detail.jobId,
      ...(file.sequencer ? { sequencer: file.sequencer } : {}),
    });
  }
  return instrumented(observability, handler);
}
