/**
 * The keys this program reads, by group: their defaults (named constants of the
 * components and shared modules, so a default is stated once in code; `Pulumi.yaml`
 * declares the same values, and a test keeps the two equal) and which are secrets.
 */
import { DEFAULT_LOG_RETENTION_DAYS } from "../components/common/logRetention";
import { DEFAULT_KEY_ROTATION_INTERVAL_SECONDS } from "../components/drmEndpoint";
import {
  DEFAULT_KMS_URL,
  DEFAULT_MANAGE_ACCOUNT_LOG_ROLE,
  DEFAULT_STAGE_NAME,
  DEFAULT_THROTTLING,
} from "../components/pallyConGateway";
import { DEFAULT_PRICE_CLASS } from "../components/vodPipeline/delivery";
import { DEFAULT_SESSION_SECONDS } from "../components/vodPipeline/signedCookies";
import { DEFAULT_ACCELERATION_MODE, DEFAULT_JOB_PRIORITY } from "../shared/jobQueue";
import {
  DEFAULT_LADDER,
  DEFAULT_LADDER_MODE,
  DEFAULT_QVBR_QUALITY_LEVEL,
  DEFAULT_RATE_CONTROL,
} from "../shared/ladder";
import { DEFAULT_LICENSE_SERVER_URL } from "../player/src/config";
import { DEFAULT_ENTITLEMENT_CLAIM } from "../shared/entitlements";
import { DEFAULT_LICENSE_POLICY } from "../shared/pallyCon";
import { DEFAULT_DRM_PACKAGING } from "../shared/outputLayout";

export { LOG_RETENTION_DAYS } from "../components/common/logRetention";
export { PRICE_CLASSES } from "../components/vodPipeline/delivery";
export type { PriceClass } from "../components/vodPipeline/delivery";

/**
 * `cdnOriginAccess: auto`: an Origin Access Identity where it works, an Origin Access
 * Control in regions launched after December 2022.
 */
export const ORIGIN_ACCESS_AUTO = "auto";

/**
 * The default of every key that has one, by group. `0`, `""`, `[]` and `false` mean
 * "none" or "off" (for the automated ABR limits and the queue's concurrency: "the
 * service's own").
 */
export const CONFIG_DEFAULTS = {
  // General
  notificationEmail: "",
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
  forceDestroyBuckets: false,
  uploadExpirationDays: 0,
  // Transcoding: the ladder, and how jobs run
  ladder: DEFAULT_LADDER.map(({ width, height, bitrate }) => `${width}x${height}@${bitrate}`),
  ladderMode: DEFAULT_LADDER_MODE as string,
  ladderRateControl: DEFAULT_RATE_CONTROL as string,
  ladderQvbrQualityLevel: DEFAULT_QVBR_QUALITY_LEVEL,
  ladderAutoMaxRenditions: 0,
  ladderAutoMinBitrate: 0,
  ladderAutoMaxBitrate: 0,
  jobPriority: DEFAULT_JOB_PRIORITY,
  jobAccelerationMode: DEFAULT_ACCELERATION_MODE as string,
  jobQueueConcurrentJobs: 0,
  // Delivery: the CDN, the output's encryption, the domain
  cdnPriceClass: DEFAULT_PRICE_CLASS as string,
  cdnCorsAllowedOrigins: [] as string[],
  cdnOriginAccess: ORIGIN_ACCESS_AUTO as string,
  cdnAccessLogs: false,
  cdnAdditionalMetrics: false,
  outputKmsEncryption: false,
  customDomainAliases: [] as string[],
  customDomainCertificateArn: "",
  customDomainHostedZoneId: "",
  // The PallyCon KMS gateway
  kmsGateway: false,
  kmsGatewayUrl: DEFAULT_KMS_URL,
  kmsGatewayStageName: DEFAULT_STAGE_NAME,
  kmsGatewayThrottlingRateLimit: DEFAULT_THROTTLING.rateLimit as number,
  kmsGatewayThrottlingBurstLimit: DEFAULT_THROTTLING.burstLimit as number,
  kmsGatewayManageAccountLogRole: DEFAULT_MANAGE_ACCOUNT_LOG_ROLE,
  // DRM for on-demand assets
  vodDrm: false,
  vodDrmClearOutputs: false,
  vodDrmPackaging: DEFAULT_DRM_PACKAGING as string,
  // The encrypted live channel
  liveChannel: false,
  liveContentId: "",
  liveKeyRotationIntervalSeconds: DEFAULT_KEY_ROTATION_INTERVAL_SECONDS,
  liveCmaf: false,
  // The license token service
  licenseTokens: false,
  licenseSiteId: "",
  licenseJwtIssuer: "",
  licenseJwtAudience: [] as string[],
  licensePersistent: DEFAULT_LICENSE_POLICY.persistent,
  licenseDurationSeconds: DEFAULT_LICENSE_POLICY.licenseDurationSeconds,
  licenseServerUrl: DEFAULT_LICENSE_SERVER_URL,
  licenseGrantAllSignedIn: false,
  licenseEntitlementClaim: DEFAULT_ENTITLEMENT_CLAIM,
  licenseRequiredScopes: [] as string[],
  licenseEntitlementFunctionArn: "",
  // Signed cookies for the output
  signedCookies: false,
  signedCookiePublicKey: "",
  signedCookieSessionSeconds: DEFAULT_SESSION_SECONDS,
};

