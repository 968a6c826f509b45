import {
  CreateJobCommand,
  CreateJobCommandInput,
  MediaConvertClient,
} from "@aws-sdk/client-mediaconvert";
import type { S3Client } from "@aws-sdk/client-s3";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import type { Context, S3Event } from "aws-lambda";
import type { ErrorMarker, ProcessingMarker, SourceFacts } from "../../shared/assetFile";
import { count, createObservability, instrumented, Observability } from "../common/observability";
import { statusMayReplace, writeStatusFile } from "../common/statusFile";
import {
  isAlreadyInProgress,
  isStoreFailure,
  JobSent,
  onePerUpload,
  SubmitJob,
  SubmittedJob,
} from "./idempotency";
import { CONVERT_METRICS } from "../../shared/metrics";
import { checkCurrentVersion } from "./currentVersion";
import type { ProbeOutcome, ProbeStats, SourceProbe } from "./probe";
import {
  assetFileKeyFor,
  assetIdFor,
  planJob,
  processingMarker,
  rejectedUploadMarker,
  screenRecord,
  ScreenedUpload,
  UploadIdentity,
} from "./request";
import type { ConvertEnvironment } from "./environment";

/** SDK attempts per CreateJob: extra attempts ride out MediaConvert's request throttling. */
export const MEDIACONVERT_MAX_ATTEMPTS = 6;
/** SDK attempts per idempotency record read or write. */
export const DYNAMODB_MAX_ATTEMPTS = 5;

/** What the convert handler works with. */
export interface ConvertDependencies {
  readonly mediaConvert: MediaConvertClient;
  /** Writes the asset files (the probe has its own client, see `mediaInfoProbe`). */
  readonly s3: S3Client;
  /** Reads each upload before its job: {@link mediaInfoProbe} over ranged S3 GETs. */
  readonly probe: SourceProbe;
  /** Where each upload is recorded before its job: {@link uploadRecordStore}. */
  readonly uploadRecords: BasePersistenceLayer;
  /** @default createObservability("convert", { application }) */
  readonly observability?: Observability;
}

/** What happened to one record that went through submission, for its log line and metric. */
type Submission = SubmittedJob & { readonly duplicate?: true; readonly retries: number };

/**
 * The convert handler for the given settings and clients. Skips are logged; every video
 * record is probed (see `./probe`) and then submitted at most once per upload (see
 * `./idempotency`), and if any probe or submission failed the handler throws
 * afterwards, so Lambda retries the event (the other records find their jobs in their
 * records) and finally dead-letters it.
 *
 * An upload the probe finds is not a video (a text file named `.mp4`, an audio-only
 * file) is a logged skip, and its asset gets an ERROR `asset.json` saying why. Once a
 * new job exists, its asset gets a PROCESSING `asset.json` (see {@link markAsset}).
 */
