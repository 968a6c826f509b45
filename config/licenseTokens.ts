/** The license token service (`license*`): PallyCon license tokens for signed-in viewers. */
import type * as pulumi from "@pulumi/pulumi";
import type { VodLicenseTokensArgs } from "../components/vodPipeline";
import {
  LicensePolicySettings,
  SITE_ID_PATTERN,
  SITE_KEY_LENGTH,
  validateLicensePolicy,
} from "../shared/pallyCon";
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
  check(
    "licenseJwtIssuer",
    /^https:\/\/\S+$/.test(jwtIssuer),
    `"${jwtIssuer}" must be the https URL of the identity provider that signs your users' JWTs`,
  );
  const audience = list("licenseJwtAudience");
  const jwtAudience =
    Array.isArray(audience) && audience.every((a) => typeof a === "string" && a !== "")
      ? (audience as string[])
      : [];
  check(
    "licenseJwtAudience",
    jwtAudience.length > 0,
    "must list the JWT audiences (client ids) allowed to ask for tokens",
  );
  const licensePolicy = {
    persistent: flag("licensePersistent"),
    licenseDurationSeconds: number("licenseDurationSeconds"),
  };
  try {
    validateLicensePolicy(licensePolicy);
  } catch (e) {
    check("licenseDurationSeconds", false, (e as Error).message);
  }
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
  };
}
