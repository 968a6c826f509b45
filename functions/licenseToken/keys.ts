/**
 * The PallyCon site key and access key (and, when the service issues signed cookies,
 * the CloudFront private key), read from Secrets Manager at run time and kept in the
 * container for a short while, so a rotated secret is picked up within minutes without
 * a call per request.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** The secret's JSON. */
export interface PallyConKeys {
  readonly siteKey: string;
  readonly accessKey: string;
  /** The PEM private key that signs CloudFront cookies; only with signed cookies on. */
  readonly cloudFrontPrivateKey?: string;
}

/** How long keys are reused before Secrets Manager is asked again. */
export const KEY_CACHE_TTL_MS = 5 * 60 * 1000;

export interface KeyStoreOptions {
  /** @default KEY_CACHE_TTL_MS */
  readonly ttlMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Parses the secret string. Errors never quote it: `JSON.parse` messages include
 * the text they failed on.
 */
export function parseKeys(secretString: string | undefined): PallyConKeys {
  let value: unknown;
  try {
    value = JSON.parse(secretString ?? "");
  } catch {
    throw new Error("The PallyCon secret is not JSON");
  }
  const { siteKey, accessKey, cloudFrontPrivateKey } = (value ?? {}) as Record<string, unknown>;
  if (typeof siteKey !== "string" || typeof accessKey !== "string" || !siteKey || !accessKey) {
    throw new Error('The PallyCon secret is not { "siteKey": "...", "accessKey": "..." }');
  }
  if (cloudFrontPrivateKey === undefined) return { siteKey, accessKey };
  if (typeof cloudFrontPrivateKey !== "string" || !cloudFrontPrivateKey) {
    throw new Error("The secret's cloudFrontPrivateKey is not a PEM string");
  }
  return { siteKey, accessKey, cloudFrontPrivateKey };
}

/**
 * A function that returns the keys: from the cache while it is fresh, otherwise
 * from Secrets Manager. A failed read is not cached, so the next request tries again.
 */
export function createKeyStore(
  client: SecretsManagerClient,
  secretArn: string,
  { ttlMs = KEY_CACHE_TTL_MS, now = Date.now }: KeyStoreOptions = {},
): () => Promise<PallyConKeys> {
  let cached: { keys: PallyConKeys; readAt: number } | undefined;
  return async function keys() {
    if (cached && now() - cached.readAt < ttlMs) return cached.keys;
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    cached = { keys: parseKeys(SecretString), readAt: now() };
    return cached.keys;
  };
}
