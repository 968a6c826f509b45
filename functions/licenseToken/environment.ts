/**
 * The token function's environment: the variables the component sets, read and validated
 * once at cold start.
 */
import {
  LicensePolicy,
  parseLicensePolicy,
  SITE_ID_PATTERN,
  toPallyConPolicy,
} from "../../shared/pallyCon";
import { KEY_PAIR_ID_PATTERN, SESSION_SECONDS_RANGE } from "../../shared/signedCookies";
import {
  CLAIM_NAME_PATTERN,
  DEFAULT_ENTITLEMENT_CLAIM,
  FUNCTION_ARN_PATTERN,
} from "../../shared/entitlements";
import type { EntitlementSettings } from "./entitlement";

/** What the token function is told by its environment. None of it is secret. */
export interface TokenServiceEnvironment {
  /**
   * The Secrets Manager secret holding `{ "siteKey": "...", "accessKey": "..." }`, plus
   * `"cloudFrontPrivateKey"` when the service issues signed cookies.
   */
  readonly secretArn: string;
  readonly siteId: string;
  /** The policy every token carries. */
  readonly policy: LicensePolicy;
  /** Who may watch what: nothing is granted unless a rule says so. */
  readonly entitlements: EntitlementSettings;
  /** Present when the service issues CloudFront signed cookies (`POST /session`). */
  readonly signedCookies?: SignedCookieSettings;
}

/** How the session route signs cookies; the private key is in the secret. */
export interface SignedCookieSettings {
  /** The CloudFront public key's id, in the distribution's trusted key group. */
  readonly keyPairId: string;
  /** The host viewers play from: the cookies grant `https://<domain>/<asset folder>/*`. */
  readonly playbackDomain: string;
  /** How long a session's cookies are accepted, in seconds. */
  readonly sessionSeconds: number;
}

/** The environment variables of the signed cookie settings; all or none are set. */
export const SIGNED_COOKIE_VARIABLES = [
  "CLOUDFRONT_KEY_PAIR_ID",
  "PLAYBACK_DOMAIN",
  "SESSION_SECONDS",
] as const;

/** A host name: labels of letters, digits and hyphens, lower case, as CloudFront serves them. */
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reads and validates the function's environment. Throws at cold start, naming the
 * variable, so a misconfigured deployment fails on its first request.
 */
export function readTokenServiceEnvironment(env: NodeJS.ProcessEnv): TokenServiceEnvironment {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`Environment variable ${name} is not set`);
    return value;
  };
  const siteId = required("PALLYCON_SITE_ID");
  if (!SITE_ID_PATTERN.test(siteId)) {
    throw new Error(
      "Environment variable PALLYCON_SITE_ID is invalid: not 4 uppercase letters or digits",
    );
  }
  let policy: LicensePolicy;
  try {
    policy = toPallyConPolicy(parseLicensePolicy(env.LICENSE_POLICY));
  } catch (error) {
    throw new Error(`Environment variable LICENSE_POLICY is invalid: ${(error as Error).message}`);
  }
  const signedCookies = readSignedCookieSettings(env, required);
  return {
    secretArn: required("PALLYCON_SECRET_ARN"),
    siteId,
    policy,
    entitlements: readEntitlementSettings(env),
    ...(signedCookies ? { signedCookies } : {}),
  };
}

function readSignedCookieSettings(
  env: NodeJS.ProcessEnv,
  required: (name: string) => string,
): SignedCookieSettings | undefined {
  if (SIGNED_COOKIE_VARIABLES.every((name) => !env[name])) return undefined;
  const invalid = (name: string, rule: string) =>
    new Error(`Environment variable ${name} is invalid: ${rule}`);
  const keyPairId = required("CLOUDFRONT_KEY_PAIR_ID");
  if (!KEY_PAIR_ID_PATTERN.test(keyPairId)) {
    throw invalid("CLOUDFRONT_KEY_PAIR_ID", "not a CloudFront public key id");
  }
  const playbackDomain = required("PLAYBACK_DOMAIN");
  if (!HOST_NAME.test(playbackDomain)) {
    throw invalid("PLAYBACK_DOMAIN", "not a lower-case host name");
  }
  const sessionSeconds = Number(required("SESSION_SECONDS"));
  const { min, max } = SESSION_SECONDS_RANGE;
  if (!Number.isInteger(sessionSeconds) || sessionSeconds < min || sessionSeconds > max) {
    throw invalid("SESSION_SECONDS", `not a whole number of seconds from ${min} to ${max}`);
  }
  return { keyPairId, playbackDomain, sessionSeconds };
}

/**
 * The entitlement rules. Unset variables grant nothing: no grant-all, the default
 * claim name, no function.
 */
function readEntitlementSettings(env: NodeJS.ProcessEnv): EntitlementSettings {
  const grantAll = env.ENTITLEMENT_GRANT_ALL ?? "false";
  if (grantAll !== "true" && grantAll !== "false") {
    throw new Error("Environment variable ENTITLEMENT_GRANT_ALL is invalid: not true or false");
  }
  const claim = env.ENTITLEMENT_CLAIM || DEFAULT_ENTITLEMENT_CLAIM;
  if (!CLAIM_NAME_PATTERN.test(claim)) {
    throw new Error("Environment variable ENTITLEMENT_CLAIM is invalid: not a claim name");
  }
  const functionArn = env.ENTITLEMENT_FUNCTION_ARN || undefined;
  if (functionArn !== undefined && !FUNCTION_ARN_PATTERN.test(functionArn)) {
    throw new Error(
      "Environment variable ENTITLEMENT_FUNCTION_ARN is invalid: not a Lambda function ARN",
    );
  }
  return { grantAllSignedIn: grantAll === "true", claim, ...(functionArn ? { functionArn } : {}) };
}
