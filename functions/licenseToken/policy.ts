/**
 * The license policy this service issues, as deployment settings: shared by the
 * component (validated at `pulumi preview`) and the function (validated again at
 * cold start), so both agree on what a valid policy is.
 */
import type { LicensePolicy } from "./token";

/** What every token's license allows. */
export interface LicensePolicySettings {
  /** Keep the license on the device for offline playback. */
  readonly persistent: boolean;
  /** How long a license stays valid, in seconds. */
  readonly licenseDurationSeconds: number;
}

/**
 * Streaming licenses that last a day: nothing is kept on the device, and a license
 * outlives any single viewing.
 */
export const DEFAULT_LICENSE_POLICY: LicensePolicySettings = {
  persistent: false,
  licenseDurationSeconds: 86_400,
};

/** The longest license this service issues: a year. PallyCon's 0 (no limit) is never issued. */
export const MAX_LICENSE_DURATION_SECONDS = 365 * 24 * 60 * 60;

/** Throws, naming the field, when a policy is not one this service issues. */
export function validateLicensePolicy(policy: LicensePolicySettings): void {
  if (typeof policy.persistent !== "boolean") {
    throw new Error("licensePolicy.persistent must be true or false");
  }
  const duration = policy.licenseDurationSeconds;
  if (!Number.isInteger(duration) || duration < 1 || duration > MAX_LICENSE_DURATION_SECONDS) {
    throw new Error(
      `licensePolicy.licenseDurationSeconds must be a whole number from 1 to ${MAX_LICENSE_DURATION_SECONDS}`,
    );
  }
}

/**
 * Reads a policy from JSON, with {@link DEFAULT_LICENSE_POLICY} for missing fields.
 * Unknown fields are refused, so a misspelt one is not silently ignored.
 */
export function parseLicensePolicy(text: string | undefined): LicensePolicySettings {
  if (text === undefined || text.trim() === "") return DEFAULT_LICENSE_POLICY;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("licensePolicy is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("licensePolicy must be a JSON object");
  }
  const unknown = Object.keys(value).filter((key) => !(key in DEFAULT_LICENSE_POLICY));
  if (unknown.length > 0) {
    throw new Error(`licensePolicy has unknown fields: ${unknown.join(", ")}`);
  }
  const policy = { ...DEFAULT_LICENSE_POLICY, ...(value as Partial<LicensePolicySettings>) };
  validateLicensePolicy(policy);
  return policy;
}

/** The PallyCon v2 policy for the settings. */
export function toPallyConPolicy(settings: LicensePolicySettings): LicensePolicy {
  return {
    policy_version: 2,
    playback_policy: {
      persistent: settings.persistent,
      license_duration: settings.licenseDurationSeconds,
    },
  };
}
