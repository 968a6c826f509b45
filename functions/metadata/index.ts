/**
 * The metadata function: on a MediaConvert COMPLETE or ERROR event, writes the
 * asset's `asset.json` next to its outputs. One file per asset, never a shared
 * index, so concurrent jobs cannot race. A failed write throws: Lambda retries
 * it, then dead-letters the event.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { createMetadataHandler } from "./handler";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

export const handler = createMetadataHandler(
  {
    bucket: required("DESTINATION_BUCKET"),
    domain: required("PLAYBACK_DOMAIN"),
    applicationName: required("APPLICATION_NAME"),
  },
  new S3Client({}),
);
