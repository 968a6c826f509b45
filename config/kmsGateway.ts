/** The PallyCon KMS gateway (`kmsGateway*`): what VOD DRM and the live channel build on. */
import type * as pulumi from "@pulumi/pulumi";
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
  const throttlingRateLimit = number("kmsGatewayThrottlingRateLimit");
  check(
    "kmsGatewayThrottlingRateLimit",
    throttlingRateLimit > 0,
    `${throttlingRateLimit} must be a positive number of requests per second`,
  );
  const throttlingBurstLimit = number("kmsGatewayThrottlingBurstLimit");
  check(
    "kmsGatewayThrottlingBurstLimit",
    Number.isInteger(throttlingBurstLimit) && throttlingBurstLimit >= 1,
    `${throttlingBurstLimit} must be a positive whole number of requests`,
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
