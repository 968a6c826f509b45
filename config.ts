import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_KMS_URL,
  DEFAULT_STAGE_NAME,
  DEFAULT_THROTTLE,
  KMS_URL,
  STAGE_NAME,
} from "./components/pallyConGateway";
import {
  DEFAULT_LICENSE_POLICY,
  LicensePolicySettings,
  validateLicensePolicy,
} from "./functions/licenseToken/policy";
import { SITE_ID_PATTERN, SITE_KEY_LENGTH } from "./functions/licenseToken/token";
import { isValidContentId } from "./functions/shared/drm";
import { SESSION_SECONDS_RANGE } from "./functions/licenseToken/settings";
import { isKeyPair, validatePublicKeyPem } from "./functions/licenseToken/signedCookies";
import { DEFAULT_SESSION_SECONDS } from "./components/vodPipeline/signedCookies";
import { CustomDomainArgs, validateCustomDomain } from "./components/vodPipeline/customDomain";
import {
  defaultOriginAccess,
  OAI_REGIONS,
  ORIGIN_ACCESS_KINDS,
  OriginAccessKind,
} from "./components/vodPipeline/originAccess";
import {
  AccelerationMode,
  accelerationSettings,
  DEFAULT_ACCELERATION_MODE,
  DEFAULT_JOB_PRIORITY,
  jobPriority,
} from "./components/vodPipeline/queue";
import {
  AutomatedAbrLimits,
  DEFAULT_LADDER_MODE,
  LADDER_MODES,
  LadderMode,
  validateAutomatedAbrLimits,
  DEFAULT_LADDER,
  DEFAULT_QVBR_QUALITY_LEVEL,
  RATE_CONTROLS,
  RateControl,
  Rendition,
  parseRendition,
  validateLadder,
  validateQvbrQualityLevel,
} from "./functions/convert/ladder";

/**
 * DrmEndpoint's module, loaded only when the live channel is on: it imports
 * `@pulumi/aws-native`, whose hundreds of modules every other stack need not load.
 */
const drmEndpointModule = () =>
  require("./components/drmEndpoint") as typeof import("./components/drmEndpoint");

/** CloudFront price classes: which edge locations serve viewers. */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** Defaults for the keys `Pulumi.yaml` declares; a test keeps the two in step. */
export const CONFIG_DEFAULTS = {
  priceClass: "PriceClass_100" as PriceClass,
  rateControl: "CBR" as RateControl,
  qvbrQualityLevel: DEFAULT_QVBR_QUALITY_LEVEL,
  uploadExpirationDays: 0,
  logRetentionDays: 30,
  forceDestroyBuckets: false,
  corsAllowedOrigins: [] as string[],
  notificationEmail: "",
  ladder: DEFAULT_LADDER.map(({ width, height, bitrate }) => `${width}x${height}@${bitrate}`),
  kmsGateway: false,
  pallyconKmsUrl: DEFAULT_KMS_URL,
  kmsGatewayStageName: DEFAULT_STAGE_NAME,
  kmsGatewayRateLimit: DEFAULT_THROTTLE.rateLimit,
  kmsGatewayBurstLimit: DEFAULT_THROTTLE.burstLimit,
  kmsGatewayManageAccountLogRole: true,
  vodDrm: false,
  vodDrmClearOutputs: false,
  liveChannel: false,
  liveContentId: "",
  liveKeyRotationSeconds: 0,
  liveCmaf: false,
  licenseTokens: false,
  pallyconSiteId: "",
  licenseJwtIssuer: "",
  licenseJwtAudience: [] as string[],
  licensePersistent: DEFAULT_LICENSE_POLICY.persistent,
  licenseDurationSeconds: DEFAULT_LICENSE_POLICY.licenseDurationSeconds,
  originAccess: "auto",
  outputKmsEncryption: false,
  customDomainAliases: [] as string[],
  customDomainCertificateArn: "",
  customDomainHostedZoneId: "",
  cdnAccessLogs: false,
  cdnAdditionalMetrics: false,
  jobPriority: DEFAULT_JOB_PRIORITY,
  accelerationMode: DEFAULT_ACCELERATION_MODE as AccelerationMode,
  queueConcurrentJobs: 0,
  ladderMode: DEFAULT_LADDER_MODE as LadderMode,
  automatedAbrMaxRenditions: 0,
  automatedAbrMinBitrate: 0,
  automatedAbrMaxBitrate: 0,
  signedCookies: false,
  signedCookiePublicKey: "",
  signedCookieSessionSeconds: DEFAULT_SESSION_SECONDS,
};

/** Keys `Pulumi.yaml` declares `secret: true`, with no default: set them with `pulumi config set --secret`. */
export const SECRET_CONFIG_KEYS = [
  "pallyconEncToken",
  "pallyconSiteKey",
  "pallyconAccessKey",
  "signedCookiePrivateKey",
] as const;

