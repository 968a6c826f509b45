/**
 * The license token function's entry point: `POST /token` behind a JWT authorizer
 * → a PallyCon license token for the signed-in user and the content asked for.
 * Reads its settings once, at cold start; the keys come from Secrets Manager.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createTokenHandler } from "./handler";
import { createKeyStore } from "./keys";
import { readTokenServiceSettings } from "./settings";

const settings = readTokenServiceSettings(process.env);

export const handler = createTokenHandler({
  settings,
  keys: createKeyStore(new SecretsManagerClient({}), settings.secretArn),
});
