import { parseLicensePolicy, toPallyConPolicy } from "./policy";
import { LicensePolicy, SITE_ID_PATTERN } from "./token";

/** What the token function is told by its environment. None of it is secret. */
export interface TokenServiceSettings {
  /** The Secrets Manager secret holding `{ "siteKey": "...", "accessKey": "..." }`. */
  readonly secretArn: string;
  readonly siteId: string;
  /** The policy every token carries. */
  readonly policy: LicensePolicy;
}

/**
 * Reads and validates the function's environment. Throws at cold start, naming the
 * variable, so a misconfigured deployment fails on its first request.
 */
export function readTokenServiceSettings(env: NodeJS.ProcessEnv): TokenServiceSettings {
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
  return { secretArn: required("PALLYCON_SECRET_ARN"), siteId, policy };
}
