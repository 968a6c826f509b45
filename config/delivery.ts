/** Delivery: the CDN (`cdn*`), the output's encryption and the custom domain (`customDomain*`). */
import * as pulumi from "@pulumi/pulumi";
import { CustomDomainArgs, validateCustomDomain } from "../components/vodPipeline/customDomain";
import { corsOriginProblem } from "../components/vodPipeline/deliveryRules";
import type { PriceClass, VodDeliveryArgs } from "../components/vodPipeline/delivery";
import {
  defaultOriginAccess,
  OAI_REGIONS,
  ORIGIN_ACCESS_KINDS,
  OriginAccessKind,
} from "../components/vodPipeline/originAccess";
import { ORIGIN_ACCESS_AUTO, PRICE_CLASSES } from "./keys";
import type { ConfigReader } from "./reader";

/** The delivery settings, as `VodPipelineArgs.delivery` takes them. */
export interface DeliveryConfig extends VodDeliveryArgs {
  readonly cdnPriceClass: PriceClass;
  /** Origins allowed to fetch media cross-origin; empty means the playback domain only. */
  readonly cdnCorsAllowedOrigins: string[];
  /** `auto`, resolved for the stack's region. */
  readonly cdnOriginAccess: OriginAccessKind;
  readonly cdnAccessLogs: boolean;
  readonly cdnAdditionalMetrics: boolean;
  readonly outputKmsEncryption: boolean;
  readonly customDomain?: CustomDomainArgs;
}

/**
 * Reads the CDN's settings and the domain. Origin access `auto` picks an OAI where it
 * works (regions launched by December 2022) and an OAC elsewhere.
 */
export function readDelivery(r: ConfigReader): DeliveryConfig {
  const { check, text, list, flag } = r;

  const cdnPriceClass = r.choice("cdnPriceClass", PRICE_CLASSES);

  const origins = list("cdnCorsAllowedOrigins");
  const cdnCorsAllowedOrigins = Array.isArray(origins) ? (origins as string[]) : [];
  check("cdnCorsAllowedOrigins", Array.isArray(origins), "must be a list of origins");
  for (const origin of cdnCorsAllowedOrigins) {
    const problem = corsOriginProblem(origin);
    if (problem) check("cdnCorsAllowedOrigins", false, `${JSON.stringify(origin)} ${problem}`);
  }

  const region = new pulumi.Config("aws").get("region") ?? "";
  const requested = text("cdnOriginAccess");
  check(
    "cdnOriginAccess",
    [ORIGIN_ACCESS_AUTO, ...ORIGIN_ACCESS_KINDS].includes(requested),
    `"${requested}" must be ${ORIGIN_ACCESS_AUTO}, oai or oac`,
  );
  const cdnOriginAccess: OriginAccessKind =
    requested === "oai" || requested === "oac" ? requested : defaultOriginAccess(region);
  check(
    "cdnOriginAccess",
    !(cdnOriginAccess === "oai" && region && !OAI_REGIONS.has(region)),
    `an Origin Access Identity cannot read S3 in ${region} (regions launched after December 2022); use oac or ${ORIGIN_ACCESS_AUTO}`,
  );
  const outputKmsEncryption = flag("outputKmsEncryption");
  check(
    "outputKmsEncryption",
    !outputKmsEncryption || cdnOriginAccess === "oac",
    "needs cdnOriginAccess oac: an Origin Access Identity cannot read KMS-encrypted objects",
  );

  const aliases = list("customDomainAliases");
  const certificateArn = text("customDomainCertificateArn");
  const hostedZoneId = text("customDomainHostedZoneId");
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
      // The component names its argument (`delivery.customDomain.<field>`); the config
      // names the key (`customDomain<Field>`).
      const keyOf = (field: string) => `customDomain${field[0].toUpperCase()}${field.slice(1)}`;
      const message = (error as Error).message;
      const field = /`delivery\.customDomain\.(\w+)`/.exec(message)?.[1] ?? "aliases";
      check(
        keyOf(field),
        false,
        message
          .replace(/^VodPipeline: `delivery\.customDomain\.\w+`/, "")
          .replace(/`delivery\.customDomain\.(\w+)`/g, (_, f: string) => keyOf(f))
          .trim(),
      );
    }
  } else {
    check(
      "customDomainCertificateArn",
      !certificateArn && !hostedZoneId,
      "is set but customDomainAliases is empty: list the host names to serve",
    );
  }

  return {
    cdnPriceClass,
    cdnCorsAllowedOrigins,
    cdnOriginAccess,
    cdnAccessLogs: flag("cdnAccessLogs"),
    cdnAdditionalMetrics: flag("cdnAdditionalMetrics"),
    outputKmsEncryption,
    customDomain,
  };
}