/**
 * Every key `Pulumi.yaml` declares in the project's namespace; a test keeps the two
 * equal. Any other key of the namespace is a mistake (a typo) and is reported.
 */
export const DECLARED_CONFIG_KEYS: readonly string[] = [
  "applicationName",
  ...Object.keys(CONFIG_DEFAULTS),
  ...SECRET_CONFIG_KEYS,
];

/** The PallyCon KMS gateway's settings; present when `kmsGateway` is on. */
export interface KmsGatewayConfig {
  readonly kmsUrl: string;
  /** The enc-token, as a Pulumi secret. */
  readonly encToken: pulumi.Output<string>;
  readonly stageName: string;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly manageAccountLoggingRole: boolean;
}

/** DRM for on-demand assets; present when `vodDrm` is on. */
export interface VodDrmConfig {
  /** Keep the clear HLS and MP4 next to the encrypted outputs. */
  readonly keepClearOutputs: boolean;
}

/** The license token service; present when `licenseTokens` is on. */
export interface LicenseTokensConfig {
  readonly siteId: string;
  /** Secrets: they go into Secrets Manager only. */
  readonly siteKey: pulumi.Output<string>;
  readonly accessKey: pulumi.Output<string>;
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  readonly policy: LicensePolicySettings;
}

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

/** Signed cookies for the output; present when `signedCookies` is on. */
export interface SignedCookiesConfig {
  readonly publicKeyPem: string;
  /** A secret: it goes into the token service's Secrets Manager secret only. */
  readonly privateKeyPem: pulumi.Output<string>;
  readonly sessionSeconds: number;
}

/** The encrypted live channel; present when `liveChannel` is on. */
export interface LiveChannelConfig {
  readonly contentId: string;
  readonly keyRotationIntervalSeconds: number;
  readonly cmaf: boolean;
}

/** The stack's settings, read once and validated. */
export interface StackConfig {
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
  /** The KMS gateway; undefined when off (no gateway resources). */
  readonly kmsGateway?: KmsGatewayConfig;
  /** VOD DRM; undefined when off. Needs the gateway. */
  readonly vodDrm?: VodDrmConfig;
  /** The live channel; undefined when off. Needs the gateway. */
  readonly liveChannel?: LiveChannelConfig;
  /** The license token service for players; undefined when off. */
  readonly licenseTokens?: LicenseTokensConfig;
  /** Signed cookies for the output; undefined when off. Needs the token service. */
  readonly signedCookies?: SignedCookiesConfig;
  readonly delivery: DeliveryConfig;
  readonly transcoding: TranscodingConfig;
}

