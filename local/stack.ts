/**
 * What the local preview runs, read from the program itself: the stack's config goes
 * through `index.ts` under Pulumi's mock runtime, as the offline plan does, and the
 * resources it registers say which buckets, table, functions (with their environment,
 * timeout and memory), event routes, secrets and player files to stand up. Nothing here
 * restates the program; a change to a component shows up in the preview.
 */
import * as path from "node:path";
import { FUNCTION_NAMES, FunctionName } from "../functions/bundle";
import { buildPlayer } from "../player/build";
import { ofType, PlannedResource, PlannedStack } from "../plan/mockCloud";
import type { PlanConfig } from "../plan/stackConfig";

/** One Lambda function as the stack declares it. */
export interface DeclaredFunction {
  readonly name: FunctionName;
  /** The physical name the program gave it. */
  readonly functionName: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  /** Retries of an asynchronous invocation before its event is dead-lettered. */
  readonly retryAttempts: number;
}

/** A player file as the program uploads it under `player/`. */
export interface PlayerObject {
  readonly key: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly body: Buffer;
}

/** The JWT authorizer in front of the token service's routes. */
export interface TokenApi {
  readonly issuer: string;
  readonly audiences: readonly string[];
  /** Each route (`POST /token`) with the scopes it requires (none: any valid token). */
  readonly routes: ReadonlyArray<{ readonly routeKey: string; readonly scopes: readonly string[] }>;
}

export interface LocalStack {
  readonly applicationName: string;
  readonly sourceBucket: string;
  readonly outputBucket: string;
  readonly idempotencyTable: { readonly name: string; readonly hashKey: string };
  readonly functions: Readonly<Partial<Record<FunctionName, DeclaredFunction>>>;
  /** The EventBridge pattern of the rule that sends job state changes to the metadata function. */
  readonly jobEventPattern: Record<string, unknown>;
  readonly tokenApi?: TokenApi;
  /** Secret strings by secret ARN, as Secrets Manager would hold them. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly playerObjects: readonly PlayerObject[];
  /** The headers CloudFront's response headers policy adds to the player's files. */
  readonly playerHeaders: Readonly<Record<string, string>>;
  /** What the stack builds that the preview does not stand up, for the start-up lines. */
  readonly notEmulated: readonly string[];
}

function one(plan: PlannedStack, type: string, name?: string): PlannedResource {
  const found = ofType(plan, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) {
    throw new Error(
      `The program registered ${found.length} ${type}${name ? ` named ${name}` : ""}, not 1`,
    );
  }
  return found[0];
}

/** The secret value a mock resource holds: the runtime wraps secrets in a sentinel object. */
const unwrapSecret = (value: unknown): string =>
  typeof value === "object" && value !== null && "value" in value
    ? String((value as { value: unknown }).value)
    : String(value);

