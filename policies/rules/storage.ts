/** S3: private buckets, encrypted at rest and in transit, no public grants. */
import type { PolicyResource } from "@pulumi/policy";
import {
  asList,
  BoundStackPolicy,
  decideKnown,
  isEveryone,
  Later,
  read,
  resourceRule,
  StackRuleSpec,
  Statement,
  statementName,
  statementsOf,
  UNKNOWN,
} from "./util";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PUBLIC_ACCESS_BLOCK = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"];
const SSE_CONFIGURATION = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const BUCKET_POLICY = ["aws:s3/bucketPolicy:BucketPolicy"];
const BUCKET_ACL = ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"];
const OWNERSHIP_CONTROLS = ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"];
const CORS_CONFIGURATION = [
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
];

/** Canned ACLs that open a bucket or its objects beyond the account. */
const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

/**
 * Condition keys that describe the request, not the caller: a statement for
 * `Principal: "*"` limited only by these is still open to everyone. (`aws:Referer`
 * and `aws:UserAgent` are set by the caller.)
 */
const NON_RESTRICTING_CONDITION_KEYS =
  /^(aws:(SecureTransport|Referer|UserAgent|CurrentTime|EpochTime|RequestedRegion)|s3:.*)$/i;

// ---------------------------------------------------------------------------------------
// Stack rules: a bucket and the separate resources that configure it.

/**
 * The name S3 knows a bucket by: its `bucket` input (which the provider fills in at
 * preview when it auto-names), or else its resource name.
 */
function bucketNameOf(bucket: PolicyResource): string {
  const name = read(() => bucket.props.bucket);
  return typeof name === "string" && name !== "" ? name : bucket.name;
}

/**
 * Whether a configuration resource (a public access block, an encryption configuration,
 * a policy) belongs to a bucket. The engine records which resources a `bucket` input
 * came from; where it recorded none (a literal name, or the offline plan), the input is
 * compared with the bucket's name.
 */
function configures(config: PolicyResource, bucket: PolicyResource, bucketName: string): boolean {
  const sources = config.propertyDependencies?.bucket ?? [];
  if (sources.length > 0) return sources.some((source) => source.urn === bucket.urn);
  return read(() => config.props.bucket) === bucketName;
}

/** A stack rule that checks each bucket against the resources of `types` that configure it. */
function bucketRule(
  spec: StackRuleSpec,
  types: readonly string[],
  check: (
    bucket: PolicyResource,
    configs: PolicyResource[],
    report: (message: string) => void,
    later: Later,
  ) => void,
): BoundStackPolicy {
  return {
    ...spec,
    enforcementLevel: "mandatory",
    validateStack: ({ resources }, report) =>
      decideKnown((later) => {
        const candidates = resources.filter((r) => types.includes(r.type));
        for (const bucket of resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
          const name = bucketNameOf(bucket);
          const configs = candidates.filter((config) => configures(config, bucket, name));
          check(bucket, configs, (message) => report(message, bucket.urn), later);
        }
      }),
  };
}

const PAB_SETTINGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

export const bucketPublicAccessBlocked = bucketRule(
  {
    name: "s3-bucket-public-access-blocked",
    description:
      "Requires every S3 bucket to have a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    binds: {
      at: "preview",
      reason:
        "The four settings are literals, and the block is matched to its bucket by the engine's property dependencies, known before the bucket exists.",
    },
  },
  PUBLIC_ACCESS_BLOCK,
  (bucket, blocks, report, later) => {
    if (blocks.length === 0) {
      report(`Bucket ${bucket.name} has no public access block.`);
      return;
    }
    for (const block of blocks) {
      const off = PAB_SETTINGS.filter((setting) => {
        const value = later(() => block.props[setting]);
        return value !== UNKNOWN && value !== true;
      });
      if (off.length > 0)
        report(`Bucket ${bucket.name} does not block public access: ${off.join(", ")} not true.`);
    }
  },
);

export const bucketServerSideEncryption = bucketRule(
  {
    name: "s3-bucket-server-side-encryption",
    description:
      "Requires every S3 bucket to have a BucketServerSideEncryptionConfiguration that sets its default encryption (SSE-S3 or SSE-KMS).",
    binds: {
      at: "preview",
      reason:
        "It needs only that a configuration exists for the bucket, matched by the engine's property dependencies.",
    },
  },
  SSE_CONFIGURATION,
  (bucket, configurations, report) => {
    if (configurations.length === 0)
      report(`Bucket ${bucket.name} has no server-side encryption configuration.`);
  },
);

/** Whether a statement denies everyone every S3 request made without TLS. */
function deniesPlainHttp(statement: Statement): boolean {
  const secureTransport = statement.Condition?.Bool?.["aws:SecureTransport"];
  return (
    statement.Effect === "Deny" &&
    isEveryone(statement.Principal) &&
    asList(statement.Action).some((action) => action === "*" || action.toLowerCase() === "s3:*") &&
    asList(secureTransport).includes("false")
  );
}

