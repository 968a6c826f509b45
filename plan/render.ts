import { DRM_SYSTEM_IDS } from "../shared/drm";
import type { comparePackaging, CostEstimate } from "./cost";
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

const dollars = (value: number | null) => (value === null ? "not priced" : `$${value.toFixed(4)}`);
const kbps = (bitsPerSecond: number) => `${Math.round(bitsPerSecond / 1000)} kb/s`;
const gb = (value: number) => value.toFixed(4);

/**
 * The cost estimate per minute of source: MediaConvert's outputs and their tiers,
 * storage, egress, and the prices' region, date and pages beside them.
 */
export function renderCost(estimate: CostEstimate): string {
  const { mediaConvert, storage, egress, prices } = estimate;
  const header = prices
    ? `Cost per source minute (list prices for ${prices.region}, taken ${prices.takenOn})`
    : `Cost per source minute (${estimate.noPrices})`;
  const rows = estimate.outputs.map((o) => {
    const picture =
      o.kind === "video"
        ? `${o.width}x${o.height} ${kbps(o.videoBitrate)} ${o.band} ${o.frameRateBand} ${o.pass}`
        : o.kind;
    return `    ${o.group.padEnd(13)} ${o.name.padEnd(7)} ${picture.padEnd(46)} ${o.tier.padEnd(13)} ${dollars(o.cost)}`;
  });
  const byRate = Object.entries(mediaConvert.minutesBy)
    .map(([key, minutes]) => `${minutes} × ${key}`)
    .join(", ");
  const byGroup = Object.entries(storage.gbByGroup)
    .map(([group, value]) => `${group} ${gb(value)}`)
    .join(", ");
  const { costPerViewingHour: perHour, perGb } = egress;
  return [
    header,
    ...(estimate.notEstimated ? [`  ${estimate.notEstimated}`] : []),
    `  MediaConvert: ${mediaConvert.outputMinutes} output minutes` +
      (estimate.outputs.some((o) => o.encrypted) ? `, DRM packaging ${estimate.packaging}` : "") +
      (mediaConvert.accelerated ? ", accelerated" : ""),
    ...rows,
    `    by rate: ${byRate}`,
    `    MediaConvert: ${dollars(mediaConvert.cost)}` +
      (mediaConvert.missingRates.length > 0
        ? ` (no list price for: ${mediaConvert.missingRates.join("; ")})`
        : ""),
    `  Storage: ${gb(storage.gbPerMonth)} GB-month (${byGroup}); S3 Standard: ${
      storage.perGbMonth === null
        ? "not priced"
        : `${dollars(storage.cost)} a month at $${storage.perGbMonth}/GB`
    }`,
    `  Egress per viewing hour at ${egress.rendition} (${kbps(egress.bitrate)} with audio): ${gb(
      egress.gbPerViewingHour,
    )} GB; ${dollars(perHour.northAmericaEurope)} at $${perGb.northAmericaEurope}/GB (North America, Europe)` +
      (perGb.dearest > perGb.northAmericaEurope
        ? `, ${dollars(perHour.dearest)} at $${perGb.dearest}/GB (${egress.dearestArea}, the dearest in ${egress.priceClass})`
        : `, all of ${egress.priceClass}`),
    ...(prices
      ? [
          `  Prices: ${prices.sources.join(", ")} (taken ${prices.takenOn})`,
          ...prices.notes.map((note) => `    ${note}`),
        ]
      : [`  Egress prices: ${egress.source}`]),
    `  Assumes: ${estimate.assumptions.join("; ")}`,
  ].join("\n");
}

/** Output minutes and storage per source minute, for each DRM packaging. */
export interface PackagingSummary {
  readonly separate: { readonly outputMinutes: number; readonly gbPerMonth: number };
  readonly cmaf: { readonly outputMinutes: number; readonly gbPerMonth: number };
}

/** The two packagings' quantities from {@link comparePackaging}'s estimates. */
export function packagingSummary(
  comparison: ReturnType<typeof comparePackaging>,
): PackagingSummary {
  const quantities = (estimate: CostEstimate) => ({
    outputMinutes: estimate.mediaConvert.outputMinutes,
    gbPerMonth: estimate.storage.gbPerMonth,
  });
  return { separate: quantities(comparison.separate), cmaf: quantities(comparison.cmaf) };
}

/** One line each: what `vodDrmPackaging` separate and cmaf make per source minute. */
export function renderPackagingComparison({ separate, cmaf }: PackagingSummary): string {
  const saved = 1 - cmaf.gbPerMonth / separate.gbPerMonth;
  return [
    "  DRM packaging, per source minute (vodDrmPackaging):",
    `    separate: ${separate.outputMinutes} output minutes, ${gb(separate.gbPerMonth)} GB-month`,
    `    cmaf:     ${cmaf.outputMinutes} output minutes, ${gb(cmaf.gbPerMonth)} GB-month ` +
      `(${separate.outputMinutes - cmaf.outputMinutes} fewer output minutes, ${Math.round(saved * 100)}% less storage)`,
  ].join("\n");
}
