import { DRM_SYSTEM_IDS } from "../shared/drm";
import { isSecret, PlannedResource, PlannedStack } from "./mockCloud";
import { SECRET_PLACEHOLDER } from "./stackConfig";

type Inputs = Record<string, any>;

/** The properties worth seeing at a glance, per resource type. */
const KEY_PROPERTIES: Record<string, (inputs: Inputs) => Record<string, unknown>> = {
  "aws:s3/bucket:Bucket": (i) => ({ forceDestroy: i.forceDestroy }),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (i) => ({
    blockAll:
      i.blockPublicAcls && i.blockPublicPolicy && i.ignorePublicAcls && i.restrictPublicBuckets,
  }),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
    i,
  ) => ({
    sse: i.rules?.[0]?.applyServerSideEncryptionByDefault?.sseAlgorithm,
  }),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (i) => ({
    ownership: i.rule?.objectOwnership,
  }),
  "aws:s3/bucketVersioning:BucketVersioning": (i) => ({
    versioning: i.versioningConfiguration?.status,
  }),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (i) => ({
    rules: (i.rules ?? []).map((r: Inputs) => r.id),
  }),
  "aws:s3/bucketPolicy:BucketPolicy": (i) => ({
    statements: JSON.parse(i.policy ?? "{}").Statement?.map((s: Inputs) => s.Sid),
  }),
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": (i) => ({
    origins: i.corsRules?.flatMap((r: Inputs) => r.allowedOrigins),
  }),
  "aws:s3/bucketNotification:BucketNotification": (i) => ({
    events: (i.lambdaFunctions ?? []).flatMap((f: Inputs) => f.events).join(" "),
  }),
  "aws:cloudfront/distribution:Distribution": (i) => ({
    priceClass: i.priceClass,
    viewer: i.defaultCacheBehavior?.viewerProtocolPolicy,
    originAccess: i.origins?.[0]?.s3OriginConfig?.originAccessIdentity,
    behaviours: (i.orderedCacheBehaviors ?? []).map((b: Inputs) => b.pathPattern).join(" "),
  }),
  "aws:cloudfront/cachePolicy:CachePolicy": (i) => ({
    ttl: `${i.minTtl}/${i.defaultTtl}/${i.maxTtl}`,
  }),
  "aws:iam/rolePolicy:RolePolicy": (i) => ({
    allows: JSON.parse(i.policy ?? "{}")
      .Statement?.flatMap((s: Inputs) => [s.Action].flat())
      .join(" "),
  }),
  "aws:lambda/function:Function": (i) => ({
    runtime: i.runtime,
    arch: i.architectures?.join(","),
    env: Object.keys(i.environment?.variables ?? {}).join(" "),
  }),
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": (i) => ({
    retries: i.maximumRetryAttempts,
    onFailure: i.destinationConfig?.onFailure?.destination,
  }),
  "aws:cloudwatch/eventRule:EventRule": (i) => ({ pattern: i.eventPattern }),
  "aws:sns/topic:Topic": (i) => ({ kms: i.kmsMasterKeyId }),
  "aws:sqs/queue:Queue": (i) => ({ sse: i.sqsManagedSseEnabled }),
  "aws:cloudwatch/logGroup:LogGroup": (i) => ({
    retentionDays: i.retentionInDays,
    kms: i.kmsKeyId ? "customer key" : undefined,
  }),
  "aws:apigateway/method:Method": (i) => ({ method: i.httpMethod, auth: i.authorization }),
  "aws:apigateway/integration:Integration": (i) => ({
    type: i.type,
    uri: i.uri,
    parameters: isSecret(i.requestParameters) ? SECRET_PLACEHOLDER : undefined,
  }),
  "aws:apigateway/stage:Stage": (i) => ({
    stage: i.stageName,
    accessLogs: i.accessLogSettings?.destinationArn ? "on" : "off",
  }),
  "aws:apigateway/methodSettings:MethodSettings": (i) => ({
    throttle: `${i.settings?.throttlingRateLimit}/s burst ${i.settings?.throttlingBurstLimit}`,
    executionLogs: i.settings?.loggingLevel,
  }),
  "aws-native:mediapackage:OriginEndpoint": (i) => {
    const pkg = i.hlsPackage ?? i.dashPackage ?? i.cmafPackage ?? {};
    const encryption = pkg.encryption ?? {};
    return {
      package: ["hlsPackage", "dashPackage", "cmafPackage"]
        .find((p) => i[p])
        ?.replace("Package", ""),
      method: encryption.encryptionMethod,
      drm: (encryption.spekeKeyProvider?.systemIds ?? []).map(drmName).join("+"),
      rotation: encryption.keyRotationIntervalSeconds,
      contentId: encryption.spekeKeyProvider?.resourceId,
    };
  },
};

const DRM_NAMES = Object.fromEntries(
  Object.entries(DRM_SYSTEM_IDS).map(([drm, systemId]) => [systemId, drm]),
);
const drmName = (systemId: string) => DRM_NAMES[systemId] ?? systemId;

function describe(resource: PlannedResource): string {
  const pick = KEY_PROPERTIES[resource.type];
  if (!pick) return "";
  const shown = Object.entries(pick(resource.inputs))
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return shown.length > 0 ? `  ${shown.join("  ")}` : "";
}

/** The plan as a tree of components and their children, with key properties. */
export function renderTree(plan: PlannedStack, title: string): string {
  const children = new Map<string | undefined, PlannedResource[]>();
  for (const resource of plan.resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  // Components first, then by type and name, so the same program always prints the same tree.
  const order = (a: PlannedResource, b: PlannedResource) =>
    Number(a.custom) - Number(b.custom) ||
    a.type.localeCompare(b.type) ||
    a.name.localeCompare(b.name);
  for (const siblings of children.values()) siblings.sort(order);
  const lines = [title];
  const walk = (parent: string | undefined, indent: string) => {
    const siblings = children.get(parent) ?? [];
    siblings.forEach((resource, index) => {
      const last = index === siblings.length - 1;
      lines.push(
        `${indent}${last ? "└─ " : "├─ "}${resource.type} ${resource.name}${describe(resource)}`,
      );
      walk(`${resource.type}::${resource.name}`, indent + (last ? "   " : "│  "));
    });
  };
  walk(undefined, "");
  return lines.join("\n");
}

/** The stack outputs, one per line. */
export function renderOutputs(outputs: Record<string, unknown>): string {
  return Object.entries(outputs)
    .map(([key, value]) => `  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("\n");
}
