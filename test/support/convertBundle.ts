/** The convert function's archive as Lambda unpacks it: `index.js` and the files beside it. */
import { copyFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { bundleFunction } from "../../functions/bundle";
import { processTempFolder } from "./tempFolders";

let written: string | undefined;

/**
 * Writes the bundled convert function and its files to a folder, once per process (it
 * is removed at exit); returns `index.js`'s path. Each run of it is a fresh process, as
 * a new Lambda container is.
 */
export function writeConvertBundle(): string {
  if (written) return written;
  const dir = processTempFolder("convert-");
  const bundle = bundleFunction("convert");
  writeFileSync(path.join(dir, "index.js"), bundle.code);
  for (const [name, file] of Object.entries(bundle.files)) {
    copyFileSync(file, path.join(dir, name));
  }
  written = path.join(dir, "index.js");
  return written;
}

/** The local stand-ins the bundled function talks to. */
export interface LocalServices {
  readonly mediaConvert: string;
  readonly s3: string;
  readonly dynamoDb: string;
  /** The idempotency table in the local DynamoDB. */
  readonly table: string;
}

/**
 * The bundled function's whole environment, as deployed but with every AWS endpoint on
 * a local server: nothing else from the test process leaks into it.
 */
export function deployedEnvironment(
  services: LocalServices,
  settings: Record<string, string>,
): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_ENDPOINT_URL_MEDIACONVERT: services.mediaConvert,
    AWS_ENDPOINT_URL_S3: services.s3,
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamoDb,
    ...settings,
    IDEMPOTENCY_TABLE: services.table,
  };
}
