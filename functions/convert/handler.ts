import {
  CreateJobCommand,
  CreateJobCommandInput,
  MediaConvertClient,
} from "@aws-sdk/client-mediaconvert";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { ASSET_FILE_CACHE_CONTROL } from "../shared/assetFile";
import { isConditionalConflict, isPreconditionFailed } from "../shared/conditionalWrite";
import { log } from "../shared/log";
import { planRecord, processingMarker } from "./request";
import type { ConvertSettings } from "./settings";

/** SDK attempts per CreateJob: extra attempts ride out MediaConvert's request throttling. */
export const MEDIACONVERT_MAX_ATTEMPTS = 6;

/**
 * The convert handler for the given settings and clients. Skips are logged; every
 * video record is submitted, and if any submission failed the handler throws
 * afterwards, so Lambda retries the event (the other records' jobs are found
 * again by their idempotency tokens) and finally dead-letters it.
 *
 * Once a job exists, its asset gets a PROCESSING `asset.json` (see
 * {@link writeProcessingMarker}).
 */
export function createConvertHandler(
  settings: ConvertSettings,
  mediaConvert: MediaConvertClient,
  s3: S3Client,
) {
  return async function handler(event: S3Event): Promise<void> {
    const records = event.Records ?? [];
    const failures: Error[] = [];
    for (const record of records) {
      const plan = planRecord(record, settings);
      if (plan.action === "skip") {
        log("info", "skipped", { key: plan.key, reason: plan.reason });
        continue;
      }
      let jobId: string | undefined;
      try {
        const { Job } = await mediaConvert.send(new CreateJobCommand(plan.request));
        jobId = Job?.Id;
        log("info", "job submitted", {
          key: plan.key,
          jobId,
          assetId: plan.request.UserMetadata?.assetId,
          contentId: plan.request.UserMetadata?.contentId,
        });
      } catch (error) {
        log("error", "job not submitted", { key: plan.key, error: String(error) });
        failures.push(error as Error);
        continue;
      }
      await writeProcessingMarker(s3, settings.destinationBucket, plan.assetFileKey, {
        key: plan.key,
        jobId,
        request: plan.request,
      });
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} of ${records.length} uploads were not submitted`,
      );
    }
  };
}

/**
 * Writes the PROCESSING `asset.json` only if none exists (`If-None-Match: *`), so a
 * late duplicate event never hides a COMPLETE or ERROR file: S3's 412 is the
 * expected answer then, and is logged.
 *
 * Never throws. The job already exists, and the file is only a status hint: the
 * metadata function writes the full file when the job ends. Failing the record
 * would make Lambda retry the whole event a minute or more later, when
 * MediaConvert's idempotency token may no longer stop a second job. So a failed
 * write is a warning, and the player says "missing" until the job ends.
 */
async function writeProcessingMarker(
  s3: S3Client,
  bucket: string,
  key: string,
  job: { key: string; jobId: string | undefined; request: CreateJobCommandInput },
): Promise<void> {
  const fields = { key: job.key, jobId: job.jobId, assetFile: key };
  if (!job.jobId) {
    log("warn", "status file not written", { ...fields, reason: "CreateJob returned no job id" });
    return;
  }
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(processingMarker(job.request, job.jobId), null, 2),
        ContentType: "application/json",
        CacheControl: ASSET_FILE_CACHE_CONTROL,
        IfNoneMatch: "*",
      }),
    );
    log("info", "status file written", { ...fields, status: "PROCESSING" });
  } catch (error) {
    if (isPreconditionFailed(error)) {
      log("info", "status file kept", {
        ...fields,
        reason: "an asset.json already exists (an earlier encode or a duplicate event)",
      });
    } else if (isConditionalConflict(error)) {
      log("info", "status file kept", {
        ...fields,
        reason: "another write to asset.json was under way",
      });
    } else {
      log("warn", "status file not written", { ...fields, error: String(error) });
    }
  }
}
