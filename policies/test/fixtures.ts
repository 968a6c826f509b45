import { EvaluatedResource, evaluatePolicies, PolicyConfig } from "../rules";

/** The messages one policy reports for these resources. */
export async function messagesOf(
  policyName: string,
  resources: EvaluatedResource[],
  config?: PolicyConfig,
) {
  const violations = await evaluatePolicies(resources, config);
  return violations.filter((v) => v.policyName === policyName).map((v) => v.message);
}

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/** A private bucket as the program builds it: the bucket and its configuration resources. */
export function privateBucket(name = "uploads"): EvaluatedResource[] {
  const arn = `arn:aws:s3:::${name}`;
  return [
    { type: "aws:s3/bucket:Bucket", name, props: { bucket: name } },
    {
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name,
      props: {
        bucket: name,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
    {
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      name,
      props: {
        bucket: name,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
    },
    {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name,
      props: {
        bucket: name,
        policy: doc({
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      },
    },
  ];
}

/** Replaces the props of the resource of `type` in a fixture. */
export function withProps(
  resources: EvaluatedResource[],
  type: string,
  change: (props: Record<string, any>) => Record<string, any>,
) {
  return resources.map((r) => (r.type === type ? { ...r, props: change(r.props) } : r));
}

/** The source design's output bucket: public-read through a `Principal: "*"` policy. */
export function seedPublicBucket(): EvaluatedResource[] {
  return [
    {
      type: "aws:s3/bucket:Bucket",
      name: "seed-output",
      props: { bucket: "seed-output", acl: "public-read" },
    },
    {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: "seed-output",
      props: {
        bucket: "seed-output",
        policy: doc({
          Sid: "PublicRead",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::seed-output/*",
        }),
      },
    },
  ];
}

/** A distribution reading S3 through an OAI, HTTPS only. */
export function oaiDistribution(): EvaluatedResource {
  return {
    type: "aws:cloudfront/distribution:Distribution",
    name: "cdn",
    props: {
      origins: [
        {
          originId: "output",
          domainName: "output.s3.us-east-1.amazonaws.com",
          s3OriginConfig: {
            originAccessIdentity: "origin-access-identity/cloudfront/E2QWRUHAPOMQZL",
          },
        },
      ],
      defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https" },
      orderedCacheBehaviors: [{ pathPattern: "*.m3u8", viewerProtocolPolicy: "https-only" }],
      viewerCertificate: { cloudfrontDefaultCertificate: true },
    },
  };
}

/** The source design's distribution: an S3 origin with no OAI. */
export function oailessDistribution(): EvaluatedResource {
  const distribution = oaiDistribution();
  return {
    ...distribution,
    props: {
      ...distribution.props,
      origins: [
        {
          originId: "output",
          domainName: "seed-output.s3.amazonaws.com",
          s3OriginConfig: { originAccessIdentity: "" },
        },
      ],
    },
  };
}

/** A role policy document with the given statements. */
export function rolePolicy(name: string, ...statements: object[]): EvaluatedResource {
  return {
    type: "aws:iam/rolePolicy:RolePolicy",
    name,
    props: { role: name, policy: doc(...statements) },
  };
}

/** The source design's Lambda policy: s3:*, mediaconvert:* and iam:PassRole on *. */
export function seedLambdaPolicy(): EvaluatedResource {
  return rolePolicy(
    "seed-lambda",
    { Sid: "S3", Effect: "Allow", Action: "s3:*", Resource: "*" },
    { Sid: "MediaConvert", Effect: "Allow", Action: ["mediaconvert:*"], Resource: "*" },
    { Sid: "PassRole", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
  );
}

/** A SPEKE-encrypted MediaPackage endpoint package. */
export function spekePackage(extra: Record<string, unknown> = {}) {
  return {
    encryption: {
      spekeKeyProvider: {
        url: "https://abc123.execute-api.us-east-1.amazonaws.com/Production/cpix/getKey",
        roleArn: "arn:aws:iam::123456789012:role/speke",
        systemIds: ["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"],
        resourceId: "live-1",
      },
      ...extra,
    },
  };
}
