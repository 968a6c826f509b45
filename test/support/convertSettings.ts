import { DEFAULT_LADDER } from "../../shared/ladder";
import type { ConvertSettings } from "../../functions/convert/settings";

/** This stack's MediaConvert queue in tests. */
export const JOB_QUEUE_ARN = "arn:aws:mediaconvert:us-east-1:123456789012:queues/vod-queue-1a2b3c4";

/** The convert function's settings in tests and benchmarks: the seed ladder, CBR, the stack's queue. */
export const CONVERT_SETTINGS: ConvertSettings = {
  destinationBucket: "vod-output-test",
  mediaConvertRoleArn: "arn:aws:iam::123456789012:role/vod-mediaconvert",
  applicationName: "vod-test",
  idempotencyTable: "vod-idempotency-test",
  profile: { ladder: DEFAULT_LADDER, rateControl: "CBR", qvbrQualityLevel: 7 },
  queue: { Queue: JOB_QUEUE_ARN, Priority: 0, AccelerationSettings: { Mode: "DISABLED" } },
};

/** The same settings as the function's environment variables, as the component sets them. */
export const CONVERT_ENVIRONMENT = {
  DESTINATION_BUCKET: CONVERT_SETTINGS.destinationBucket,
  MEDIACONVERT_ROLE_ARN: CONVERT_SETTINGS.mediaConvertRoleArn,
  APPLICATION_NAME: CONVERT_SETTINGS.applicationName,
  IDEMPOTENCY_TABLE: CONVERT_SETTINGS.idempotencyTable,
  LADDER: JSON.stringify(DEFAULT_LADDER),
  RATE_CONTROL: "CBR",
  JOB_QUEUE_ARN,
};

/** The SPEKE proxy URL in tests: API Gateway's shape, and no token. */
export const SPEKE_URL =
  "https://abc123.execute-api.us-east-1.amazonaws.com/Production/cpix/getKey";

/** The settings with DRM on and the clear outputs off (the default). */
export const DRM_CONVERT_SETTINGS: ConvertSettings = {
  ...CONVERT_SETTINGS,
  drm: { spekeUrl: SPEKE_URL, keepClearOutputs: false },
};

/** The DRM settings as the function's environment variables, as the component sets them. */
export const DRM_CONVERT_ENVIRONMENT = { ...CONVERT_ENVIRONMENT, SPEKE_URL };
