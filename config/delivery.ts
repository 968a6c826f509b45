/** Delivery (origin access, encryption, domain, logs) and transcoding settings. */
import * as pulumi from "@pulumi/pulumi";
import { CustomDomainArgs, validateCustomDomain } from "../components/vodPipeline/customDomain";
import {
  defaultOriginAccess,
  OAI_REGIONS,
  ORIGIN_ACCESS_KINDS,
  OriginAccessKind,
} from "../components/vodPipeline/originAccess";
import {
  AccelerationMode,
  accelerationSettings,
  DEFAULT_ACCELERATION_MODE,
  DEFAULT_JOB_PRIORITY,
  jobPriority,
} from "../shared/jobQueue";
import {
  AutomatedAbrLimits,
  LADDER_MODES,
  LadderMode,
  validateAutomatedAbrLimits,
} from "../shared/ladder";
import { CONFIG_DEFAULTS } from "./keys";
import type { ConfigReader } from "./reader";

/** How the output is delivered: origin access, encryption, domain and logs. */
export interface DeliveryConfig {
  readonly originAccess: OriginAccessKind;
  readonly outputKmsEncryption: boolean;
  readonly customDomain?: CustomDomainArgs;
  readonly cdnAccessLogs: boolean;
  readonly cdnAdditionalMetrics: boolean;
}

/** The stack's MediaConvert queue and how jobs run in it. */
export interface TranscodingConfig {
  readonly ladderMode: LadderMode;
  /** Unset limits take MediaConvert's defaults. */
  readonly automatedAbr: AutomatedAbrLimits;
  readonly jobPriority: number;
  readonly accelerationMode: AccelerationMode;
  /** Undefined: the account's quota. */
  readonly queueConcurrentJobs?: number;
}

/**
 * Origin access (an OAI works only in regions launched by December 2022, so `auto`
 * picks OAC elsewhere), output encryption, the custom domain and the CDN's logs.
 */
export function readDelivery(r: ConfigReader): DeliveryConfig {
  const { config, check, read } = r;
  const region = new pulumi.Config("aws").get("region") ?? "";
  const requested = read(() => config.get("originAccess"), CONFIG_DEFAULTS.originAccess);
  check(
    "originAccess",
    ["auto", ...ORIGIN_ACCESS_KINDS].includes(requested),
    `"${requested}" must be auto, oai or oac`,
  );
  const originAccess: OriginAccessKind =
    requested === "oai" || requested === "oac" ? requested : defaultOriginAccess(region);
  check(
    "originAccess",
    !(originAccess === "oai" && region && !OAI_REGIONS.has(region)),
    `an Origin Access Identity cannot read S3 in ${region} (regions launched after December 2022); use oac or auto`,
  );
  const outputKmsEncryption = read(
    () => config.getBoolean("outputKmsEncryption"),
    CONFIG_DEFAULTS.outputKmsEncryption,
  );
  check(
    "outputKmsEncryption",
    !outputKmsEncryption || originAccess === "oac",
    "needs originAccess oac: an Origin Access Identity cannot read KMS-encrypted objects",
  );

  const aliases = read(
    () => config.getObject<string[]>("customDomainAliases"),
    CONFIG_DEFAULTS.customDomainAliases,
  );
  const certificateArn = read(
    () => config.get("customDomainCertificateArn"),
    CONFIG_DEFAULTS.customDomainCertificateArn,
  );
  const hostedZoneId = read(
    () => config.get("customDomainHostedZoneId"),
    CONFIG_DEFAULTS.customDomainHostedZoneId,
  );
  let customDomain: CustomDomainArgs | undefined;
  if (Array.isArray(aliases) && aliases.length > 0) {
    customDomain = {
      aliases,
      certificateArn: certificateArn || undefined,
      hostedZoneId: hostedZoneId || undefined,
    };
    try {
      validateCustomDomain(customDomain);
    } catch (error) {
      // The component names its argument; the config names its keys.
      const message = (error as Error).message.replace(/^VodPipeline: `customDomain\.(\w+)`/, "");
      const field = /customDomain\.(\w+)/.exec((error as Error).message)?.[1] ?? "aliases";
      check(`customDomain${field[0].toUpperCase()}${field.slice(1)}`, false, message.trim());
    }
  } else {
    check(
      "customDomainCertificateArn",
      !certificateArn && !hostedZoneId,
      "is set but customDomainAliases is empty: list the host names to serve",
    );
  }
  return {
    originAccess,
    outputKmsEncryption,
    customDomain,
    cdnAccessLogs: read(() => config.getBoolean("cdnAccessLogs"), CONFIG_DEFAULTS.cdnAccessLogs),
    cdnAdditionalMetrics: read(
      () => config.getBoolean("cdnAdditionalMetrics"),
      CONFIG_DEFAULTS.cdnAdditionalMetrics,
    ),
  };
}

