/**
 * The stack's configuration, read once and validated: the base settings here, the
 * DRM, delivery and transcoding ones in `config/`. Every problem is reported at once,
 * each naming its key, and stops `pulumi preview` before anything is created.
 */
import * as pulumi from "@pulumi/pulumi";
import { readDelivery, readTranscoding } from "./config/delivery";
import type { DeliveryConfig, TranscodingConfig } from "./config/delivery";
import { readDrm } from "./config/drm";
import type { DrmConfig } from "./config/drm";
import { CONFIG_DEFAULTS, LOG_RETENTION_DAYS, PRICE_CLASSES, PriceClass } from "./config/keys";
import { ConfigReader } from "./config/reader";
import {
  DEFAULT_LADDER,
  RATE_CONTROLS,
  RateControl,
  Rendition,
  parseRendition,
  validateLadder,
  validateQvbrQualityLevel,
} from "./shared/ladder";

export * from "./config/keys";
export { ConfigError, planSecretPlaceholder } from "./config/reader";
export type * from "./config/delivery";
export type * from "./config/drm";

/** The stack's settings, read once and validated. */
export interface StackConfig extends DrmConfig {
  /** Tags MediaConvert jobs and filters their events, so stacks in one account don't mix. */
  readonly applicationName: string;
  readonly ladder: Rendition[];
  readonly rateControl: RateControl;
  readonly qvbrQualityLevel: number;
  /** Origins allowed to fetch media cross-origin; empty means the CloudFront domain only. */
  readonly corsAllowedOrigins: string[];
  readonly priceClass: PriceClass;
  /** Days after which uploads are deleted; 0 keeps them. */
  readonly uploadExpirationDays: number;
  /** Email address subscribed to job notifications; empty for none. */
  readonly notificationEmail: string;
  readonly logRetentionDays: number;
  readonly forceDestroyBuckets: boolean;
  readonly delivery: DeliveryConfig;
  readonly transcoding: TranscodingConfig;
}

/** MediaConvert job user metadata and the event rule filter on it: 1-64 of these. */
const APPLICATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const APPLICATION_NAME_MAX_LENGTH = 64;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/**
 * Reads and validates the stack configuration. Every problem is collected, and all
 * of them are reported together in one {@link ConfigError}, each naming its key.
 */
