/** The PallyCon KMS gateway (`kmsGateway*`): what VOD DRM and the live channel build on. */
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_KMS_URL,
  KMS_URL,
  PallyConGatewayArgs,
  STAGE_NAME,
} from "../components/pallyConGateway";
import type { ConfigReader } from "./reader";

/** The gateway's settings, as {@link PallyConGatewayArgs} takes them; present when `kmsGateway` is on. */
export interface KmsGatewayConfig extends Omit<PallyConGatewayArgs, "logRetentionDays"> {
  readonly kmsUrl: string;
  /** The enc-token, as a Pulumi secret. */
  readonly encToken: pulumi.Output<string>;
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly manageAccountLogRole: boolean;
}

/** Reads the gateway's settings, or undefined when `kmsGateway` is off. */
export function readKmsGateway(r: ConfigReader): KmsGatewayConfig | undefined {
  const { check, flag, number, text } = r;
  if (!flag("kmsGateway")) return undefined;

  const kmsUrl = text("kmsGatewayUrl");
  check(
    "kmsGatewayUrl",
    KMS_URL.test(kmsUrl),
    `"${kmsUrl}" must be an https:// origin without a path, like ${DEFAULT_KMS_URL}`,
  );
  const stageName = text("kmsGatewayStageName");
  check(
    "kmsGatewayStageName",
    STAGE_NAME.test(stageName),
    `"${stageName}" must be 1-128 letters, digits or '_'`,
  );
  const quota = accountThrottleQuota(new pulumi.Config("aws").get("region") ?? "");
  const quotaSource = `API Gateway's default account-level throttle quota ${quota.where}, which a stage cannot exceed`;
  const throttlingRateLimit = number("kmsGatewayThrottlingRateLimit");
  check(
    "kmsGatewayThrottlingRateLimit",
    throttlingRateLimit > 0 && throttlingRateLimit <= quota.rateLimit,
    `${throttlingRateLimit} must be a positive number of requests per second, at most ` +
      `${quota.rateLimit}: ${quotaSource}`,
  );
  const throttlingBurstLimit = number("kmsGatewayThrottlingBurstLimit");
  check(
    "kmsGatewayThrottlingBurstLimit",
    Number.isInteger(throttlingBurstLimit) &&
      throttlingBurstLimit >= 1 &&
      throttlingBurstLimit <= quota.burstLimit,
    `${throttlingBurstLimit} must be a positive whole number of requests, at most ` +
      `${quota.burstLimit}: ${quotaSource}`,
  );
  return {
    kmsUrl,
    encToken: r.secret("kmsGatewayEncToken", "kmsGateway", (token) =>
      /['\s]/.test(token)
        ? "the enc-token holds a quote or whitespace; copy it again from the PallyCon console"
        : undefined,
    ),
    stageName,
    throttlingRateLimit,
    throttlingBurstLimit,
    manageAccountLogRole: flag("kmsGatewayManageAccountLogRole"),
  };
}

/** Why a feature that uses the gateway needs it on. */
export const needsGateway = (r: ConfigReader) =>
  `needs ${r.key("kmsGateway")} set to true: the packagers reach the PallyCon KMS only through the gateway, which keeps the enc-token out of job settings`;

/**
 * API Gateway's default throttle quota per account and Region, across all its APIs:
 * 10,000 requests per second with a burst of 5,000, and 2,500 with a burst of 1,250 in
 * the Regions below. A stage's throttling cannot go above it. The rate can be raised
 * through Service Quotas; raise these bounds with it.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
export const ACCOUNT_THROTTLE_QUOTA = { rateLimit: 10_000, burstLimit: 5_000 } as const;
export const LOWER_ACCOUNT_THROTTLE_QUOTA = { rateLimit: 2_500, burstLimit: 1_250 } as const;
/** Cape Town, Milan, Jakarta, UAE, Hyderabad, Melbourne, Spain, Zurich, Tel Aviv, Calgary, Malaysia, Thailand, Mexico (Central). */
export const LOWER_THROTTLE_QUOTA_REGIONS: ReadonlySet<string> = new Set([
  "af-south-1",
  "eu-south-1",
  "ap-southeast-3",
  "me-central-1",
  "ap-south-2",
  "ap-southeast-4",
  "eu-south-2",
  "eu-central-2",
  "il-central-1",
  "ca-west-1",
  "ap-southeast-5",
  "ap-southeast-7",
  "mx-central-1",
]);

/** The default quota for the stack's Region, and how to name it in a message. */
function accountThrottleQuota(region: string) {
  return LOWER_THROTTLE_QUOTA_REGIONS.has(region)
    ? { ...LOWER_ACCOUNT_THROTTLE_QUOTA, where: `in ${region}` }
    : { ...ACCOUNT_THROTTLE_QUOTA, where: "per Region" };
}
