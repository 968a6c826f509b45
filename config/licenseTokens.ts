/** The license token service (`license*`): PallyCon license tokens for signed-in viewers. */
import type * as pulumi from "@pulumi/pulumi";
import type { VodLicenseTokensArgs } from "../components/vodPipeline";
import {
  LicensePolicySettings,
  MAX_LICENSE_DURATION_SECONDS,
  SITE_ID_PATTERN,
  SITE_KEY_LENGTH,
  validateLicensePolicy,
} from "../shared/pallyCon";
import { DEFAULT_LICENSE_SERVER_URL, LICENSE_SERVER_URL } from "../player/src/config";
import type { ConfigReader } from "./reader";

/** The token service's settings, as {@link VodLicenseTokensArgs}; present when `licenseTokens` is on. */
export interface LicenseTokensConfig extends VodLicenseTokensArgs {
  readonly siteId: string;
  /** Secrets: they go into Secrets Manager only. */
  readonly siteKey: pulumi.Output<string>;
  readonly accessKey: pulumi.Output<string>;
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  readonly licensePolicy: LicensePolicySettings;
  readonly licenseServerUrl: string;
}

/** Reads the token service's settings, or undefined when `licenseTokens` is off. */
export function readLicenseTokens(r: ConfigReader): LicenseTokensConfig | undefined {
  const { check, flag, number, text, list } = r;
  if (!flag("licenseTokens")) return undefined;

  const siteId = text("licenseSiteId");
  check(
    "licenseSiteId",
    SITE_ID_PATTERN.test(siteId),
    `"${siteId}" must be the 4-character site id from the PallyCon console`,
  );
  const jwtIssuer = text("licenseJwtIssuer");
  const issuerProblem = jwtIssuerProblem(jwtIssuer);
  check(
    "licenseJwtIssuer",
    issuerProblem === undefined,
    `"${jwtIssuer}" ${issuerProblem}: the https URL of the identity provider that signs your users' JWTs, ` +
      "as their iss claim names it (for Cognito, https://cognito-idp.<region>.amazonaws.com/<user pool id>)",
  );
  const audience = list("licenseJwtAudience");
  const jwtAudience =
    Array.isArray(audience) && audience.every((a) => typeof a === "string" && a.trim() !== "")
      ? (audience as string[])
      : [];
  check(
    "licenseJwtAudience",
    !Array.isArray(audience) || audience.length === 0 || jwtAudience.length > 0,
    "holds an empty or blank entry: list the JWT audiences (client ids) allowed to ask for tokens",
  );
  check(
    "licenseJwtAudience",
    !Array.isArray(audience) || audience.length > 0,
    "must list the JWT audiences (client ids) allowed to ask for tokens",
  );
  check(
    "licenseJwtAudience",
    Array.isArray(audience),
    "must be a list of JWT audiences (client ids)",
  );
  const licensePolicy = {
    persistent: flag("licensePersistent"),
    licenseDurationSeconds: number("licenseDurationSeconds"),
  };
  try {
    validateLicensePolicy(licensePolicy);
  } catch {
    check(
      "licenseDurationSeconds",
      false,
      `${licensePolicy.licenseDurationSeconds} must be a whole number of seconds from 1 to ` +
        `${MAX_LICENSE_DURATION_SECONDS} (a year: the longest license this service issues; ` +
        "PallyCon's 0, for no limit, is never issued)",
    );
  }
  const licenseServerUrl = text("licenseServerUrl");
  check(
    "licenseServerUrl",
    LICENSE_SERVER_URL.test(licenseServerUrl),
    `"${licenseServerUrl}" must be an https:// origin without a path, like ${DEFAULT_LICENSE_SERVER_URL}`,
  );
  return {
    siteId,
    siteKey: r.secret("licenseSiteKey", "licenseTokens", (key) =>
      key.length === SITE_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key)
        ? undefined
        : `the site key must be the ${SITE_KEY_LENGTH}-character key from the PallyCon console`,
    ),
    accessKey: r.secret("licenseAccessKey", "licenseTokens", (key) =>
      /^\S+$/.test(key) ? undefined : "the access key is empty or holds whitespace",
    ),
    jwtIssuer,
    jwtAudience,
    licensePolicy,
    licenseServerUrl,
  };
}

/**
 * Why `issuer` cannot be a JWT issuer for API Gateway's JWT authorizer, or undefined.
 * OpenID Connect Discovery defines the issuer as an https URL with no query or fragment;
 * the authorizer fetches `<issuer>/.well-known/openid-configuration` from it.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export function jwtIssuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:") return "is not an https URL";
  if (url.username || url.password) return "holds a user name or password";
  if (url.search || issuer.includes("?")) return "has a query (?...)";
  if (url.hash || issuer.includes("#")) return "has a fragment (#...)";
  if (/\s/.test(issuer)) return "holds whitespace";
  return undefined;
}
