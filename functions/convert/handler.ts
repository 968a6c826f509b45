import { CreateJobCommand, MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import type { S3Event } from "aws-lambda";
import { log } from "../shared/log";
import { planRecord } from "./request";
import type { ConvertSettings } from "./settings";

/** SDK attempts per CreateJob: extra attempts ride out MediaConvert's request throttling. */
export const MEDIACONVERT_MAX_ATTEMPTS = 6;

/**
 * The convert handler for the given settings and client. Skips are logged; every
 * video record is submitted, and if any submission failed the handler throws
 * afterwards, so Lambda retries the event (the other records' jobs are found
 * again by their idempotency tokens) and finally dead-letters it.
 */
export function createConvertHandler(settings: ConvertSettings, mediaConvert: MediaConvertClient) {
  return async function handler(event: S3Event): Promise<void> {
    const records = event.Records ?? [];
    const failures: Error[] = [];
    for (const record of records) {
      const plan = planRecord(record, settings);
      if (plan.action === "skip") {
        log("info", "skipped", { key: plan.key, reason: plan.reason });
        continue;
      }
      try {
        const { Job } = await mediaConvert.send(new CreateJobCommand(plan.request));
        log("info", "job submitted", {
          key: plan.key,
          jobId: Job?.Id,
          assetId: plan.request.UserMetadata?.assetId,
        });
      } catch (error) {
        log("error", "job not submitted", { key: plan.key, error: String(error) });
        failures.push(error as Error);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} of ${records.length} uploads were not submitted`,
      );
    }
  };
}
