/** MediaPackage: every origin endpoint encrypted through SPEKE, with a sane key rotation. */
import { resourceRule } from "./util";

const ORIGIN_ENDPOINT = ["aws-native:mediapackage:OriginEndpoint"];
const PACKAGES = ["hlsPackage", "dashPackage", "cmafPackage", "mssPackage"];

/** The packages an origin endpoint defines, by property name. */
function packagesOf(props: Record<string, any>): Array<[string, Record<string, any>]> {
  return PACKAGES.filter((name) => props[name]).map((name) => [name, props[name]]);
}

export const endpointSpekeEncrypted = resourceRule(
  {
    name: "mediapackage-endpoint-speke-encrypted",
    description:
      "Requires every MediaPackage origin endpoint package to be encrypted through SPEKE: an https key server URL (the KMS gateway), at least one DRM system id, and a role MediaPackage assumes.",
  },
  ORIGIN_ENDPOINT,
  (props, report) => {
    const packages = packagesOf(props);
    if (packages.length === 0) report("The origin endpoint defines no package.");
    for (const [name, pkg] of packages) {
      const speke = pkg.encryption?.spekeKeyProvider;
      if (!speke) {
        report(`${name} is not encrypted.`);
        continue;
      }
      if (!String(speke.url ?? "").startsWith("https://"))
        report(`${name}: the SPEKE URL is not https.`);
      if (!Array.isArray(speke.systemIds) || speke.systemIds.length === 0)
        report(`${name}: no DRM system id.`);
      if (!speke.roleArn) report(`${name}: no SPEKE role.`);
    }
  },
);

export const keyRotationInterval = resourceRule(
  {
    name: "mediapackage-key-rotation-interval",
    description:
      "Requires a MediaPackage key rotation interval, where set, to be 0 (rotation off, which the PallyCon KMS and SPEKE v2 need) or at least the configured minimum.",
    configSchema: { properties: { minimumSeconds: { type: "integer", minimum: 1, default: 300 } } },
  },
  ORIGIN_ENDPOINT,
  (props, report, args) => {
    const { minimumSeconds = 300 } = args.getConfig<{ minimumSeconds?: number }>();
    for (const [name, pkg] of packagesOf(props)) {
      const interval = pkg.encryption?.keyRotationIntervalSeconds;
      if (interval !== undefined && interval !== 0 && interval < minimumSeconds) {
        report(`${name}: key rotation every ${interval} s; use 0 or at least ${minimumSeconds} s.`);
      }
    }
  },
);

export const drmPolicies = [endpointSpekeEncrypted, keyRotationInterval];
