/**
 * Resources for the policy tests: compliant builders, one per resource type, that each
 * test changes one property of; and the source design's own setup, which must be flagged.
 */
import { EvaluatedResource, evaluatePolicies, PolicyConfig } from "../rules";

type Props = Record<string, any>;

/** The messages one policy reports for these resources. */
export async function messagesOf(
  policyName: string,
  resources: readonly EvaluatedResource[],
  config?: PolicyConfig,
): Promise<string[]> {
  const violations = await evaluatePolicies(resources, config);
  return violations.filter((v) => v.policyName === policyName).map((v) => v.message);
}

/** A resource of `type` named `name`. */
export const resource = (type: string, name: string, props: Props): EvaluatedResource => ({
  type,
  name,
  props,
});

/** A copy of `r` with some props changed. */
export const changed = (r: EvaluatedResource, props: Props): EvaluatedResource => ({
  ...r,
  props: { ...r.props, ...props },
});

/** A policy document as the provider receives it: JSON text. */
export const policyDocument = (...Statement: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement });

// The engine's own proxy: reading a value that is unknown at preview throws, as it does
// under `pulumi preview`.
const preview = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(props: T): T;
  unknownStringValue: string;
};
/** A string `pulumi preview` cannot know yet (an output of a resource still to be created). */
export const UNKNOWN_STRING = preview.unknownStringValue;
/** Props as the engine hands them to rules during preview. */
export const atPreview = <T extends object>(props: T): T => preview.unknownCheckingProxy(props);

/**
 * Values the program takes from other resources' outputs, as they appear in these
 * fixtures: ARNs (and so every policy document that names one), OAI paths, S3 bucket
 * domains and API Gateway URLs.
 */
const FROM_OUTPUTS =
  /arn:aws|origin-access-identity\/|\.s3[.-][a-z0-9.-]*amazonaws\.com|execute-api\./;
const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
/** AWS managed policies: literals in the program, not outputs. */
const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/**
 * The resources as the engine sees them at the first `pulumi preview`, before any of
 * them exists. Every value the program takes from another resource's output is the
 * engine's unknown sentinel; a string that contains one is unknown as a whole, as
 * `pulumi.jsonStringify` and `pulumi.interpolate` make it. A configuration resource's
 * `bucket` (the bucket's id) is unknown too, and the engine links it to its bucket
 * through property dependencies. Buckets keep their `bucket`: the provider fills in
 * the auto-name at preview.
 */
