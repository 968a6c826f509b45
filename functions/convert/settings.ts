import type { DrmSettings } from "./drmGroups";
import type { EncodingProfile } from "./jobSettings";
import {
  DEFAULT_QVBR_QUALITY_LEVEL,
  RATE_CONTROLS,
  RateControl,
  Rendition,
  validateLadder,
  validateQvbrQualityLevel,
} from "./ladder";

/** What the convert function is told by its environment. */
export interface ConvertSettings {
  readonly destinationBucket: string;
  readonly mediaConvertRoleArn: string;
  readonly applicationName: string;
  /** The DynamoDB table that records each upload, so it gets exactly one job. */
  readonly idempotencyTable: string;
  readonly profile: EncodingProfile;
  /** DRM over SPEKE; absent when DRM is off. */
  readonly drm?: DrmSettings;
}

/**
 * Reads and validates the function's environment. Throws at cold start, naming the
 * variable, so a misconfigured deployment fails loudly on its first event.
 */
export function readConvertSettings(env: NodeJS.ProcessEnv): ConvertSettings {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`Environment variable ${name} is not set`);
    return value;
  };
  const parse = <T>(name: string, read: (text: string) => T): T => {
    try {
      return read(required(name));
    } catch (error) {
      throw new Error(`Environment variable ${name} is invalid: ${(error as Error).message}`);
    }
  };

  const ladder = parse("LADDER", (text) => {
    const value = JSON.parse(text) as Rendition[];
    if (!Array.isArray(value)) throw new Error("not a JSON array");
    validateLadder(value);
    return value;
  });
  const rateControl = parse("RATE_CONTROL", (text) => {
    if (!(RATE_CONTROLS as readonly string[]).includes(text))
      throw new Error(`"${text}" is not CBR or QVBR`);
    return text as RateControl;
  });
  const qvbrQualityLevel = env.QVBR_QUALITY_LEVEL
    ? parse("QVBR_QUALITY_LEVEL", (text) => {
        const level = Number(text);
        validateQvbrQualityLevel(level);
        return level;
      })
    : DEFAULT_QVBR_QUALITY_LEVEL;

  const drm = readDrmSettings(env);
  return {
    destinationBucket: required("DESTINATION_BUCKET"),
    mediaConvertRoleArn: required("MEDIACONVERT_ROLE_ARN"),
    applicationName: required("APPLICATION_NAME"),
    idempotencyTable: required("IDEMPOTENCY_TABLE"),
    profile: { ladder, rateControl, qvbrQualityLevel },
    ...(drm ? { drm } : {}),
  };
}

/**
 * DRM is on when `SPEKE_URL` is set: the https URL of the SPEKE proxy (API Gateway
 * in front of the PallyCon KMS). `DRM_CLEAR_OUTPUTS` (`true` or `false`, default
 * false) also keeps the clear HLS and MP4. Neither set: DRM is off.
 *
 * The URL must carry no secret: the gateway adds the KMS token on the server side.
 * So a query string, a fragment or credentials are refused, and error messages
 * never echo the value.
 */
function readDrmSettings(env: NodeJS.ProcessEnv): DrmSettings | undefined {
  const spekeUrl = env.SPEKE_URL;
  const clearOutputs = env.DRM_CLEAR_OUTPUTS;
  if (!spekeUrl) {
    if (clearOutputs) {
      throw new Error(
        "Environment variable DRM_CLEAR_OUTPUTS is set but SPEKE_URL is not: it only applies with DRM on",
      );
    }
    return undefined;
  }
  const invalid = (reason: string) =>
    new Error(`Environment variable SPEKE_URL is invalid: ${reason}`);
  let url: URL;
  try {
    url = new URL(spekeUrl);
  } catch {
    throw invalid("not an absolute URL");
  }
  if (url.protocol !== "https:") throw invalid("it must be an https:// URL");
  if (url.username || url.password) throw invalid("it must not carry credentials");
  if (url.search || url.hash) {
    throw invalid(
      "it must not carry a query string or fragment (the gateway adds the KMS token server side)",
    );
  }
  if (clearOutputs && clearOutputs !== "true" && clearOutputs !== "false") {
    throw new Error(
      `Environment variable DRM_CLEAR_OUTPUTS is invalid: "${clearOutputs}" is not true or false`,
    );
  }
  return { spekeUrl, keepClearOutputs: clearOutputs === "true" };
}
