/**
 * The convert function's entry point: S3 ObjectCreated → one MediaConvert job per
 * video. Reads its settings from the environment once, at cold start.
 */
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { createConvertHandler } from "./handler";
import { readConvertSettings } from "./settings";

/** SDK attempts per CreateJob: extra attempts ride out MediaConvert's request throttling. */
export const MEDIACONVERT_MAX_ATTEMPTS = 6;

// The SDK's default is the regional endpoint; DescribeEndpoints is deprecated.
export const handler = createConvertHandler(
  readConvertSettings(process.env),
  new MediaConvertClient({ maxAttempts: MEDIACONVERT_MAX_ATTEMPTS }),
);
