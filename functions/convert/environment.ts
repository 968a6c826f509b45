/**
 * The convert function's environment: the variables the component sets, read and validated
 * once at cold start. (The MediaConvert job's settings are built in `jobSettings.ts`.)
 */
import type { DrmSettings } from "./drmGroups";
import type { EncodingProfile } from "./encoding";
import {
  accelerationSettings,
  jobPriority,
  jobQueueSettings,
  JobQueueSettings,
} from "../../shared/jobQueue";
import {
  AutomatedAbrLimits,
  DEFAULT_LADDER_MODE,
  DEFAULT_QVBR_QUALITY_LEVEL,
  LADDER_MODES,
  RATE_CONTROLS,
  RateControl,
  Rendition,
  validateAutomatedAbrLimits,
  validateLadder,
  validateQvbrQualityLevel,
} from "../../shared/ladder";
import { DEFAULT_DRM_PACKAGING, DRM_PACKAGINGS, DrmPackaging } from "../../shared/outputLayout";

/** A MediaConvert queue's ARN: `arn:<partition>:mediaconvert:<region>:<account>:queues/<name>`. */
const QUEUE_ARN = /^arn:aws[a-z-]*:mediaconvert:[a-z0-9-]+:\d{12}:queues\/[A-Za-z0-9_-]+$/;

/** What the convert function is told by its environment. */
export interface ConvertEnvironment {
  readonly destinationBucket: string;
  readonly mediaConvertRoleArn: string;
  readonly applicationName: string;
  /** The DynamoDB table that records each upload, so it gets exactly one job. */
  readonly idempotencyTable: string;
  readonly profile: EncodingProfile;
  /** DRM over SPEKE; absent when DRM is off. */
  readonly drm?: DrmSettings;
  /** This stack's queue, the jobs' priority and acceleration: CreateJob's `Queue`, `Priority`, `AccelerationSettings`. */
  readonly queue: JobQueueSettings;
}

/**
 * Reads and validates the function's environment. Throws at cold start, naming the
 * variable, so a misconfigured deployment fails loudly on its first event.
 *
 * Besides the buckets, roles, ladder and DRM: `JOB_QUEUE_ARN` (required: this stack's
 * queue), `JOB_PRIORITY` (-50..50, default 0), `ACCELERATION_MODE` (DISABLED, ENABLED
 * or PREFERRED, default DISABLED), and `LADDER_MODE` with its automated ABR limits
 * (see {@link readAutomatedAbr}).
 */
export function readConvertEnvironment(env: NodeJS.ProcessEnv): ConvertEnvironment {
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

  const automatedAbr = readAutomatedAbr(env);
  const drm = readDrmSettings(env);
  const queueArn = parse("JOB_QUEUE_ARN", (text) => {
    if (!QUEUE_ARN.test(text)) {
      throw new Error(
        `"${text}" is not a MediaConvert queue ARN (arn:aws:mediaconvert:<region>:<account>:queues/<name>)`,
      );
    }
    return text;
  });
  // The queue helpers' own messages name the variable.
  const queue = jobQueueSettings({
    queueArn,
    priority: env.JOB_PRIORITY ? jobPriority(env.JOB_PRIORITY, "JOB_PRIORITY") : undefined,
    accelerationMode: env.ACCELERATION_MODE
      ? accelerationSettings(env.ACCELERATION_MODE, "ACCELERATION_MODE").Mode
      : undefined,
  });
  return {
    destinationBucket: required("DESTINATION_BUCKET"),
    mediaConvertRoleArn: required("MEDIACONVERT_ROLE_ARN"),
    applicationName: required("APPLICATION_NAME"),
    idempotencyTable: required("IDEMPOTENCY_TABLE"),
    profile: { ladder, rateControl, qvbrQualityLevel, ...(automatedAbr ? { automatedAbr } : {}) },
    ...(drm ? { drm } : {}),
    queue,
  };
}

