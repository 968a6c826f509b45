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
  readonly profile: EncodingProfile;
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

  return {
    destinationBucket: required("DESTINATION_BUCKET"),
    mediaConvertRoleArn: required("MEDIACONVERT_ROLE_ARN"),
    applicationName: required("APPLICATION_NAME"),
    profile: { ladder, rateControl, qvbrQualityLevel },
  };
}
