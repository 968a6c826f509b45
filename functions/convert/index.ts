/**
 * The convert function's entry point: S3 ObjectCreated → one MediaConvert job per
 * uploaded video, probed first and recorded in the idempotency table, and a PROCESSING
 * `asset.json` for each. Reads its settings from the environment once, at cold start.
 */
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { S3Client } from "@aws-sdk/client-s3";
import { createConvertHandler, DYNAMODB_MAX_ATTEMPTS, MEDIACONVERT_MAX_ATTEMPTS } from "./handler";
import { uploadRecordStore } from "./idempotency";
import { MEDIAINFO_WASM, mediaInfoProbe } from "./probe";
import { readConvertEnvironment } from "./environment";

const settings = readConvertEnvironment(process.env);
const s3 = new S3Client({});

// The SDK's default is the regional endpoint; DescribeEndpoints is deprecated.
export const handler = createConvertHandler(settings, {
  mediaConvert: new MediaConvertClient({ maxAttempts: MEDIACONVERT_MAX_ATTEMPTS }),
  s3,
  // MediaInfo's WebAssembly ships beside this file in the function's archive (functions/bundle.ts).
  probe: mediaInfoProbe(s3, { wasmPath: path.join(__dirname, MEDIAINFO_WASM) }),
  uploadRecords: uploadRecordStore(
    settings.idempotencyTable,
    new DynamoDBClient({ maxAttempts: DYNAMODB_MAX_ATTEMPTS }),
  ),
});
