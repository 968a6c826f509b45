/**
 * The license token function's entry point, behind a JWT authorizer:
 * - `POST /token` → a PallyCon license token for the signed-in user and the content asked for;
 * - `POST /session` (with signed cookies on) → CloudFront signed cookies for the playback domain.
 * Reads its settings once, at cold start; the keys come from Secrets Manager.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createServiceHandler } from "./handler";
import { createKeyStore } from "./keys";
import { readTokenServiceEnvironment } from "./environment";

const settings = readTokenServiceEnvironment(process.env);

export const handler = createServiceHandler({
  settings,
  keys: createKeyStore(new SecretsManagerClient({}), settings.secretArn),
});