export const bucketTlsRequestsOnly = bucketRule(
  {
    name: "s3-bucket-tls-requests-only",
    description:
      'Requires every S3 bucket to have a BucketPolicy with a statement that denies "s3:*" to Principal "*" when aws:SecureTransport is "false".',
    binds: {
      at: "up",
      reason:
        "The policy names the bucket's ARN, so its whole document is unknown until the bucket exists; stack rules run when the update ends, so a violation fails `pulumi up` after the resources are created.",
    },
  },
  BUCKET_POLICY,
  (bucket, policies, report, later) => {
    const documents = policies.map((policy) => later(() => policy.props.policy));
    const tlsOnly = documents.some(
      (document) => document !== UNKNOWN && statementsOf(document).some(deniesPlainHttp),
    );
    // A policy still unknown may be the one that denies plain HTTP: decide at `up`.
    if (!tlsOnly && !documents.includes(UNKNOWN))
      report(
        `Bucket ${bucket.name} has no policy denying requests without TLS (aws:SecureTransport=false).`,
      );
  },
);

// ---------------------------------------------------------------------------------------
// Resource rules.

export const bucketPolicyNotPublic = resourceRule(
  {
    name: "s3-bucket-policy-not-public",
    description:
      'Checks whether a bucket policy allows Principal "*" (or uses NotPrincipal) without a Condition that names the caller (aws:SourceArn, aws:PrincipalOrgID...). Grant a specific principal, such as the CloudFront OAI\'s iamArn, instead.',
    binds: {
      at: "up",
      reason:
        "The policy names the bucket's ARN and its readers' ARNs, so its whole document is unknown until they exist; at `pulumi up` it is checked before the policy is written.",
    },
  },
  [...BUCKET_POLICY, ...BUCKET_TYPES],
  (props, report, _args, later) => {
    const document = later(() => props.policy);
    if (document === UNKNOWN) return;
    statementsOf(document).forEach((statement, index) => {
      if (statement.Effect !== "Allow") return;
      const name = statementName(statement, index);
      const actions = asList(statement.Action).join(", ") || "NotAction";
      if (statement.NotPrincipal !== undefined) {
        report(`Statement ${name} allows ${actions} to everyone but its NotPrincipal.`);
      } else if (isEveryone(statement.Principal) && !restrictsCaller(statement.Condition)) {
        report(`Statement ${name} allows ${actions} to everyone.`);
      }
    });
  },
);

/** Whether a statement's Condition limits who may call (not just how they call). */
function restrictsCaller(condition: unknown): boolean {
  if (!condition || typeof condition !== "object") return false;
  return Object.values(condition).some(
    (keys) =>
      keys &&
      typeof keys === "object" &&
      Object.keys(keys).some((key) => !NON_RESTRICTING_CONDITION_KEYS.test(key)),
  );
}

export const bucketNoPublicAcl = resourceRule(
  {
    name: "s3-bucket-no-public-acl",
    description:
      "Checks whether a bucket or bucket ACL grants access to AllUsers or AuthenticatedUsers (public-read, public-read-write, authenticated-read, or an explicit grant). Remove the ACL; keep ownership BucketOwnerEnforced.",
    binds: { at: "preview", reason: "Canned ACLs and grantee group URIs are literals." },
  },
  [...BUCKET_TYPES, ...BUCKET_ACL],
  (props, report) => {
    if (PUBLIC_ACLS.includes(props.acl))
      report(`The canned ACL "${props.acl}" makes the bucket public.`);
    const grants = [...(props.grants ?? []), ...(props.accessControlPolicy?.grants ?? [])];
    for (const grant of grants) {
      const uri = String(grant.grantee?.uri ?? grant.uri ?? "");
      if (PUBLIC_GRANTEES.test(uri)) {
        const permission = grant.permission ?? asList(grant.permissions).join(", ");
        report(`A grant gives ${permission} to ${uri}.`);
      }
    }
  },
);

export const bucketAclsDisabled = resourceRule(
  {
    name: "s3-bucket-acls-disabled",
    description:
      'Requires bucket ownership controls, where declared, to be "BucketOwnerEnforced": ACLs stay disabled and the bucket owner owns every object, whoever wrote it.',
    binds: { at: "preview", reason: "The object ownership setting is a literal." },
  },
  OWNERSHIP_CONTROLS,
  (props, report) => {
    const ownership = props.rule?.objectOwnership;
    if (ownership !== "BucketOwnerEnforced")
      report(`Object ownership ${ownership ?? "(none)"} keeps ACLs enabled.`);
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
    binds: {
      at: "up",
      reason:
        "The program computes the origins together with the player's own, the CloudFront distribution's domain, so they are unknown until the distribution exists.",
    },
  },
  [...CORS_CONFIGURATION, ...BUCKET_TYPES],
  (props, report, args, later) => {
    const { allowedOrigins = [] } = args.getConfig<{ allowedOrigins?: string[] }>();
    for (const rule of props.corsRules ?? []) {
      const origins = later(() => asList(rule.allowedOrigins));
      if (origins === UNKNOWN) continue;
      for (const origin of origins) {
        if (origin === "*") report('CORS allows every origin ("*").');
        else if (allowedOrigins.length > 0 && !allowedOrigins.includes(origin))
          report(`CORS allows "${origin}", which is not in the allowed origins.`);
      }
    }
  },
);

export const storagePolicies = [
  bucketPublicAccessBlocked,
  bucketServerSideEncryption,
  bucketTlsRequestsOnly,
  bucketPolicyNotPublic,
  bucketNoPublicAcl,
  bucketAclsDisabled,
  corsAllowedOrigins,
];
