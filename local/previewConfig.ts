/**
 * The stack's settings as the local preview runs them: the stack file's own, with the
 * endpoints and keys that only exist on this machine put in their place. Each change is
 * listed for the start-up lines, so nobody mistakes the preview for the stack.
 */
import type { PlanConfig } from "../plan/stackConfig";

/** What only this machine has. */
export interface LocalEndpoints {
  /** The playback domain's origin (`https://127.0.0.1:<port>`). */
  readonly playbackOrigin: string;
  /** The license server stand-in's origin. */
  readonly licenseOrigin: string;
  /** The local identity provider's issuer URL and the audience its tokens carry. */
  readonly issuer: string;
  readonly audience: string;
  /** The development site id and keys the token service signs with. */
  readonly siteId: string;
  readonly siteKey: string;
  readonly accessKey: string;
}

export interface PreviewConfig {
  readonly config: PlanConfig;
  /** One line per setting changed, naming the key. */
  readonly changes: readonly string[];
}

/** `drm`: turn VOD DRM and license tokens on, whatever the stack says. */
export function previewConfig(
  base: PlanConfig,
  local: LocalEndpoints,
  drm: boolean,
): PreviewConfig {
  const values = { ...base.values };
  const secretKeys = new Set(base.secretKeys);
  const changes: string[] = [];
  const changed = new Set<string>();
  const key = (name: string) => `${base.project}:${name}`;
  const isOn = (name: string) => values[key(name)] === "true";
  const set = (name: string, value: string, why: string, secret = false) => {
    values[key(name)] = value;
    changed.add(key(name));
    if (secret) secretKeys.add(key(name));
    changes.push(`${name}: ${secret ? "[development value]" : value} (${why})`);
  };

  if (drm && !isOn("vodDrm")) {
    set("vodDrm", "true", "--drm");
    if (!isOn("kmsGateway"))
      set("kmsGateway", "true", "--drm: VOD DRM takes keys through the gateway");
  }
  if (drm && !isOn("licenseTokens"))
    set("licenseTokens", "true", "--drm: the player asks for license tokens");
  if (isOn("kmsGateway")) {
    // The gateway is not emulated: MediaConvert is pointed at the SPEKE stand-in instead.
    set("kmsGatewayEncToken", "local-preview", "the SPEKE stand-in needs no enc-token", true);
  }
  if (isOn("licenseTokens")) {
    set("licenseJwtIssuer", local.issuer, "the local identity provider");
    set("licenseJwtAudience", JSON.stringify([local.audience]), "the local identity provider");
    set("licenseServerUrl", local.licenseOrigin, "the ClearKey license server stand-in");
    if (!values[key("licenseSiteId")]) set("licenseSiteId", local.siteId, "a development site");
    set("licenseSiteKey", local.siteKey, "a development key", true);
    set("licenseAccessKey", local.accessKey, "a development key", true);
    if (values[key("licenseEntitlementFunctionArn")]) {
      set(
        "licenseEntitlementFunctionArn",
        "",
        "no entitlement function here: the dev user's claim decides",
      );
    }
  }
  if (isOn("signedCookies")) {
    set("signedCookies", "false", "CloudFront's cookie checks are not emulated");
  }
  return {
    config: {
      ...base,
      values,
      secretKeys: [...secretKeys],
      unsetSecrets: base.unsetSecrets.filter((name) => !changed.has(name)),
    },
    changes,
  };
}
