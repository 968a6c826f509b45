/** MediaPackage: every origin endpoint encrypted through SPEKE, with a key rotation AWS and the KMS accept. */
import { isSet, read, resourceRule, UNKNOWN } from "./util";

const ORIGIN_ENDPOINT = ["aws-native:mediapackage:OriginEndpoint"];
const PACKAGES = ["hlsPackage", "dashPackage", "cmafPackage", "mssPackage"];

/**
 * MediaPackage v1 rotates keys every 60 s when an encrypted package sets no interval.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-mediapackage-originendpoint-hlsencryption.html
 */
export const DEFAULT_ROTATION_SECONDS = 60;
/**
 * The shortest rotation MediaPackage v2 accepts (its valid range is 300 to 31,536,000 s);
 * v1 documents none, so the same floor applies.
 * https://docs.aws.amazon.com/mediapackage/latest/APIReference/API_Encryption.html
 */
const DEFAULT_MINIMUM_ROTATION_SECONDS = 300;

/** The packages an origin endpoint defines, by property name. */
function packagesOf(props: Record<string, any>): Array<[string, Record<string, any>]> {
  return PACKAGES.filter((name) => props[name]).map((name) => [name, props[name]]);
}

export const endpointSpekeEncrypted = resourceRule(
  {
    name: "mediapackage-endpoint-speke-encrypted",
    description:
      "Requires every package of a MediaPackage origin endpoint to be encrypted through SPEKE: encryption.spekeKeyProvider with an https:// key server URL (the KMS gateway), at least one DRM system id, and the roleArn MediaPackage assumes to call it.",
    binds: {
      at: "preview",
      reason:
        "Packages, system ids and the role (a reference, counted as set) are known at preview; a SPEKE URL that is another resource's output (the gateway's stage URL) is checked for https at `pulumi up`.",
    },
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
      // A URL unknown at preview is another resource's output (the gateway's stage URL): checked at `up`.
      const url = read(() => speke.url);
      if (url !== UNKNOWN && !String(url ?? "").startsWith("https://"))
        report(`${name}: the SPEKE URL ${url ?? "(none)"} is not https.`);
      if (!Array.isArray(speke.systemIds) || speke.systemIds.length === 0)
        report(`${name}: no DRM system id.`);
      if (!isSet(() => speke.roleArn)) report(`${name}: no SPEKE role.`);
    }
  },
);

export const keyRotationInterval = resourceRule(
  {
    name: "mediapackage-key-rotation-interval",
    description:
      "Requires every encrypted MediaPackage package to set encryption.keyRotationIntervalSeconds to 0 (rotation off, which the PallyCon KMS and SPEKE v2 need) or to at least the configured minimum; left unset, MediaPackage rotates every 60 s.",
    configSchema: {
      properties: {
        minimumSeconds: { type: "integer", minimum: 1, default: DEFAULT_MINIMUM_ROTATION_SECONDS },
      },
    },
    binds: { at: "preview", reason: "Rotation intervals are literals." },
  },
  ORIGIN_ENDPOINT,
  (props, report, args) => {
    const { minimumSeconds = DEFAULT_MINIMUM_ROTATION_SECONDS } = args.getConfig<{
      minimumSeconds?: number;
    }>();
    for (const [name, pkg] of packagesOf(props)) {
      const encryption = pkg.encryption;
      if (!encryption) continue;
      const interval: number | undefined = encryption.keyRotationIntervalSeconds;
      const effective = interval ?? DEFAULT_ROTATION_SECONDS;
      if (encryption.spekeKeyProvider?.encryptionContractConfiguration && effective !== 0) {
        report(`${name}: SPEKE v2 (encryptionContractConfiguration) needs key rotation 0.`);
      } else if (effective !== 0 && effective < minimumSeconds) {
        const setting =
          interval === undefined
            ? `no key rotation interval, so MediaPackage rotates every ${DEFAULT_ROTATION_SECONDS} s`
            : `key rotation every ${interval} s`;
        report(`${name}: ${setting}; use 0 or at least ${minimumSeconds} s.`);
      }
    }
  },
);

export const drmPolicies = [endpointSpekeEncrypted, keyRotationInterval];
