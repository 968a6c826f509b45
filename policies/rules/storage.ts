/** S3: private buckets, encrypted at rest and in transit, no public grants. */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asList, isEveryone, resourceRule, statementsOf } from "./util";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const SSE_TYPES = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const BUCKET_ACL_TYPES = ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"];
const CORS_TYPES = [
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
];
const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

/**
 * The configuration resources that belong to a bucket: those whose `bucket` input
 * came from it (the engine's property dependencies), or, where dependencies are not
 * known, whose `bucket` input equals its name.
 */
function configuresBucket(config: PolicyResource, bucket: PolicyResource): boolean {
  const dependencies = config.propertyDependencies?.bucket ?? [];
  if (dependencies.some((dependency) => dependency.urn === bucket.urn)) return true;
  return bucket.props.bucket !== undefined && config.props.bucket === bucket.props.bucket;
}

const PAB_SETTINGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

export const bucketPublicAccessBlocked: StackValidationPolicy = {
  name: "s3-bucket-public-access-blocked",
  description:
    "Requires every S3 bucket to have a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
  enforcementLevel: "mandatory",
  validateStack: ({ resources }, report) => {
    const blocks = resources.filter((r) => r.type === PUBLIC_ACCESS_BLOCK);
    for (const bucket of resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
      const block = blocks.find((b) => configuresBucket(b, bucket));
      if (!block) {
        report(`Bucket ${bucket.name} has no public access block.`, bucket.urn);
        continue;
      }
      const off = PAB_SETTINGS.filter((setting) => block.props[setting] !== true);
      if (off.length > 0)
        report(
          `Bucket ${bucket.name} does not block public access: ${off.join(", ")} not true.`,
          bucket.urn,
        );
    }
  },
};

export const bucketEncryptedAndTlsOnly: StackValidationPolicy = {
  name: "s3-bucket-encrypted-and-tls-only",
  description:
    "Requires every S3 bucket to have a server-side encryption configuration and a bucket policy that denies requests where aws:SecureTransport is false.",
  enforcementLevel: "mandatory",
  validateStack: ({ resources }, report) => {
    for (const bucket of resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
      const encrypted =
        bucket.props.serverSideEncryptionConfiguration !== undefined ||
        resources.some((r) => SSE_TYPES.includes(r.type) && configuresBucket(r, bucket));
      if (!encrypted)
        report(`Bucket ${bucket.name} has no server-side encryption configuration.`, bucket.urn);

      const policies = resources.filter(
        (r) => r.type === BUCKET_POLICY && configuresBucket(r, bucket),
      );
      const tlsOnly = policies.some((policy) =>
        statementsOf(policy.props.policy).some(
          (s) =>
            s.Effect === "Deny" &&
            isEveryone(s.Principal) &&
            String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false",
        ),
      );
      if (!tlsOnly)
        report(
          `Bucket ${bucket.name} has no policy denying non-TLS (aws:SecureTransport=false) requests.`,
          bucket.urn,
        );
    }
  },
};

export const bucketPolicyNotPublic = resourceRule(
  {
    name: "s3-bucket-policy-not-public",
    description:
      'Checks whether a bucket policy allows Principal "*" without a restricting Condition. Grant a specific principal (such as a CloudFront OAI iamArn) instead.',
  },
  [BUCKET_POLICY],
  (props, report) => {
    for (const statement of statementsOf(props.policy)) {
      if (statement.Effect === "Allow" && isEveryone(statement.Principal) && !statement.Condition) {
        report(
          `Statement ${statement.Sid ?? "(no Sid)"} allows ${asList(statement.Action).join(", ")} to everyone.`,
        );
      }
    }
  },
);

export const bucketNoPublicAcl = resourceRule(
  {
    name: "s3-bucket-no-public-acl",
    description:
      "Checks whether a bucket or bucket ACL grants access to AllUsers or AuthenticatedUsers. Remove the canned or explicit public ACL; use BucketOwnerEnforced ownership.",
  },
  [...BUCKET_TYPES, ...BUCKET_ACL_TYPES],
  (props, report) => {
    if (PUBLIC_ACLS.includes(props.acl)) report(`The ACL "${props.acl}" makes objects public.`);
    const grants = [...(props.grants ?? []), ...(props.accessControlPolicy?.grants ?? [])];
    for (const grant of grants) {
      const uri = grant.grantee?.uri ?? grant.uri ?? "";
      if (PUBLIC_GRANTEES.test(uri))
        report(`A grant gives ${grant.permission ?? grant.permissions} to ${uri}.`);
    }
  },
);

export const corsAllowedOrigins = resourceRule(
  {
    name: "s3-cors-allowed-origins",
    description:
      'Requires bucket CORS rules to name their origins: "*" is never allowed, and when allowedOrigins is configured every origin must be in it.',
    configSchema: {
      properties: {
        allowedOrigins: { type: "array", items: { type: "string" }, default: [] },
      },
    },
  },
  CORS_TYPES,
  (props, report, args) => {
    const { allowedOrigins = [] } = args.getConfig<{ allowedOrigins?: string[] }>();
    for (const rule of props.corsRules ?? props.corsRule ?? []) {
      for (const origin of asList(rule.allowedOrigins)) {
        if (origin.includes("*")) report(`CORS allows the wildcard origin "${origin}".`);
        else if (allowedOrigins.length > 0 && !allowedOrigins.includes(origin)) {
          report(`CORS allows "${origin}", which is not in the allowed origins.`);
        }
      }
    }
  },
);

export const storagePolicies = [
  bucketPublicAccessBlocked,
  bucketEncryptedAndTlsOnly,
  bucketPolicyNotPublic,
  bucketNoPublicAcl,
  corsAllowedOrigins,
];