/** Job priority, accelerated transcoding and the queue's concurrency. */
export function readTranscoding(r: ConfigReader): TranscodingConfig {
  const { config, check, read } = r;
  const validated = <T>(name: string, value: () => T, fallback: T): T => {
    try {
      return value();
    } catch (error) {
      check(name, false, (error as Error).message.replace(/^`\w+` /, ""));
      return fallback;
    }
  };
  const priority = read(() => config.getNumber("jobPriority"), CONFIG_DEFAULTS.jobPriority);
  const mode = read(() => config.get("accelerationMode"), CONFIG_DEFAULTS.accelerationMode);
  const concurrent = read(
    () => config.getNumber("queueConcurrentJobs"),
    CONFIG_DEFAULTS.queueConcurrentJobs,
  );
  check(
    "queueConcurrentJobs",
    Number.isInteger(concurrent) && concurrent >= 0,
    `${concurrent} must be a whole number of jobs (0: the account's quota)`,
  );
  const ladderMode = read(() => config.get("ladderMode"), CONFIG_DEFAULTS.ladderMode);
  check(
    "ladderMode",
    (LADDER_MODES as readonly string[]).includes(ladderMode),
    `"${ladderMode}" must be one of ${LADDER_MODES.join(", ")}`,
  );
  // 0 leaves a limit to MediaConvert.
  const limit = (name: keyof typeof CONFIG_DEFAULTS) =>
    read(() => config.getNumber(name), CONFIG_DEFAULTS[name] as number) || undefined;
  const automatedAbr: AutomatedAbrLimits = {
    maxRenditions: limit("automatedAbrMaxRenditions"),
    minBitrate: limit("automatedAbrMinBitrate"),
    maxBitrate: limit("automatedAbrMaxBitrate"),
  };
  // Each limit on its own, so the message names its key; then the pair of bitrates.
  const limitKeys = {
    maxRenditions: "automatedAbrMaxRenditions",
    minBitrate: "automatedAbrMinBitrate",
    maxBitrate: "automatedAbrMaxBitrate",
  } as const;
  for (const [field, name] of Object.entries(limitKeys)) {
    try {
      validateAutomatedAbrLimits({ [field]: automatedAbr[field as keyof AutomatedAbrLimits] });
    } catch (error) {
      check(name, false, (error as Error).message);
    }
  }
  const { minBitrate, maxBitrate } = automatedAbr;
  check(
    "automatedAbrMinBitrate",
    !(minBitrate && maxBitrate && minBitrate > maxBitrate),
    `${minBitrate} is above automatedAbrMaxBitrate ${maxBitrate}`,
  );
  check(
    "ladderMode",
    ladderMode === "automated" || Object.values(automatedAbr).every((v) => v === undefined),
    "automatedAbr* limits are set but ladderMode is not automated",
  );
  return {
    ladderMode: ladderMode as LadderMode,
    automatedAbr,
    jobPriority: validated("jobPriority", () => jobPriority(priority), DEFAULT_JOB_PRIORITY),
    accelerationMode: validated(
      "accelerationMode",
      () => accelerationSettings(mode).Mode,
      DEFAULT_ACCELERATION_MODE,
    ),
    queueConcurrentJobs: concurrent > 0 ? concurrent : undefined,
  };
}