/** A configuration error that names the key; the program stops at `pulumi preview`. */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
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
  const config = new pulumi.Config();
  const key = (name: string) => `${pulumi.getProject()}:${name}`;
  const problems: string[] = [];

  // Pulumi's own getters throw for a wrongly typed value; collect those too.
  function read<T>(get: () => T | undefined, fallback: T): T {
    try {
      return get() ?? fallback;
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
      return fallback;
    }
  }
  function check(name: string, ok: boolean, message: string): void {
    if (!ok) problems.push(`${key(name)}: ${message}`);
  }

  for (const undeclared of undeclaredKeys()) {
    const closest = closestKey(undeclared);
    check(
      undeclared,
      false,
      `is not a key this program reads (Pulumi.yaml declares them)` +
        (closest ? `; did you mean ${key(closest)}?` : ".") +
        ` Remove it with \`pulumi config rm ${key(undeclared)}\``,
    );
  }

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

  const flag = (name: keyof typeof CONFIG_DEFAULTS) =>
    read(() => config.getBoolean(name), CONFIG_DEFAULTS[name] as boolean);
  const number = (name: keyof typeof CONFIG_DEFAULTS) =>
    read(() => config.getNumber(name), CONFIG_DEFAULTS[name] as number);

  // DRM: the gateway, then what uses it. Off means no resources at all.
  let kmsGateway: KmsGatewayConfig | undefined;
  if (flag("kmsGateway")) {
    const kmsUrl = read(() => config.get("pallyconKmsUrl"), CONFIG_DEFAULTS.pallyconKmsUrl);
    check(
      "pallyconKmsUrl",
      KMS_URL.test(kmsUrl),
      `"${kmsUrl}" must be an https:// origin without a path, like ${DEFAULT_KMS_URL}`,
    );
    const stageName = read(
      () => config.get("kmsGatewayStageName"),
      CONFIG_DEFAULTS.kmsGatewayStageName,
    );
    check(
      "kmsGatewayStageName",
      STAGE_NAME.test(stageName),
      `"${stageName}" must be 1-128 letters, digits or '_'`,
    );
    const rateLimit = number("kmsGatewayRateLimit");
    check(
      "kmsGatewayRateLimit",
      rateLimit > 0,
      `${rateLimit} must be a positive number of requests per second`,
    );
    const burstLimit = number("kmsGatewayBurstLimit");
    check(
      "kmsGatewayBurstLimit",
      Number.isInteger(burstLimit) && burstLimit >= 1,
      `${burstLimit} must be a positive whole number of requests`,
    );
    kmsGateway = {
      kmsUrl,
      encToken: readSecret(config, problems, "pallyconEncToken", "kmsGateway", (token) =>
        /['\s]/.test(token)
          ? "the enc-token holds a quote or whitespace; copy it again from the PallyCon console"
          : undefined,
      ),
      stageName,
      rateLimit,
      burstLimit,
      manageAccountLoggingRole: flag("kmsGatewayManageAccountLogRole"),
    };
  }

  const needsGateway = `needs ${key("kmsGateway")} set to true: the packagers reach the PallyCon KMS only through the gateway, which keeps the enc-token out of job settings`;
  let vodDrm: VodDrmConfig | undefined;
  if (flag("vodDrm")) {
    check("vodDrm", kmsGateway !== undefined, needsGateway);
    vodDrm = { keepClearOutputs: flag("vodDrmClearOutputs") };
  }

  let liveChannel: LiveChannelConfig | undefined;
  if (flag("liveChannel")) {
    check("liveChannel", kmsGateway !== undefined, needsGateway);
    const contentId =
      read(() => config.get("liveContentId"), CONFIG_DEFAULTS.liveContentId) ||
      `${applicationName.replace(/[^0-9A-Za-z_-]/g, "-")}-live`;
    check(
      "liveContentId",
      isValidContentId(contentId),
      `"${contentId}" must be 1-200 characters of 0-9, A-Z, a-z, '_' or '-' (it is the SPEKE resource id and the license tokens' cid)`,
    );
    const keyRotationIntervalSeconds = number("liveKeyRotationSeconds");
    check(
      "liveKeyRotationSeconds",
      Number.isInteger(keyRotationIntervalSeconds) &&
        (keyRotationIntervalSeconds === 0 ||
          keyRotationIntervalSeconds >= drmEndpointModule().MINIMUM_KEY_ROTATION_SECONDS),
      `${keyRotationIntervalSeconds} must be 0 (no rotation: the PallyCon KMS does not support rotation through MediaPackage) or at least ${drmEndpointModule().MINIMUM_KEY_ROTATION_SECONDS} seconds`,
    );
    liveChannel = { contentId, keyRotationIntervalSeconds, cmaf: flag("liveCmaf") };
  }

  let licenseTokens: LicenseTokensConfig | undefined;
  if (flag("licenseTokens")) {
    const siteId = read(() => config.get("pallyconSiteId"), CONFIG_DEFAULTS.pallyconSiteId);
    check(
      "pallyconSiteId",
      SITE_ID_PATTERN.test(siteId),
      `"${siteId}" must be the 4-character site id from the PallyCon console`,
    );
    const jwtIssuer = read(() => config.get("licenseJwtIssuer"), CONFIG_DEFAULTS.licenseJwtIssuer);
    check(
      "licenseJwtIssuer",
      /^https:\/\/\S+$/.test(jwtIssuer),
      `"${jwtIssuer}" must be the https URL of the identity provider that signs your users' JWTs`,
    );
    const audience = read(
      () => config.getObject<unknown>("licenseJwtAudience"),
      CONFIG_DEFAULTS.licenseJwtAudience,
    );
    const jwtAudience =
      Array.isArray(audience) && audience.every((a) => typeof a === "string" && a !== "")
        ? (audience as string[])
        : [];
    check(
      "licenseJwtAudience",
      jwtAudience.length > 0,
      "must list the JWT audiences (client ids) allowed to ask for tokens",
    );
    const policy = {
      persistent: flag("licensePersistent"),
      licenseDurationSeconds: number("licenseDurationSeconds"),
    };
    try {
      validateLicensePolicy(policy);
    } catch (e) {
      check("licenseDurationSeconds", false, (e as Error).message);
    }
    licenseTokens = {
      siteId,
      siteKey: readSecret(config, problems, "pallyconSiteKey", "licenseTokens", (key) =>
        key.length === SITE_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key)
          ? undefined
          : `the site key must be the ${SITE_KEY_LENGTH}-character key from the PallyCon console`,
      ),
      accessKey: readSecret(config, problems, "pallyconAccessKey", "licenseTokens", (key) =>
        /^\S+$/.test(key) ? undefined : "the access key is empty or holds whitespace",
      ),
      jwtIssuer,
      jwtAudience,
      policy,
    };
  }

  let signedCookies: SignedCookiesConfig | undefined;
  if (flag("signedCookies")) {
    check(
      "signedCookies",
      licenseTokens !== undefined,
      `needs ${key("licenseTokens")} set to true: the token service issues the cookies`,
    );
    const publicKeyPem = read(
      () => config.get("signedCookiePublicKey"),
      CONFIG_DEFAULTS.signedCookiePublicKey,
    );
    let publicKeyOk = false;
    try {
      validatePublicKeyPem(publicKeyPem, "the public key");
      publicKeyOk = true;
    } catch (error) {
      check(
        "signedCookiePublicKey",
        false,
        `${(error as Error).message}; set it with \`pulumi config set ${key("signedCookiePublicKey")} -- "$(cat public_key.pem)"\``,
      );
    }
    const sessionSeconds = number("signedCookieSessionSeconds");
    const { min, max } = SESSION_SECONDS_RANGE;
    check(
      "signedCookieSessionSeconds",
      Number.isInteger(sessionSeconds) && sessionSeconds >= min && sessionSeconds <= max,
      `${sessionSeconds} must be a whole number of seconds from ${min} to ${max}`,
    );
    signedCookies = {
      publicKeyPem,
      privateKeyPem: readSecret(
        config,
        problems,
        "signedCookiePrivateKey",
        "signedCookies",
        (pem) =>
          publicKeyOk && !isKeyPair(pem, publicKeyPem)
            ? "is not the private key of signedCookiePublicKey (or not a PEM private key)"
            : undefined,
      ),
      sessionSeconds,
    };
  }

  const delivery = readDelivery(config, check, read);
  const transcoding = readTranscoding(config, check, read);

  if (problems.length > 0) throw new ConfigError(problems);
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
    kmsGateway,
    vodDrm,
    liveChannel,
    licenseTokens,
    signedCookies,
    delivery,
    transcoding,
  };
}

