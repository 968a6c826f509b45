/**
 * Who may watch what: the token service's entitlement settings. Read only with
 * `licenseTokens` on; nothing is granted unless one of them says so.
 */
import * as pulumi from "@pulumi/pulumi";
import { CLAIM_NAME_PATTERN, FUNCTION_ARN_PATTERN, SCOPE_PATTERN } from "../shared/entitlements";
import { CONFIG_DEFAULTS } from "./keys";
import type { ConfigReader } from "./reader";

/** The entitlement settings; present when `licenseTokens` is on. */
export interface EntitlementsConfig {
  /** Any signed-in user may watch everything (free content only). */
  readonly grantAllSignedIn: boolean;
  /** The JWT claim listing the content ids (or `prefix*`) a user may watch. */
  readonly claim: string;
  /** OAuth scopes the routes require; empty for none. */
  readonly requiredScopes: string[];
  /** The entitlement function's ARN; undefined for none. */
  readonly functionArn?: string;
}

/** The keys this module reads. */
const KEYS = [
  "licenseGrantAllSignedIn",
  "licenseEntitlementClaim",
  "licenseRequiredScopes",
  "licenseEntitlementFunctionArn",
] as const;

/**
 * Reads the entitlement keys. Problems are collected under their key. When only the
 * default claim can grant and the stack did not choose it, a warning says so at preview: a stack whose identity provider
 * adds no such claim refuses every viewer.
 */
export function readEntitlements(r: ConfigReader): EntitlementsConfig | undefined {
  const { config, read, check, key, flag } = r;
  if (!flag("licenseTokens")) {
    // A value other than the default, for a service that is not deployed, is a mistake.
    for (const name of KEYS) {
      const value =
        name === "licenseRequiredScopes"
          ? read(() => config.getObject<unknown>(name), CONFIG_DEFAULTS[name])
          : name === "licenseGrantAllSignedIn"
            ? flag(name)
            : read(() => config.get(name), CONFIG_DEFAULTS[name]);
      check(
        name,
        JSON.stringify(value) === JSON.stringify(CONFIG_DEFAULTS[name]),
        `needs ${key("licenseTokens")} set to true: it configures the token service`,
      );
    }
    return undefined;
  }

  const grantAllSignedIn = flag("licenseGrantAllSignedIn");
  const claim = read(
    () => config.get("licenseEntitlementClaim"),
    CONFIG_DEFAULTS.licenseEntitlementClaim,
  );
  check(
    "licenseEntitlementClaim",
    CLAIM_NAME_PATTERN.test(claim),
    `"${claim}" must be a JWT claim name: 1-256 printable characters, no spaces`,
  );

  const scopes = read(
    () => config.getObject<unknown>("licenseRequiredScopes"),
    CONFIG_DEFAULTS.licenseRequiredScopes,
  );
  const requiredScopes =
    Array.isArray(scopes) && scopes.every((s) => typeof s === "string" && SCOPE_PATTERN.test(s))
      ? (scopes as string[])
      : [];
  check(
    "licenseRequiredScopes",
    requiredScopes === scopes,
    'must be a list of OAuth scope names (no spaces or quotes), such as ["video/watch"]',
  );

  const functionArn = read(
    () => config.get("licenseEntitlementFunctionArn"),
    CONFIG_DEFAULTS.licenseEntitlementFunctionArn,
  );
  check(
    "licenseEntitlementFunctionArn",
    functionArn === "" || FUNCTION_ARN_PATTERN.test(functionArn),
    `"${functionArn}" must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)`,
  );
  check(
    "licenseGrantAllSignedIn",
    !(grantAllSignedIn && functionArn),
    `cannot be combined with ${key("licenseEntitlementFunctionArn")}: with it, the function would never be asked`,
  );

  // Setting the claim, even to its default, says the identity provider adds it.
  const claimChosen = config.get("licenseEntitlementClaim") !== undefined;
  if (!grantAllSignedIn && !functionArn && !claimChosen) {
    pulumi.log.warn(
      `${key("licenseTokens")}: only users whose JWT carries an "${claim}" claim naming the ` +
        `content get license tokens and sessions; everyone else is refused (403). If your ` +
        `identity provider adds no such claim, set ${key("licenseEntitlementClaim")}, ` +
        `${key("licenseEntitlementFunctionArn")}, or ${key("licenseGrantAllSignedIn")} ` +
        `(any signed-in user may watch everything: not for paid content).`,
    );
  }
  return {
    grantAllSignedIn,
    claim,
    requiredScopes,
    ...(functionArn ? { functionArn } : {}),
  };
}
