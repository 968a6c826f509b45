/**
 * How CloudFront reads the private output bucket: an Origin Access Identity (the
 * design's choice) or an Origin Access Control (SigV4, required in newer regions,
 * and the only way to read SSE-KMS objects).
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketReader } from "../privateBucket";

export type OriginAccessKind = "oai" | "oac";
export const ORIGIN_ACCESS_KINDS: readonly OriginAccessKind[] = ["oai", "oac"];
/** The design's choice; the stack config's `auto` picks {@link defaultOriginAccess} by region. */
export const DEFAULT_ORIGIN_ACCESS: OriginAccessKind = "oai";

/**
 * Regions where an OAI can read S3: those launched by December 2022. An OAI does not
 * work in regions launched after that, so anything not listed needs an OAC.
 */
export const OAI_REGIONS: ReadonlySet<string> = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-south-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ca-central-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "me-south-1",
  "me-central-1",
  "sa-east-1",
  "us-gov-east-1",
  "us-gov-west-1",
  "cn-north-1",
  "cn-northwest-1",
]);

/** The kind to use in a region: OAI where it works, OAC elsewhere. */
export function defaultOriginAccess(region: string): OriginAccessKind {
  return OAI_REGIONS.has(region) ? "oai" : "oac";
}

/** What the distribution and the bucket policy need from the chosen kind. */
export interface OriginAccess {
  readonly kind: OriginAccessKind;
  /** The bucket policy's grant to CloudFront. */
  readonly reader: BucketReader;
  /** Merged into the S3 origin. */
  readonly origin: {
    readonly s3OriginConfig?: { originAccessIdentity: pulumi.Input<string> };
    readonly originAccessControlId?: pulumi.Input<string>;
  };
  /** The distribution's ARN, for key policies; resolved by {@link bindDistribution}. */
  readonly distributionArn: pulumi.Output<string>;
  /** Call once the distribution exists: OAC grants are scoped to its ARN. */
  bindDistribution(distribution: aws.cloudfront.Distribution): void;
}

/**
 * Creates the OAI or OAC. With an OAC, the bucket policy names the CloudFront service
 * and is scoped by `AWS:SourceArn` to this distribution, which does not exist yet
 * when the bucket is made: its ARN is a deferred output, bound afterwards.
 */
export function createOriginAccess(args: {
  name: string;
  parent: pulumi.Resource;
  kind: OriginAccessKind;
  applicationName: string;
}): OriginAccess {
  const { name, parent, kind, applicationName } = args;
  const [distributionArn, resolveDistributionArn] = pulumi.deferredOutput<string>();
  const bindDistribution = (distribution: aws.cloudfront.Distribution) =>
    resolveDistributionArn(distribution.arn);

  if (kind === "oai") {
    // The Origin Access Identity is CloudFront's only way into the output bucket.
    const oai = new aws.cloudfront.OriginAccessIdentity(
      `${name}-oai`,
      { comment: `${applicationName} output` },
      { parent },
    );
    return {
      kind,
      reader: { sid: "CloudFrontReadsThroughTheOai", principal: { AWS: oai.iamArn } },
      origin: { s3OriginConfig: { originAccessIdentity: oai.cloudfrontAccessIdentityPath } },
      distributionArn,
      bindDistribution,
    };
  }

  // CloudFront signs every request to S3 (SigV4) as this distribution.
  const oac = new aws.cloudfront.OriginAccessControl(
    `${name}-oac`,
    {
      description: `${applicationName} output`,
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    },
    { parent },
  );
  return {
    kind,
    reader: {
      sid: "CloudFrontReadsForThisDistribution",
      principal: { Service: "cloudfront.amazonaws.com" },
      condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
    },
    origin: { originAccessControlId: oac.id },
    distributionArn,
    bindDistribution,
  };
}