type Check = (name: string, ok: boolean, message: string) => void;
type Read = <T>(get: () => T | undefined, fallback: T) => T;

/**
 * Origin access (an OAI works only in regions launched by December 2022, so `auto`
 * picks OAC elsewhere), output encryption, the custom domain and the CDN's logs.
 */
function readDelivery(config: pulumi.Config, check: Check, read: Read): DeliveryConfig {
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
function readTranscoding(config: pulumi.Config, check: Check, read: Read): TranscodingConfig {
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

/** Keys of this project's namespace that the stack sets but `Pulumi.yaml` does not declare. */
function undeclaredKeys(): string[] {
  const prefix = `${pulumi.getProject()}:`;
  return Object.keys(pulumi.runtime.allConfig())
    .filter((fullKey) => fullKey.startsWith(prefix))
    .map((fullKey) => fullKey.slice(prefix.length))
    .filter((name) => !DECLARED_CONFIG_KEYS.includes(name))
    .sort();
}

/** The declared key closest to a mistyped one, if it is close enough to be meant. */
function closestKey(name: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const declared of DECLARED_CONFIG_KEYS) {
    const distance = editDistance(name.toLowerCase(), declared.toLowerCase());
    if (!best || distance < best.distance) best = { key: declared, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.key : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * What the offline plan passes instead of a secret it cannot decrypt (`[secret]`) or
 * that the stack has not set (`[secret:unset:<key>]`). Their shape is not checked.
 */
export const planSecretPlaceholder = (unsetKey?: string) =>
  unsetKey ? `[secret:unset:${unsetKey}]` : "[secret]";
const PLAN_SECRET_PLACEHOLDER = /^\[secret(:unset:[^\]]+)?\]$/;

/**
 * A secret the enabled feature `neededBy` requires, read with `requireSecret`. Its
 * absence is reported with the command that sets it. `validate` sees the plain value
 * only to check its shape; its message never includes the value.
 */
function readSecret(
  config: pulumi.Config,
  problems: string[],
  name: (typeof SECRET_CONFIG_KEYS)[number],
  neededBy: keyof typeof CONFIG_DEFAULTS,
  validate: (plain: string) => string | undefined,
): pulumi.Output<string> {
  const fullKey = `${pulumi.getProject()}:${name}`;
  try {
    const secret = config.requireSecret(name);
    const plain = pulumi.runtime.getConfig(fullKey) ?? "";
    const problem = PLAN_SECRET_PLACEHOLDER.test(plain) ? undefined : validate(plain);
    if (problem) problems.push(`${fullKey}: ${problem}`);
    return secret;
  } catch {
    problems.push(
      `${fullKey}: is required when ${neededBy} is true; set it with \`pulumi config set --secret ${fullKey} <value from the PallyCon console>\``,
    );
    return pulumi.secret("");
  }
}