export function readStackConfig(): StackConfig {
  const r = new ConfigReader();
  const { config, read, check, key } = r;

  r.checkUndeclaredKeys();

  const defaultApplicationName = `${pulumi.getProject()}-${pulumi.getStack()}`;
  const applicationName = read(() => config.get("applicationName"), defaultApplicationName);
  check(
    "applicationName",
    applicationName.length <= APPLICATION_NAME_MAX_LENGTH ||
      applicationName !== defaultApplicationName,
    `defaults to "<project>-<stack>", which for this stack is ${applicationName.length} characters, ` +
      `more than ${APPLICATION_NAME_MAX_LENGTH}: set a shorter one with ` +
      `\`pulumi config set ${key("applicationName")} <name>\``,
  );
  check(
    "applicationName",
    applicationName === defaultApplicationName ||
      applicationName.length <= APPLICATION_NAME_MAX_LENGTH,
    `"${applicationName}" is ${applicationName.length} characters; at most ${APPLICATION_NAME_MAX_LENGTH} are allowed`,
  );
  check(
    "applicationName",
    APPLICATION_NAME.test(applicationName),
    `"${applicationName}" must be letters, digits, '.', '_' or '-', starting with a letter or digit`,
  );

  const ladderSpecs = read(() => config.getObject<unknown>("ladder"), CONFIG_DEFAULTS.ladder);
  let ladder: Rendition[] = [...DEFAULT_LADDER];
  if (!Array.isArray(ladderSpecs) || !ladderSpecs.every((s) => typeof s === "string")) {
    check("ladder", false, 'must be a list of "WIDTHxHEIGHT@BITRATE" strings');
  } else {
    const { renditions, problems: ladderProblems } = readLadder(ladderSpecs);
    for (const problem of ladderProblems) check("ladder", false, problem);
    if (ladderProblems.length === 0) ladder = renditions;
  }

  const rateControl = read(() => config.get("rateControl"), CONFIG_DEFAULTS.rateControl);
  check(
    "rateControl",
    (RATE_CONTROLS as readonly string[]).includes(rateControl),
    `"${rateControl}" must be one of ${RATE_CONTROLS.join(", ")}`,
  );

  const qvbrQualityLevel = read(
    () => config.getNumber("qvbrQualityLevel"),
    CONFIG_DEFAULTS.qvbrQualityLevel,
  );
  try {
    validateQvbrQualityLevel(qvbrQualityLevel);
  } catch (e) {
    check("qvbrQualityLevel", false, (e as Error).message);
  }

  const corsAllowedOrigins = read(
    () => config.getObject<unknown>("corsAllowedOrigins"),
    CONFIG_DEFAULTS.corsAllowedOrigins,
  );
  const originList = Array.isArray(corsAllowedOrigins) ? corsAllowedOrigins : [];
  check("corsAllowedOrigins", Array.isArray(corsAllowedOrigins), "must be a list of origins");
  for (const origin of originList) {
    const problem = originProblem(origin);
    if (problem) check("corsAllowedOrigins", false, `${JSON.stringify(origin)} ${problem}`);
  }

  const priceClass = read(() => config.get("priceClass"), CONFIG_DEFAULTS.priceClass);
  check(
    "priceClass",
    (PRICE_CLASSES as readonly string[]).includes(priceClass),
    `"${priceClass}" must be one of ${PRICE_CLASSES.join(", ")}`,
  );

  const uploadExpirationDays = read(
    () => config.getNumber("uploadExpirationDays"),
    CONFIG_DEFAULTS.uploadExpirationDays,
  );
  check(
    "uploadExpirationDays",
    Number.isInteger(uploadExpirationDays) && uploadExpirationDays >= 0,
    `${uploadExpirationDays} must be a whole number of days (0 keeps uploads)`,
  );

  const notificationEmail = read(
    () => config.get("notificationEmail"),
    CONFIG_DEFAULTS.notificationEmail,
  );
  check(
    "notificationEmail",
    notificationEmail === "" || EMAIL.test(notificationEmail),
    `"${notificationEmail}" is not an email address`,
  );

  const logRetentionDays = read(
    () => config.getNumber("logRetentionDays"),
    CONFIG_DEFAULTS.logRetentionDays,
  );
  check(
    "logRetentionDays",
    (LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays),
    `${logRetentionDays} must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
  );

  const forceDestroyBuckets = read(
    () => config.getBoolean("forceDestroyBuckets"),
    CONFIG_DEFAULTS.forceDestroyBuckets,
  );

  const drm = readDrm(r, applicationName);
  const delivery = readDelivery(r);
  const transcoding = readTranscoding(r);

  r.throwIfInvalid();
  return {
    applicationName,
    ladder,
    rateControl: rateControl as RateControl,
    qvbrQualityLevel,
    corsAllowedOrigins: originList as string[],
    priceClass: priceClass as PriceClass,
    uploadExpirationDays,
    notificationEmail,
    logRetentionDays,
    forceDestroyBuckets,
    ...drm,
    delivery,
    transcoding,
  };
}

/**
 * Parses and validates each rendition on its own, then the ladder as a whole, so that
 * every problem is reported at once.
 */
function readLadder(specs: string[]): { renditions: Rendition[]; problems: string[] } {
  const renditions: Rendition[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    try {
      const rendition = parseRendition(spec);
      validateLadder([rendition]);
      renditions.push(rendition);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  // The ladder as a whole (its size, unique heights), over the renditions valid on their own.
  if (specs.length === 0 || renditions.length > 0) {
    try {
      validateLadder(renditions);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { renditions, problems };
}

/** Why a CORS origin is not `scheme://host[:port]`, or undefined when it is one. */
function originProblem(origin: unknown): string | undefined {
  const example = "https://app.example.com";
  if (typeof origin !== "string") return `is not an origin like ${example}`;
  if (origin.includes("*")) {
    return `is not an origin: wildcards are not allowed; list each origin, like ${example}`;
  }
  if (ORIGIN.test(origin)) return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(origin);
  if (!scheme) {
    return `is not an origin: it has no scheme; write https://${origin.replace(/\/+$/, "")}`;
  }
  if (!/^https?$/i.test(scheme[1]))
    return `is not an origin: only https:// and http:// are allowed`;
  const rest = origin.slice(scheme[0].length);
  const authority = /^[^/?#]*/.exec(rest)![0];
  const bare = `${scheme[0]}${authority}`;
  if (rest === `${authority}/`) return `is not an origin: it has a trailing slash; write ${bare}`;
  if (rest.length > authority.length) {
    return `is not an origin: it has a path (${rest.slice(authority.length)}); an origin is only the scheme, host and port: ${bare}`;
  }
  return `is not an origin like ${example}: the host or port is not valid`;
}
