/** CloudFront: S3 origins only through an OAI or OAC, and TLS on both sides. */
import { isSet, read, resourceRule, UNKNOWN } from "./util";

const DISTRIBUTION = ["aws:cloudfront/distribution:Distribution"];

/** S3 REST endpoints: `<bucket>.s3.amazonaws.com`, `.s3.<region>.`, `.s3-<region>.`, `.s3.dualstack.<region>.`. */
const S3_REST_DOMAIN = /\.s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/i;
/** S3 website endpoints: `<bucket>.s3-website-<region>.` or `.s3-website.<region>.`. */
const S3_WEBSITE_DOMAIN = /\.s3-website[.-]/i;

/**
 * CloudFront viewer security policies, oldest first.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
 */
export const VIEWER_SECURITY_POLICIES = [
  "SSLv3",
  "TLSv1",
  "TLSv1_2016",
  "TLSv1.1_2016",
  "TLSv1.2_2018",
  "TLSv1.2_2019",
  "TLSv1.2_2021",
  "TLSv1.2_2025",
  "TLSv1.3_2025",
];
const DEFAULT_MINIMUM_VIEWER_POLICY = "TLSv1.2_2021";

/** Protocols CloudFront may use to reach a custom origin, oldest first. */
export const ORIGIN_SSL_PROTOCOLS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"];
const DEFAULT_MINIMUM_ORIGIN_PROTOCOL = "TLSv1.2";

export const s3OriginAccessIdentity = resourceRule(
  {
    name: "cloudfront-s3-origin-access-identity",
    description:
      "Requires every CloudFront origin that points at an S3 bucket to use an Origin Access Identity (s3OriginConfig.originAccessIdentity) or an Origin Access Control (originAccessControlId), so the bucket can stay private; S3 website endpoints, which need a public bucket, are not allowed.",
    binds: {
      at: "preview",
      reason:
        "The OAI path and OAC id are references to other resources and count as set; an origin domain unknown at preview is a resource's output, not a literal S3 endpoint, and is checked at `pulumi up`.",
    },
  },
  DISTRIBUTION,
  (props, report) => {
    for (const origin of props.origins ?? []) {
      const id = origin.originId;
      const hasOac = isSet(() => origin.originAccessControlId);
      if (origin.s3OriginConfig !== undefined) {
        if (!isSet(() => origin.s3OriginConfig.originAccessIdentity) && !hasOac)
          report(`Origin ${id} reads its S3 bucket without an OAI or OAC.`);
        continue;
      }
      // Without s3OriginConfig the domain tells; a domain unknown at preview is not a bucket's literal endpoint.
      const domain = read(() => origin.domainName);
      if (domain === UNKNOWN || typeof domain !== "string") continue;
      if (S3_WEBSITE_DOMAIN.test(domain)) {
        report(
          `Origin ${id} serves the S3 website endpoint ${domain}, which needs a public bucket.`,
        );
      } else if (S3_REST_DOMAIN.test(domain) && !hasOac) {
        report(`Origin ${id} reads S3 bucket ${domain} without an OAI or OAC.`);
      }
    }
  },
);

export const viewerHttps = resourceRule(
  {
    name: "cloudfront-viewer-https",
    description:
      'Requires every cache behaviour to use viewerProtocolPolicy "redirect-to-https" or "https-only", and a custom certificate (acmCertificateArn or iamCertificateId) to have a minimumProtocolVersion of at least the configured security policy.',
    configSchema: {
      properties: {
        minimumProtocolVersion: {
          type: "string",
          enum: VIEWER_SECURITY_POLICIES,
          default: DEFAULT_MINIMUM_VIEWER_POLICY,
        },
      },
    },
    binds: {
      at: "preview",
      reason:
        "Viewer protocol policies and the minimum protocol are literals; a certificate ARN counts as set.",
    },
  },
  DISTRIBUTION,
  (props, report, args) => {
    // Read only the fields checked: a behaviour's cache policy id is unknown at preview.
    const behaviours: Array<[string, Record<string, any>]> = [
      ["(default)", props.defaultCacheBehavior ?? {}],
      ...(props.orderedCacheBehaviors ?? []).map((b: Record<string, any>) => [b.pathPattern, b]),
    ];
    for (const [pathPattern, behaviour] of behaviours) {
      if (behaviour.viewerProtocolPolicy === "allow-all")
        report(`Cache behaviour ${pathPattern} allows plain HTTP viewers.`);
    }
    const { minimumProtocolVersion = DEFAULT_MINIMUM_VIEWER_POLICY } = args.getConfig<{
      minimumProtocolVersion?: string;
    }>();
    const certificate = props.viewerCertificate ?? {};
    const custom =
      isSet(() => certificate.acmCertificateArn) || isSet(() => certificate.iamCertificateId);
    if (!custom) return;
    // CloudFront's default for a custom certificate is TLSv1.
    const actual = certificate.minimumProtocolVersion ?? "TLSv1";
    if (
      VIEWER_SECURITY_POLICIES.indexOf(actual) <
      VIEWER_SECURITY_POLICIES.indexOf(minimumProtocolVersion)
    ) {
      report(`The custom certificate allows ${actual}; the minimum is ${minimumProtocolVersion}.`);
    }
  },
);

export const originHttps = resourceRule(
  {
    name: "cloudfront-origin-https",
    description:
      'Requires every custom origin to be reached over TLS: originProtocolPolicy "https-only" or "match-viewer" (viewers are HTTPS-only), and originSslProtocols no older than the configured minimum.',
    configSchema: {
      properties: {
        minimumOriginProtocol: {
          type: "string",
          enum: ORIGIN_SSL_PROTOCOLS,
          default: DEFAULT_MINIMUM_ORIGIN_PROTOCOL,
        },
      },
    },
    binds: { at: "preview", reason: "Origin protocol policies and SSL protocols are literals." },
  },
  DISTRIBUTION,
  (props, report, args) => {
    const { minimumOriginProtocol = DEFAULT_MINIMUM_ORIGIN_PROTOCOL } = args.getConfig<{
      minimumOriginProtocol?: string;
    }>();
    const floor = ORIGIN_SSL_PROTOCOLS.indexOf(minimumOriginProtocol);
    for (const origin of props.origins ?? []) {
      const config = origin.customOriginConfig;
      if (!config) continue;
      if (config.originProtocolPolicy === "http-only")
        report(
          `Origin ${origin.originId} is reached over plain HTTP (originProtocolPolicy http-only).`,
        );
      const old = (config.originSslProtocols ?? []).filter(
        (protocol: string) => ORIGIN_SSL_PROTOCOLS.indexOf(protocol) < floor,
      );
      if (old.length > 0)
        report(
          `Origin ${origin.originId} allows ${old.join(", ")}; the minimum is ${minimumOriginProtocol}.`,
        );
    }
  },
);

export const deliveryPolicies = [s3OriginAccessIdentity, viewerHttps, originHttps];
