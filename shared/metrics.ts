/**
 * The CloudWatch namespace of every metric the functions emit, and the names of the
 * convert function's metrics: emitted by the handlers, charted by the dashboard.
 */
export const METRICS_NAMESPACE = "VodMultiDrm";

/**
 * The convert function's metrics (namespace `VodMultiDrm`, dimensions `service` =
 * `convert` and `application`), one count per record.
 */
export const CONVERT_METRICS = {
  /** A MediaConvert job was created for a new upload. */
  jobsCreated: "JobsCreated",
  /**
   * Not an upload of a video: a folder marker, another suffix, an empty object, or, as
   * the probe found, a file without a video track (see {@link CONVERT_METRICS.uploadsRejected}).
   */
  uploadsSkipped: "UploadsSkipped",
  /** Of the skips, the uploads the probe read and found no video in: each gets an ERROR asset file. */
  uploadsRejected: "UploadsRejected",
  /** The probe could not tell (budget spent, MediaInfo failed): the job uses the configured sizes. */
  probesInconclusive: "ProbesInconclusive",
  /** Reading the upload from S3 failed (throttling, 5xx, access): the event is retried. */
  probesFailed: "ProbesFailed",
  /** A redelivered or retried upload whose job already exists: no call made. */
  duplicateUploads: "DuplicateUploads",
  /** Another invocation is submitting the same upload: the event is retried later. */
  duplicatesInProgress: "DuplicatesInProgress",
  /** CreateJob was still throttled after every SDK attempt: the event is retried. */
  jobsThrottled: "JobsThrottled",
  /** CreateJob failed otherwise, or the idempotency store did: the event is retried. */
  jobsFailed: "JobsFailed",
  /** SDK retries that CreateJob calls needed before they succeeded (throttling, 5xx). */
  createJobRetries: "CreateJobRetries",
  /** The job exists but its record could not be marked complete (see the log line). */
  jobsNotRecorded: "JobsNotRecorded",
} as const;

/**
 * The token function's entitlement metrics (namespace `VodMultiDrm`, dimension `service` =
 * `licenseToken`), one count per request decided: emitted by the token and session
 * routes, charted by the dashboard.
 */
export const ENTITLEMENT_METRICS = {
  /** A signed-in user asked for a token or a session for content they are not entitled to (403). */
  tokensRefused: "TokensRefused",
  /** The entitlement function failed or answered nonsense: the request got a 503. */
  entitlementsFailed: "EntitlementsFailed",
} as const;