export function atFirstPreview(resources: readonly EvaluatedResource[]): EvaluatedResource[] {
  const urnOf = (r: EvaluatedResource) =>
    r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`;
  const buckets = new Map(
    resources
      .filter((r) => BUCKET_TYPES.includes(r.type))
      .map((r) => [String(r.props.bucket ?? r.name), urnOf(r)]),
  );
  return resources.map((r) => {
    if (BUCKET_TYPES.includes(r.type)) return { ...r, props: unknownLeaves(r.props) };
    const props = unknownLeaves(r.props) as Props;
    const bucketUrn = typeof r.props.bucket === "string" ? buckets.get(r.props.bucket) : undefined;
    if (!bucketUrn) return { ...r, props };
    return {
      ...r,
      props: { ...props, bucket: UNKNOWN_STRING },
      propertyDependencies: { ...r.propertyDependencies, bucket: [bucketUrn] },
    };
  });
}

function unknownLeaves(value: unknown): any {
  if (typeof value === "string")
    return FROM_OUTPUTS.test(value) && !AWS_MANAGED_POLICY.test(value) ? UNKNOWN_STRING : value;
  if (Array.isArray(value)) return value.map(unknownLeaves);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownLeaves(v)]));
  return value;
}

// ---------------------------------------------------------------------------------------
// S3

export const BUCKET = "aws:s3/bucket:Bucket";
export const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const SSE_CONFIGURATION =
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
export const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
export const OWNERSHIP_CONTROLS = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
export const BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl";
export const CORS_CONFIGURATION = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration";

/** Deny every S3 request to `name` made without TLS. */
export const tlsOnlyStatement = (name: string) => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});

/** The bucket's public access block, all four settings on. */
export const publicAccessBlock = (bucket: string) =>
  resource(PUBLIC_ACCESS_BLOCK, bucket, {
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });

export const sseConfiguration = (bucket: string) =>
  resource(SSE_CONFIGURATION, bucket, {
    bucket,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });

export const bucketPolicy = (bucket: string, ...statements: object[]) =>
  resource(BUCKET_POLICY, bucket, {
    bucket,
    policy: policyDocument(tlsOnlyStatement(bucket), ...statements),
  });

export const ownershipControls = (bucket: string) =>
  resource(OWNERSHIP_CONTROLS, bucket, {
    bucket,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });

/** A bucket as the program builds it: the bucket and the resources that keep it private. */
export function privateBucket(name = "uploads"): EvaluatedResource[] {
  return [
    resource(BUCKET, name, { bucket: name }),
    publicAccessBlock(name),
    sseConfiguration(name),
    bucketPolicy(name),
    ownershipControls(name),
  ];
}

/** `privateBucket` without its resource of `type`. */
export const privateBucketWithout = (type: string, name = "uploads") =>
  privateBucket(name).filter((r) => r.type !== type);

/** `privateBucket` with the props of its resource of `type` changed. */
export const privateBucketWith = (type: string, props: Props, name = "uploads") =>
  privateBucket(name).map((r) => (r.type === type ? changed(r, props) : r));

/** CORS on the output bucket for these origins. */
export const corsConfiguration = (...allowedOrigins: string[]) =>
  resource(CORS_CONFIGURATION, "output", {
    bucket: "output",
    corsRules: [{ allowedMethods: ["GET", "HEAD"], allowedOrigins }],
  });

/** The source design's output bucket: public-read, and a `Principal: "*"` read policy. */
export function seedPublicBucket(): EvaluatedResource[] {
  return [
    resource(BUCKET, "seed-output", { bucket: "seed-output", acl: "public-read" }),
    resource(BUCKET_POLICY, "seed-output", {
      bucket: "seed-output",
      policy: policyDocument({
        Sid: "PublicRead",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::seed-output/*",
      }),
    }),
  ];
}

/** The source design's CORS: every origin. */
export const seedWildcardCors = () => corsConfiguration("*");

// ---------------------------------------------------------------------------------------
// CloudFront

export const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
export const OAI_PATH = "origin-access-identity/cloudfront/E2QWRUHAPOMQZL";

/** A distribution reading S3 through an OAI, HTTPS only, on the default certificate. */
export const oaiDistribution = () =>
  resource(DISTRIBUTION, "cdn", {
    origins: [
      {
        originId: "output",
        domainName: "output.s3.us-east-1.amazonaws.com",
        s3OriginConfig: { originAccessIdentity: OAI_PATH },
      },
    ],
    defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https" },
    orderedCacheBehaviors: [{ pathPattern: "*.m3u8", viewerProtocolPolicy: "https-only" }],
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });

/** A distribution's only origin replaced. */
export const distributionWithOrigin = (origin: Props) =>
  changed(oaiDistribution(), { origins: [origin] });

/** The source design's distribution: its S3 origin has no OAI. */
export const oailessDistribution = () =>
  distributionWithOrigin({
    originId: "output",
    domainName: "seed-output.s3.amazonaws.com",
    s3OriginConfig: { originAccessIdentity: "" },
  });

/** A custom origin reached over TLS 1.2. */
export const customOrigin = (config: Props = {}) => ({
  originId: "api",
  domainName: "api.example.com",
  customOriginConfig: {
    httpPort: 80,
    httpsPort: 443,
    originProtocolPolicy: "https-only",
    originSslProtocols: ["TLSv1.2"],
    ...config,
  },
});

/** A custom ACM certificate with the given minimum protocol. */
export const customCertificate = (minimumProtocolVersion?: string) => ({
  acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/1",
  sslSupportMethod: "sni-only",
  ...(minimumProtocolVersion ? { minimumProtocolVersion } : {}),
});

// ---------------------------------------------------------------------------------------
// SNS, SQS, KMS

export const TOPIC = "aws:sns/topic:Topic";
export const QUEUE = "aws:sqs/queue:Queue";
export const KEY = "aws:kms/key:Key";
export const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1";

export const encryptedTopic = () => resource(TOPIC, "notifications", { kmsMasterKeyId: KEY_ARN });
export const encryptedQueue = () => resource(QUEUE, "dlq", { sqsManagedSseEnabled: true });
export const rotatingKey = () =>
  resource(KEY, "notifications", { enableKeyRotation: true, deletionWindowInDays: 30 });

// ---------------------------------------------------------------------------------------
// MediaPackage

export const ORIGIN_ENDPOINT = "aws-native:mediapackage:OriginEndpoint";
export const WIDEVINE = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed";
export const PLAYREADY = "9a04f079-9840-4286-ab92-e65be0885f95";
export const FAIRPLAY = "94ce86fb-07ff-4f43-adb8-93d2fa968ca2";

/** A SPEKE key provider: the KMS gateway, the SPEKE role, the given system ids. */
export const spekeKeyProvider = (systemIds: string[], changes: Props = {}) => ({
  url: "https://abc123.execute-api.us-east-1.amazonaws.com/Production/cpix/getKey",
  roleArn: "arn:aws:iam::123456789012:role/speke",
  systemIds,
  resourceId: "live-1",
  ...changes,
});

/** A package encrypted through SPEKE with rotation off. */
export const spekePackage = (systemIds: string[], encryption: Props = {}) => ({
  encryption: {
    keyRotationIntervalSeconds: 0,
    spekeKeyProvider: spekeKeyProvider(systemIds),
    ...encryption,
  },
});

/** An HLS (FairPlay) and DASH (Widevine + PlayReady) endpoint, as the DRM design has. */
export const drmEndpoint = (packages: Props = {}) =>
  resource(ORIGIN_ENDPOINT, "live", {
    channelId: "live",
    hlsPackage: { ...spekePackage([FAIRPLAY], { encryptionMethod: "SAMPLE_AES" }) },
    dashPackage: spekePackage([WIDEVINE, PLAYREADY]),
    ...packages,
  });

// ---------------------------------------------------------------------------------------
// API Gateway

export const METHOD = "aws:apigateway/method:Method";
export const INTEGRATION = "aws:apigateway/integration:Integration";
export const STAGE = "aws:apigateway/stage:Stage";

export const iamMethod = () =>
  resource(METHOD, "kms-proxy-any", { httpMethod: "ANY", authorization: "AWS_IAM" });
export const httpsIntegration = () =>
  resource(INTEGRATION, "kms-proxy", {
    type: "HTTP_PROXY",
    integrationHttpMethod: "ANY",
    uri: "https://kms.pallycon.com/{proxy}",
  });
export const loggedStage = () =>
  resource(STAGE, "production", {
    stageName: "Production",
    accessLogSettings: {
      destinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:kms-gateway",
      format: '{"requestId":"$context.requestId"}',
    },
  });

// ---------------------------------------------------------------------------------------
// IAM

export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const MEDIACONVERT_ROLE_ARN = "arn:aws:iam::123456789012:role/vod-mediaconvert";

/** The convert function's statements: one action per reason, PassRole on one role to one service. */
export const convertStatements = () => [
  {
    Sid: "SubmitJobs",
    Effect: "Allow",
    Action: "mediaconvert:CreateJob",
    Resource: "arn:aws:mediaconvert:us-east-1:123456789012:queues/Default",
  },
  {
    Sid: "PassTheMediaConvertRole",
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: MEDIACONVERT_ROLE_ARN,
    Condition: { StringEquals: { "iam:PassedToService": "mediaconvert.amazonaws.com" } },
  },
];

/** A role policy with these statements. */
export const rolePolicy = (name: string, ...statements: object[]) =>
  resource(ROLE_POLICY, name, { role: name, policy: policyDocument(...statements) });

/** The convert function's role policy, least privilege. */
export const convertRolePolicy = () => rolePolicy("convert", ...convertStatements());

/** The source design's Lambda policy: s3:*, mediaconvert:* and iam:PassRole on "*". */
export const seedLambdaPolicy = () =>
  rolePolicy(
    "seed-lambda",
    { Sid: "S3", Effect: "Allow", Action: "s3:*", Resource: "*" },
    { Sid: "MediaConvert", Effect: "Allow", Action: ["mediaconvert:*"], Resource: "*" },
    { Sid: "PassRole", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
  );

// ---------------------------------------------------------------------------------------
// Lambda

export const FUNCTION = "aws:lambda/function:Function";

/** The convert function: Node.js 22, settings and references only in its environment. */
export const convertFunction = (variables: Props = {}) =>
  resource(FUNCTION, "convert", {
    runtime: "nodejs22.x",
    handler: "index.handler",
    environment: {
      variables: {
        DESTINATION_BUCKET: "vod-output-4a5adabe",
        MEDIACONVERT_ROLE_ARN,
        LADDER: JSON.stringify([{ width: 640, height: 360, bitrate: 1_000_000 }]),
        ...variables,
      },
    },
  });

// ---------------------------------------------------------------------------------------

/** One compliant resource of every type the pack checks. */
export function compliantStack(): EvaluatedResource[] {
  return [
    ...privateBucket("uploads"),
    ...privateBucket("output"),
    corsConfiguration("https://player.example.com"),
    oaiDistribution(),
    encryptedTopic(),
    encryptedQueue(),
    rotatingKey(),
    drmEndpoint(),
    iamMethod(),
    httpsIntegration(),
    loggedStage(),
    convertRolePolicy(),
    convertFunction(),
  ];
}
