/**
 * DRM settings: the PallyCon KMS gateway, then what uses it (VOD DRM, the live channel),
 * and what players need (license tokens, signed cookies). A feature that is off is
 * undefined, and creates no resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_KMS_URL, KMS_URL, STAGE_NAME } from "../components/pallyConGateway";
import { isValidContentId } from "../shared/drm";
import {
  LicensePolicySettings,
  SITE_ID_PATTERN,
  SITE_KEY_LENGTH,
  validateLicensePolicy,
} from "../shared/pallyCon";
import { isKeyPair, SESSION_SECONDS_RANGE, validatePublicKeyPem } from "../shared/signedCookies";
import { CONFIG_DEFAULTS } from "./keys";
import type { ConfigReader } from "./reader";

/**
 * DrmEndpoint's module, loaded only when the live channel is on: it imports
 * `@pulumi/aws-native`, whose hundreds of modules every other stack need not load.
 */
const drmEndpointModule = () =>
  require("../components/drmEndpoint") as typeof import("../components/drmEndpoint");

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

/** Every DRM feature's settings; undefined where the feature is off. */
export interface DrmConfig {
  readonly kmsGateway?: KmsGatewayConfig;
  readonly vodDrm?: VodDrmConfig;
  readonly liveChannel?: LiveChannelConfig;
  readonly licenseTokens?: LicenseTokensConfig;
  readonly signedCookies?: SignedCookiesConfig;
}

/** Reads the DRM features, each needing what it builds on. */
export function readDrm(r: ConfigReader, applicationName: string): DrmConfig {
  const { config, read, check, key, flag, number } = r;

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
      encToken: r.secret("pallyconEncToken", "kmsGateway", (token) =>
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
      siteKey: r.secret("pallyconSiteKey", "licenseTokens", (key) =>
        key.length === SITE_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key)
          ? undefined
          : `the site key must be the ${SITE_KEY_LENGTH}-character key from the PallyCon console`,
      ),
      accessKey: r.secret("pallyconAccessKey", "licenseTokens", (key) =>
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
      privateKeyPem: r.secret("signedCookiePrivateKey", "signedCookies", (pem) =>
        publicKeyOk && !isKeyPair(pem, publicKeyPem)
          ? "is not the private key of signedCookiePublicKey (or not a PEM private key)"
          : undefined,
      ),
      sessionSeconds,
    };
  }

  return { kmsGateway, vodDrm, liveChannel, licenseTokens, signedCookies };
}
