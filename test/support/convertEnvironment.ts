import { DEFAULT_LADDER } from "../../shared/ladder";
import type { ConvertEnvironment } from "../../functions/convert/environment";

/** This stack's MediaConvert queue in tests. */
export const JOB_QUEUE_ARN = "arn:aws:mediaconvert:us-east-1:123456789012:queues/vod-queue-1a2b3c4";

/** What the convert function reads from its environment in tests and benchmarks: the seed ladder, CBR, the stack's queue. */
export const CONVERT_ENVIRONMENT: ConvertEnvironment = {
  destinationBucket: "vod-output-test",
  mediaConvertRoleArn: "arn:aws:iam::123456789012:role/vod-mediaconvert",
  applicationName: "vod-test",
  idempotencyTable: "vod-idempotency-test",
  profile: { ladder: DEFAULT_LADDER, rateControl: "CBR", qvbrQualityLevel: 7 },
  queue: { Queue: JOB_QUEUE_ARN, Priority: 0, AccelerationSettings: { Mode: "DISABLED" } },
};

/** The same, as the function's environment variables, as the component sets them. */
export const CONVERT_VARIABLES = {
  DESTINATION_BUCKET: CONVERT_ENVIRONMENT.destinationBucket,
  MEDIACONVERT_ROLE_ARN: CONVERT_ENVIRONMENT.mediaConvertRoleArn,
  APPLICATION_NAME: CONVERT_ENVIRONMENT.applicationName,
  IDEMPOTENCY_TABLE: CONVERT_ENVIRONMENT.idempotencyTable,
  LADDER: JSON.stringify(DEFAULT_LADDER),
  RATE_CONTROL: "CBR",
  JOB_QUEUE_ARN,
};

/** The SPEKE proxy URL in tests: API Gateway's shape, and no token. */
export const SPEKE_URL =
  "https://abc123.execute-api.us-east-1.amazonaws.com/Production/cpix/getKey";

/** The same with DRM on and the clear outputs off (the default). */
export const DRM_CONVERT_ENVIRONMENT: ConvertEnvironment = {
  ...CONVERT_ENVIRONMENT,
  drm: { spekeUrl: SPEKE_URL, keepClearOutputs: false, packaging: "separate" },
};

/** The same with DRM on, as the function's environment variables. */
export const DRM_CONVERT_VARIABLES = { ...CONVERT_VARIABLES, SPEKE_URL };
