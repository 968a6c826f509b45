/**
 * The stack's configuration, read once and validated: one module per group of keys
 * (general, transcoding, delivery) and per feature (the KMS gateway, VOD DRM, the live
 * channel, license tokens, signed cookies), each producing the arguments its component
 * takes. Every problem is reported at once, each naming its key, and stops
 * `pulumi preview` before anything is created.
 */
import { readDelivery } from "./delivery";
import { readEntitlements } from "./entitlements";
import type { DeliveryConfig } from "./delivery";
import { readGeneral } from "./general";
import type { GeneralConfig } from "./general";
import { readKmsGateway } from "./kmsGateway";
import type { KmsGatewayConfig } from "./kmsGateway";
import { readLicenseTokens } from "./licenseTokens";
import type { LicenseTokensConfig } from "./licenseTokens";
import { readLiveChannel } from "./live";
import type { LiveChannelConfig } from "./live";
import { ConfigReader } from "./reader";
import { readSignedCookies } from "./signedCookies";
import type { SignedCookiesConfig } from "./signedCookies";
import { readTranscoding } from "./transcoding";
import type { TranscodingConfig } from "./transcoding";
import { readVodDrm } from "./vodDrm";
import type { VodDrmConfig } from "./vodDrm";

export * from "./keys";
export { ConfigError, planSecretPlaceholder } from "./reader";
export type {
  DeliveryConfig,
  GeneralConfig,
  KmsGatewayConfig,
  LicenseTokensConfig,
  LiveChannelConfig,
  SignedCookiesConfig,
  TranscodingConfig,
  VodDrmConfig,
};

/** The stack's settings by group; a feature that is off is undefined and creates nothing. */
export interface StackConfig {
  readonly general: GeneralConfig;
  readonly transcoding: TranscodingConfig;
  readonly delivery: DeliveryConfig;
  readonly kmsGateway?: KmsGatewayConfig;
  readonly vodDrm?: VodDrmConfig;
  readonly liveChannel?: LiveChannelConfig;
  readonly licenseTokens?: LicenseTokensConfig;
  readonly signedCookies?: SignedCookiesConfig;
}

/**
 * Reads and validates the stack configuration. Every problem is collected, and all
 * of them are reported together in one {@link ConfigError}, each naming its key.
 */
export function readStackConfig(): StackConfig {
  const r = new ConfigReader();
  r.checkUndeclaredKeys();

  const general = readGeneral(r);
  const transcoding = readTranscoding(r);
  const delivery = readDelivery(r);
  // Each feature needs what it builds on.
  const kmsGateway = readKmsGateway(r);
  const vodDrm = readVodDrm(r, kmsGateway !== undefined);
  const liveChannel = readLiveChannel(r, kmsGateway !== undefined, general.applicationName);
  // Who may watch what: part of the token service's arguments (config/entitlements.ts).
  const entitlements = readEntitlements(r);
  const tokenService = readLicenseTokens(r);
  const licenseTokens = tokenService && { ...tokenService, entitlements };
  const signedCookies = readSignedCookies(r, licenseTokens !== undefined, delivery);

  r.throwIfInvalid();
  return {
    general,
    transcoding,
    delivery,
    kmsGateway,
    vodDrm,
    liveChannel,
    licenseTokens,
    signedCookies,
  };
}
