/** CloudFront: S3 origins only through an OAI or OAC, and HTTPS for every viewer. */
import { resourceRule } from "./util";

const DISTRIBUTION = ["aws:cloudfront/distribution:Distribution"];
/** Bucket endpoints: `<bucket>.s3.amazonaws.com`, `.s3.<region>.amazonaws.com`, `.s3-<region>.amazonaws.com`. */
const S3_DOMAIN = /\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
const S3_WEBSITE_DOMAIN = /\.s3-website[.-]/;

/** CloudFront security policies, oldest first. */
export const TLS_POLICIES = [
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

export const s3OriginAccessControl = resourceRule(
  {
    name: "cloudfront-s3-origin-access-identity",
    description:
      "Requires every CloudFront origin that points at an S3 bucket to use an Origin Access Identity (s3OriginConfig.originAccessIdentity) or an Origin Access Control (originAccessControlId), so the bucket can stay private.",
  },
  DISTRIBUTION,
  (props, report) => {
    for (const origin of props.origins ?? []) {
      const domain = String(origin.domainName ?? "");
      const isS3 =
        origin.s3OriginConfig !== undefined ||
        (S3_DOMAIN.test(domain) && !S3_WEBSITE_DOMAIN.test(domain));
      if (!isS3) continue;
      const oai = origin.s3OriginConfig?.originAccessIdentity;
      if (!oai && !origin.originAccessControlId) {
        report(`Origin ${origin.originId} reads S3 bucket ${domain} without an OAI or OAC.`);
      }
    }
  },
);

export const viewerHttps = resourceRule(
  {
    name: "cloudfront-viewer-https",
    description:
      'Requires every cache behaviour to use viewerProtocolPolicy "redirect-to-https" or "https-only", and a custom certificate to have a minimum protocol version of at least the configured one.',
    configSchema: {
      properties: {
        minimumProtocolVersion: { type: "string", enum: TLS_POLICIES, default: "TLSv1.2_2021" },
      },
    },
  },
  DISTRIBUTION,
  (props, report, args) => {
    const behaviours = [
      { pathPattern: "default", ...props.defaultCacheBehavior },
      ...(props.orderedCacheBehaviors ?? []),
    ];
    for (const behaviour of behaviours) {
      if (behaviour.viewerProtocolPolicy === "allow-all") {
        report(`Cache behaviour ${behaviour.pathPattern} allows plain HTTP viewers.`);
      }
    }
    const { minimumProtocolVersion = "TLSv1.2_2021" } = args.getConfig<{
      minimumProtocolVersion?: string;
    }>();
    const certificate = props.viewerCertificate ?? {};
    if (certificate.acmCertificateArn || certificate.iamCertificateId) {
      const actual = TLS_POLICIES.indexOf(certificate.minimumProtocolVersion ?? "TLSv1");
      if (actual < TLS_POLICIES.indexOf(minimumProtocolVersion)) {
        report(
          `The custom certificate allows ${certificate.minimumProtocolVersion ?? "TLSv1"}; the minimum is ${minimumProtocolVersion}.`,
        );
      }
    }
  },
);

export const deliveryPolicies = [s3OriginAccessControl, viewerHttps];
