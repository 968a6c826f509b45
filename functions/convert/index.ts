/**
 * The convert function's entry point: S3 ObjectCreated → one MediaConvert job per
 * video, and a PROCESSING `asset.json` for each. Reads its settings from the
 * environment once, at cold start.
 */
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { S3Client } from "@aws-sdk/client-s3";
import { createConvertHandler, MEDIACONVERT_MAX_ATTEMPTS } from "./handler";
import { readConvertSettings } from "./settings";

// The SDK's default is the regional endpoint; DescribeEndpoints is deprecated.
export const handler = createConvertHandler(
  readConvertSettings(process.env),
  new MediaConvertClient({ maxAttempts: MEDIACONVERT_MAX_ATTEMPTS }),
  new S3Client({}),
);