/** Reads the local stack out of a planned run of the program. */
export function localStackOf(plan: PlannedStack, config: PlanConfig): LocalStack {
  const functions: Partial<Record<FunctionName, DeclaredFunction>> = {};
  const retries = new Map(
    ofType(plan, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").map((r) => [
      r.inputs.functionName as string,
      Number(r.inputs.maximumRetryAttempts ?? 2),
    ]),
  );
  for (const resource of ofType(plan, "aws:lambda/function:Function")) {
    const name = FUNCTION_NAMES.find((n) => resource.name.endsWith(`-${n}`));
    if (!name) continue;
    const functionName = String(resource.outputs.name ?? resource.name);
    functions[name] = {
      name,
      functionName,
      handler: resource.inputs.handler,
      timeoutSeconds: Number(resource.inputs.timeout),
      memoryMb: Number(resource.inputs.memorySize),
      environment: resource.inputs.environment?.variables ?? {},
      // Lambda retries an asynchronous event twice unless the function says otherwise.
      retryAttempts: retries.get(functionName) ?? 2,
    };
  }
  const convert = functions.convert;
  if (!convert || !functions.metadata) {
    throw new Error("The program registered no convert or metadata function");
  }

  const table = one(plan, "aws:dynamodb/table:Table");
  const metadataArn = `:function:${functions.metadata.functionName}`;
  const metadataTarget = ofType(plan, "aws:cloudwatch/eventTarget:EventTarget").find((t) =>
    String(t.inputs.arn).endsWith(metadataArn),
  );
  const rule = ofType(plan, "aws:cloudwatch/eventRule:EventRule").find(
    (r) =>
      r.outputs.name === metadataTarget?.inputs.rule ||
      r.outputs.id === metadataTarget?.inputs.rule,
  );
  if (!rule) throw new Error("No event rule sends job state changes to the metadata function");

  const built = new Map(buildPlayer().map((file) => [file.path, file.body]));
  const playerObjects = ofType(plan, "aws:s3/bucketObjectv2:BucketObjectv2").map((r) => ({
    key: String(r.inputs.key),
    contentType: String(r.inputs.contentType),
    cacheControl: String(r.inputs.cacheControl),
    body:
      r.inputs.content !== undefined
        ? Buffer.from(String(r.inputs.content))
        : (built.get(path.posix.relative("player", String(r.inputs.key))) ?? Buffer.alloc(0)),
  }));

  const secrets = Object.fromEntries(
    ofType(plan, "aws:secretsmanager/secretVersion:SecretVersion").map((r) => [
      String(r.inputs.secretId),
      unwrapSecret(r.inputs.secretString),
    ]),
  );
  const value = (key: string) => config.values[`${config.project}:${key}`];
  const notEmulated = [
    ...(value("liveChannel") === "true" ? ["the live channel (MediaPackage)"] : []),
    ...(value("signedCookies") === "true" ? ["signed cookies (CloudFront)"] : []),
    ...(value("notificationEmail") ? ["job e-mails (SNS)"] : []),
  ];

  return {
    applicationName: convert.environment.APPLICATION_NAME,
    sourceBucket: String(one(plan, "aws:s3/bucketNotification:BucketNotification").inputs.bucket),
    outputBucket: convert.environment.DESTINATION_BUCKET,
    idempotencyTable: { name: String(table.outputs.name), hashKey: String(table.inputs.hashKey) },
    functions,
    jobEventPattern: JSON.parse(String(rule.inputs.eventPattern)),
    tokenApi: tokenApiOf(plan),
    secrets,
    playerObjects,
    playerHeaders: responseHeadersOf(
      one(plan, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs,
    ),
    notEmulated,
  };
}

function tokenApiOf(plan: PlannedStack): TokenApi | undefined {
  const authorizer = ofType(plan, "aws:apigatewayv2/authorizer:Authorizer")[0];
  if (!authorizer) return undefined;
  const jwt = authorizer.inputs.jwtConfiguration ?? {};
  return {
    issuer: String(jwt.issuer),
    audiences: jwt.audiences ?? [],
    routes: ofType(plan, "aws:apigatewayv2/route:Route").map((r) => ({
      routeKey: String(r.inputs.routeKey),
      scopes: r.inputs.authorizationScopes ?? [],
    })),
  };
}

/**
 * The headers a CloudFront response headers policy adds, from its inputs: the security
 * headers it sets and its custom headers (CloudFront Developer Guide, "Understand
 * response headers policies").
 */
export function responseHeadersOf(policy: Record<string, any>): Record<string, string> {
  const security = policy.securityHeadersConfig ?? {};
  const headers: Record<string, string> = {};
  if (security.contentSecurityPolicy) {
    headers["content-security-policy"] = security.contentSecurityPolicy.contentSecurityPolicy;
  }
  if (security.strictTransportSecurity) {
    const hsts = security.strictTransportSecurity;
    headers["strict-transport-security"] = [
      `max-age=${hsts.accessControlMaxAgeSec}`,
      ...(hsts.includeSubdomains ? ["includeSubDomains"] : []),
      ...(hsts.preload ? ["preload"] : []),
    ].join("; ");
  }
  if (security.contentTypeOptions) headers["x-content-type-options"] = "nosniff";
  if (security.referrerPolicy) headers["referrer-policy"] = security.referrerPolicy.referrerPolicy;
  if (security.frameOptions) headers["x-frame-options"] = security.frameOptions.frameOption;
  for (const item of policy.customHeadersConfig?.items ?? []) {
    headers[String(item.header).toLowerCase()] = String(item.value);
  }
  return headers;
}
