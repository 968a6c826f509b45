/** The convert function's archive as Lambda unpacks it: `index.js` and the files beside it. */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleFunction } from "../../functions/bundle";

/** Writes the bundled convert function and its files to a fresh folder; returns `index.js`'s path. */
export function writeConvertBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "convert-"));
  const bundle = bundleFunction("convert");
  writeFileSync(path.join(dir, "index.js"), bundle.code);
  for (const [name, file] of Object.entries(bundle.files)) {
    copyFileSync(file, path.join(dir, name));
  }
  return path.join(dir, "index.js");
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
