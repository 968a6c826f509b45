/**
 * What PallyCon accepts from this service: site ids and keys, and the license policy it
 * issues. The config validates with these at `pulumi preview` and the token function
 * at cold start, so both agree.
 */

/** A site key is 32 ASCII characters: its bytes are the AES-256 key. */
export const SITE_KEY_LENGTH = 32;
/**
 * PallyCon site ids are four uppercase letters or digits (`ABCD`, `DEMO`, `TUTO` in
 * the docs and samples). PallyCon publishes no formal rule, so this is what every
 * published example has; a wrong site id otherwise only shows up as a refused license.
 */
export const SITE_ID_PATTERN = /^[A-Z0-9]{4}$/;

/** The playback part of a v2 license policy. */
export interface PlaybackPolicy {
  /** Keep the license for offline playback. */
  readonly persistent?: boolean;
  /** How long the license is valid, in seconds; 0 means without limit. */
  readonly license_duration?: number;
  readonly [field: string]: unknown;
}

/** A PallyCon license policy (v2). Fields other than these are passed through unchanged. */
export interface LicensePolicy {
  readonly policy_version: 2;
  readonly playback_policy?: PlaybackPolicy;
  readonly [field: string]: unknown;
}

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