/**
 * `LADDER_MODE` (`fixed` or `automated`, default fixed). With `automated`, the optional
 * limits `AUTOMATED_ABR_MAX_RENDITIONS` (3..15), `AUTOMATED_ABR_MIN_BITRATE` and
 * `AUTOMATED_ABR_MAX_BITRATE` (100,000..100,000,000 bps, min at most max); each one
 * left out takes MediaConvert's default. The limits are refused with the fixed ladder,
 * where they would mean nothing.
 */
function readAutomatedAbr(env: NodeJS.ProcessEnv): AutomatedAbrLimits | undefined {
  const mode = env.LADDER_MODE || DEFAULT_LADDER_MODE;
  if (!(LADDER_MODES as readonly string[]).includes(mode)) {
    throw new Error(
      `Environment variable LADDER_MODE is invalid: "${mode}" is not ${LADDER_MODES.join(" or ")}`,
    );
  }
  const names = {
    maxRenditions: "AUTOMATED_ABR_MAX_RENDITIONS",
    minBitrate: "AUTOMATED_ABR_MIN_BITRATE",
    maxBitrate: "AUTOMATED_ABR_MAX_BITRATE",
  } as const;
  if (mode === "fixed") {
    const stray = Object.values(names).find((name) => env[name]);
    if (stray) {
      throw new Error(
        `Environment variable ${stray} is set but LADDER_MODE is not automated: it only applies to automated ABR`,
      );
    }
    return undefined;
  }
  const limits: { -readonly [K in keyof AutomatedAbrLimits]: AutomatedAbrLimits[K] } = {};
  for (const [field, name] of Object.entries(names) as Array<[keyof AutomatedAbrLimits, string]>) {
    const text = env[name];
    if (!text) continue;
    const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
    try {
      validateAutomatedAbrLimits({ [field]: value });
    } catch (error) {
      throw new Error(`Environment variable ${name} is invalid: ${(error as Error).message}`);
    }
    limits[field] = value;
  }
  try {
    validateAutomatedAbrLimits(limits);
  } catch (error) {
    throw new Error(
      `Environment variables ${names.minBitrate} and ${names.maxBitrate} are invalid: ${(error as Error).message}`,
    );
  }
  return limits;
}

/**
 * DRM is on when `SPEKE_URL` is set: the https URL of the SPEKE proxy (API Gateway
 * in front of the PallyCon KMS). `DRM_CLEAR_OUTPUTS` (`true` or `false`, default
 * false) also keeps the clear HLS and MP4. `DRM_PACKAGING` (`separate` or `cmaf`,
 * default separate) picks the DASH + FairPlay HLS groups or the one CMAF group.
 * None set: DRM is off.
 *
 * The URL must carry no secret: the gateway adds the KMS token on the server side.
 * So a query string, a fragment or credentials are refused, and error messages
 * never echo the value.
 */
function readDrmSettings(env: NodeJS.ProcessEnv): DrmSettings | undefined {
  const spekeUrl = env.SPEKE_URL;
  const clearOutputs = env.DRM_CLEAR_OUTPUTS;
  const packaging = env.DRM_PACKAGING;
  if (!spekeUrl) {
    const stray = clearOutputs ? "DRM_CLEAR_OUTPUTS" : packaging ? "DRM_PACKAGING" : undefined;
    if (stray) {
      throw new Error(
        `Environment variable ${stray} is set but SPEKE_URL is not: it only applies with DRM on`,
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
  if (packaging && !(DRM_PACKAGINGS as readonly string[]).includes(packaging)) {
    throw new Error(
      `Environment variable DRM_PACKAGING is invalid: "${packaging}" is not ${DRM_PACKAGINGS.join(" or ")}`,
    );
  }
  return {
    spekeUrl,
    keepClearOutputs: clearOutputs === "true",
    packaging: (packaging || DEFAULT_DRM_PACKAGING) as DrmPackaging,
  };
}