/** A key with a default. */
export type DefaultedKey = keyof typeof CONFIG_DEFAULTS;

/** Keys `Pulumi.yaml` declares `secret: true`, with no default: set them with `pulumi config set --secret`. */
export const SECRET_CONFIG_KEYS = [
  "kmsGatewayEncToken",
  "licenseSiteKey",
  "licenseAccessKey",
  "signedCookiePrivateKey",
] as const;
export type SecretKey = (typeof SECRET_CONFIG_KEYS)[number];

/** Its default is computed: `<project>-<stack>`. */
export const APPLICATION_NAME_KEY = "applicationName";

/**
 * Every key, by group, in the order the README and `Pulumi.yaml` list them. A feature's
 * group holds its flag and the keys that start with the flag's prefix.
 */
export const CONFIG_GROUPS = {
  general: [
    APPLICATION_NAME_KEY,
    "notificationEmail",
    "logRetentionDays",
    "forceDestroyBuckets",
    "uploadExpirationDays",
  ],
  transcoding: [
    "ladder",
    "ladderMode",
    "ladderRateControl",
    "ladderQvbrQualityLevel",
    "ladderAutoMaxRenditions",
    "ladderAutoMinBitrate",
    "ladderAutoMaxBitrate",
    "jobPriority",
    "jobAccelerationMode",
    "jobQueueConcurrentJobs",
  ],
  delivery: [
    "cdnPriceClass",
    "cdnCorsAllowedOrigins",
    "cdnOriginAccess",
    "cdnAccessLogs",
    "cdnAdditionalMetrics",
    "outputKmsEncryption",
    "customDomainAliases",
    "customDomainCertificateArn",
    "customDomainHostedZoneId",
  ],
  kmsGateway: [
    "kmsGateway",
    "kmsGatewayUrl",
    "kmsGatewayEncToken",
    "kmsGatewayStageName",
    "kmsGatewayThrottlingRateLimit",
    "kmsGatewayThrottlingBurstLimit",
    "kmsGatewayManageAccountLogRole",
  ],
  vodDrm: ["vodDrm", "vodDrmClearOutputs", "vodDrmPackaging"],
  liveChannel: ["liveChannel", "liveContentId", "liveKeyRotationIntervalSeconds", "liveCmaf"],
  licenseTokens: [
    "licenseTokens",
    "licenseSiteId",
    "licenseSiteKey",
    "licenseAccessKey",
    "licenseJwtIssuer",
    "licenseJwtAudience",
    "licensePersistent",
    "licenseDurationSeconds",
    "licenseServerUrl",
    "licenseGrantAllSignedIn",
    "licenseEntitlementClaim",
    "licenseRequiredScopes",
    "licenseEntitlementFunctionArn",
  ],
  signedCookies: [
    "signedCookies",
    "signedCookiePublicKey",
    "signedCookiePrivateKey",
    "signedCookieSessionSeconds",
  ],
} as const satisfies Record<string, readonly (DefaultedKey | SecretKey | "applicationName")[]>;
export type ConfigGroup = keyof typeof CONFIG_GROUPS;

/** Each feature flag's prefix: every other key of its group starts with it. */
export const FEATURE_PREFIXES: Partial<Record<ConfigGroup, string>> = {
  kmsGateway: "kmsGateway",
  vodDrm: "vodDrm",
  liveChannel: "live",
  licenseTokens: "license",
  signedCookies: "signedCookie",
};

/**
 * Every key `Pulumi.yaml` declares in the project's namespace; a test keeps the two
 * equal. Any other key of the namespace is a mistake (a typo) and is reported.
 */
export const DECLARED_CONFIG_KEYS: readonly string[] = Object.values(CONFIG_GROUPS).flat();