export function createConvertHandler(settings: ConvertEnvironment, deps: ConvertDependencies) {
  const { mediaConvert, s3, uploadRecords, probe } = deps;
  const observability =
    deps.observability ?? createObservability("convert", { application: settings.applicationName });
  const { logger, metrics } = observability;

  /** The one CreateJob call of an upload. `sent` tells the caller the job exists. */
  const createJob: SubmitJob = async (_upload, request, sent) => {
    const { Job, $metadata } = await mediaConvert.send(new CreateJobCommand(request));
    Object.assign(sent, { created: true, jobId: Job?.Id });
    sent.retries = Math.max(0, ($metadata?.attempts ?? 1) - 1);
    // Stored as JSON in the record: no undefined values.
    return Job?.Id ? { jobId: Job.Id } : {};
  };
  const { begin, submitOnce } = onePerUpload(createJob, uploadRecords);

  async function submit(
    upload: UploadIdentity,
    request: CreateJobCommandInput,
    key: string,
  ): Promise<Submission> {
    const sent: JobSent = { created: false, retries: 0 };
    try {
      return { ...(await submitOnce(upload, request, sent)), retries: sent.retries };
    } catch (error) {
      // The job exists, but marking its record COMPLETED failed. Failing the record would
      // make Lambda retry after the record's deadline, and the retry would make a second
      // job: so the record counts as submitted, and the log line says what is left.
      if (sent.created && isStoreFailure(error)) {
        count(metrics, CONVERT_METRICS.jobsNotRecorded);
        logger.error("job submitted but not recorded", {
          key,
          jobId: sent.jobId,
          reason:
            "the idempotency record stays INPROGRESS: a redelivery after its deadline would make a second job",
          error,
        });
        return { jobId: sent.jobId, retries: sent.retries };
      }
      throw error;
    }
  }

  /**
   * Probes one screened upload: what its job is fitted to (`source`; none when the probe
   * could not tell), or `"done"` when the record ends here: a logged skip (not a video,
   * or gone), or a failure added to `failures` (S3's, or MediaInfo's load), which Lambda
   * retries.
   */
  async function probeUpload(
    screened: ScreenedUpload,
    failures: Error[],
  ): Promise<{ source?: SourceFacts; probe: ReturnType<typeof probeSummary> } | "done"> {
    const { key } = screened;
    let probed: ProbeOutcome;
    try {
      probed = await probe({ bucket: screened.bucket, key });
    } catch (error) {
      failures.push(error as Error);
      count(metrics, CONVERT_METRICS.probesFailed);
      logger.error("upload not read", {
        key,
        reason: "the upload could not be probed; Lambda retries this event",
        error,
      });
      return "done";
    }
    const summary = probeSummary(probed.stats);
    switch (probed.kind) {
      case "video":
        return { source: probed.source, probe: summary };
      case "inconclusive":
        count(metrics, CONVERT_METRICS.probesInconclusive);
        logger.warn("upload not fully read", {
          key,
          reason: `${probed.reason}; the job uses the configured sizes as they stand`,
          probe: summary,
        });
        return { probe: summary };
      case "missing":
      case "rejected":
        count(metrics, CONVERT_METRICS.uploadsSkipped);
        logger.info("skipped", { key, reason: probed.reason, probe: summary });
        if (probed.kind === "rejected") {
          count(metrics, CONVERT_METRICS.uploadsRejected);
          await markAsset(s3, logger, settings.destinationBucket, assetFileKeyFor(screened), {
            key,
            file: rejectedUploadMarker(screened, probed.reason),
          });
        }
        return "done";
    }
  }

  /**
   * Whether the event's version is still the key's current one (see `./currentVersion`):
   * a late event of an overwritten version is a logged skip; an S3 failure is added to
   * `failures`, which Lambda retries.
   */
  async function isCurrent(screened: ScreenedUpload, failures: Error[]): Promise<boolean> {
    try {
      const check = await checkCurrentVersion(s3, screened);
      if (check.current) return true;
      count(metrics, CONVERT_METRICS.uploadsSkipped);
      logger.info("skipped", { key: screened.key, reason: check.reason });
    } catch (error) {
      failures.push(error as Error);
      logger.error("upload not read", {
        key: screened.key,
        reason: "its current version could not be read; Lambda retries this event",
        error,
      });
    }
    return false;
  }

  async function handler(event: S3Event, context?: Context): Promise<void> {
    if (!context) {
      throw new Error("The convert handler needs the Lambda context: it bounds upload records");
    }
    begin(context);
    if (!Array.isArray(event?.Records)) {
      logger.error("malformed event", { missing: "Records" });
      throw new Error("malformed S3 event: it has no Records");
    }
    const records = event.Records;
    const failures: Error[] = [];
    for (const record of records) {
      const screened = screenRecord(record);
      if (screened.action === "malformed") {
        logger.error("malformed event", { missing: screened.missing });
        failures.push(new Error(`malformed S3 event record: it has no ${screened.missing}`));
        continue;
      }
      if (screened.action === "skip") {
        count(metrics, CONVERT_METRICS.uploadsSkipped);
        logger.info("skipped", { key: screened.key, reason: screened.reason });
        continue;
      }
      if (!(await isCurrent(screened, failures))) continue;
      const probed = await probeUpload(screened, failures);
      if (probed === "done") continue;
      const plan = planJob(screened, settings, probed.source);
      const { key, request } = plan;
      let submission: Submission;
      try {
        submission = await submit(plan.upload, request, key);
      } catch (error) {
        failures.push(error as Error);
        if (isAlreadyInProgress(error)) {
          count(metrics, CONVERT_METRICS.duplicatesInProgress);
          logger.warn("duplicate upload in progress", {
            key,
            reason: "another invocation is submitting this upload; Lambda retries this event later",
          });
        } else {
          const throttled = (error as Error).name === "TooManyRequestsException";
          count(metrics, throttled ? CONVERT_METRICS.jobsThrottled : CONVERT_METRICS.jobsFailed);
          logger.error("job not submitted", { key, error });
        }
        continue;
      }

      const { jobId } = submission;
      if (submission.duplicate) {
        count(metrics, CONVERT_METRICS.duplicateUploads);
        logger.info("duplicate upload", {
          key,
          jobId,
          reason: "a job was already submitted for this upload",
        });
        continue;
      }
      count(metrics, CONVERT_METRICS.jobsCreated);
      if (submission.retries > 0) {
        count(metrics, CONVERT_METRICS.createJobRetries, submission.retries);
      }
      logger.info("job submitted", {
        key,
        jobId,
        // Where the outputs go: the key, or its stand-in (see outputPrefixFor).
        assetFile: plan.assetFileKey,
        assetId: assetIdFor(plan.upload.bucket, key),
        contentId: request.UserMetadata?.contentId,
        source: request.UserMetadata?.source,
        probe: probed.probe,
      });
      if (!jobId) {
        logger.warn("status file not written", {
          key,
          assetFile: plan.assetFileKey,
          reason: "CreateJob returned no job id",
        });
        continue;
      }
      await markAsset(s3, logger, settings.destinationBucket, plan.assetFileKey, {
        key,
        jobId,
        file: processingMarker(request, jobId),
      });
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} of ${records.length} uploads were not submitted`,
      );
    }
  }
  return instrumented(observability, handler);
}

/** A probe's cost, for log lines: requests, bytes, milliseconds (and the MediaInfo load, once). */
function probeSummary(stats: ProbeStats) {
  return {
    requests: stats.requests,
    bytes: stats.bytes,
    objectBytes: stats.objectBytes,
    ms: Math.round(stats.ms),
    ...(stats.truncated ? { truncated: true } : {}),
    ...(stats.loadMs !== undefined ? { loadMs: Math.round(stats.loadMs) } : {}),
  };
}

/**
 * Writes a status `asset.json`: PROCESSING once a job exists, over an earlier job's
 * PROCESSING or ERROR but never over a COMPLETE encode that still plays (see
 * {@link statusMayReplace}); ERROR for a refused upload only where there is no file.
 *
 * Never throws. The file is only a status hint: for a job, the metadata function
 * writes the full file when the job ends. So a failed write is a warning, and the
 * player says what the file there says until then.
 */
async function markAsset(
  s3: S3Client,
  logger: Observability["logger"],
  bucket: string,
  key: string,
  status: { key: string; jobId?: string; file: ProcessingMarker | ErrorMarker },
): Promise<void> {
  const fields = {
    key: status.key,
    ...(status.jobId ? { jobId: status.jobId } : {}),
    assetFile: key,
    status: status.file.status,
  };
  const { jobId, file } = status;
  const mayReplace =
    file.status === "PROCESSING" && jobId
      ? (current: string) =>
          statusMayReplace(current, { status: "PROCESSING", jobId, sequencer: file.sequencer })
      : undefined;
  try {
    const outcome = await writeStatusFile(s3, bucket, key, file, mayReplace);
    if (outcome.written) {
      logger.info("status file written", {
        ...fields,
        ...(outcome.replaced && { replaced: true }),
      });
    } else {
      logger.info("status file kept", { ...fields, reason: outcome.reason });
    }
  } catch (error) {
    logger.warn("status file not written", { ...fields, error });
  }
}
