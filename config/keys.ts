/**
 * The keys this program reads: their defaults (which `Pulumi.yaml` declares too; a
 * test keeps the two in step) and which of them are secrets.
 */
import {
  DEFAULT_KMS_URL,
  DEFAULT_STAGE_NAME,
  DEFAULT_THROTTLE,
} from "../components/pallyConGateway";
import { DEFAULT_SESSION_SECONDS } from "../components/vodPipeline/signedCookies";
import {
  AccelerationMode,
  DEFAULT_ACCELERATION_MODE,
  DEFAULT_JOB_PRIORITY,
} from "../shared/jobQueue";
import {
  DEFAULT_LADDER,
  DEFAULT_LADDER_MODE,
  DEFAULT_QVBR_QUALITY_LEVEL,
  LadderMode,
  RateControl,
} from "../shared/ladder";
import { DEFAULT_LICENSE_POLICY } from "../shared/pallyCon";

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
