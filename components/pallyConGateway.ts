import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext } from "./common/account";
import { accountAdministersKey, policyDocument, trustPolicy } from "./common/iam";
import { DEFAULT_LOG_RETENTION_DAYS } from "./common/logRetention";

/** Arguments of {@link PallyConGateway}. */
export interface PallyConGatewayArgs {
  /**
   * The PallyCon KMS's base URL, https and without a path; SPEKE requests go to
   * `<kmsUrl>/cpix/getKey`.
   * @default DEFAULT_KMS_URL
   */
  readonly kmsUrl?: string;
  /**
   * The PallyCon KMS enc-token (it encodes the account's access key and site id).
   * Pass a Pulumi secret (`config.requireSecret`): it is stored only in the gateway's
   * integration, which adds it to every request, so callers never hold it.
   */
  readonly encToken: pulumi.Input<string>;
  /** @default DEFAULT_STAGE_NAME (the PallyCon guide's) */
  readonly stageName?: string;
  /**
   * Steady-state requests per second the stage accepts. A packager asks for keys once
   * per job or endpoint, so the limit only caps runaway callers.
   * @default DEFAULT_THROTTLING.rateLimit
   */
  readonly throttlingRateLimit?: number;
  /** Requests allowed in a burst above the steady rate. @default DEFAULT_THROTTLING.burstLimit */
  readonly throttlingBurstLimit?: number;
  /** @default DEFAULT_LOG_RETENTION_DAYS */
  readonly logRetentionDays?: number;
  /**
   * Set the account's API Gateway CloudWatch Logs role in this region, which REST API
   * access logging requires. It is one setting per account and region: turn this off
   * when another stack already manages it. The role and the setting are kept when the
   * stack is destroyed, so other APIs in the account keep logging.
   * @default DEFAULT_MANAGE_ACCOUNT_LOG_ROLE
   */
  readonly manageAccountLogRole?: boolean;
}

/** The PallyCon KMS, as its AWS Elemental integration guide names it. */
export const DEFAULT_KMS_URL = "https://kms.pallycon.com";
/** SPEKE requests go here, relative to the KMS (and the gateway's stage). */
export const SPEKE_PATH = "cpix/getKey";
/** The KMS's health check: `GET` answers `SUCCESS`. */
export const HEARTBEAT_PATH = `${SPEKE_PATH}/heartbeat`;
export const DEFAULT_STAGE_NAME = "Production";
/** Every path below the stage goes to the KMS. */
const PROXY_PATH_PART = "{proxy+}";
/** A packager asks for keys once per job or endpoint: these only cap runaway callers. */
export const DEFAULT_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;
/** Most accounts have no API Gateway logging role until a stack sets one. */
export const DEFAULT_MANAGE_ACCOUNT_LOG_ROLE = true;

/** Stage names API Gateway accepts. */
export const STAGE_NAME = /^[A-Za-z0-9_]{1,128}$/;
/** An https origin: the KMS's paths are fixed by SPEKE and PallyCon. */
export const KMS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/**
 * One JSON line per request. No request or response bodies: SPEKE answers carry
 * content keys. `$context.requestId` is the id API Gateway returns to the caller.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  time: "$context.requestTime",
  caller: "$context.identity.caller",
  userArn: "$context.identity.userArn",
  sourceIp: "$context.identity.sourceIp",
  method: "$context.httpMethod",
  path: "$context.path",
  status: "$context.status",
  latencyMs: "$context.responseLatency",
  kmsStatus: "$context.integration.status",
  kmsLatencyMs: "$context.integration.latency",
  error: "$context.error.message",
});

/**
 * An API Gateway REST API in front of the PallyCon KMS, so packagers reach the key
 * server the way AWS requires (MediaPackage accepts only an API Gateway SPEKE URL in
 * its own region) and with IAM, not a shared secret:
 *
 * - `ANY /{proxy+}` proxies over HTTPS to the KMS and adds the enc-token server-side;
 * - every method requires `AWS_IAM` (SigV4), so only roles granted
 *   `execute-api:Invoke` on {@link executeApiArn} can ask for keys;
 * - the stage is throttled and access-logged to an encrypted log group; execution
 *   logging and data tracing stay off, because SPEKE responses carry content keys.
 */
export class PallyConGateway extends pulumi.ComponentResource {
  public readonly api: aws.apigateway.RestApi;
  public readonly stage: aws.apigateway.Stage;
  public readonly accessLogGroup: aws.cloudwatch.LogGroup;

  /** The SPEKE key server URL for MediaConvert and MediaPackage (no token in it). */
  public readonly spekeUrl: pulumi.Output<string>;
  /** `GET` it (signed) to check the gateway and the KMS: it answers `SUCCESS`. */
  public readonly heartbeatUrl: pulumi.Output<string>;
  /** Grant `execute-api:Invoke` on this to let a role request keys (SPEKE `POST`s only). */
  public readonly executeApiArn: pulumi.Output<string>;
  /** `execute-api:Invoke` on this allows the signed heartbeat check. */
  public readonly heartbeatExecuteApiArn: pulumi.Output<string>;

  constructor(name: string, args: PallyConGatewayArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("vod:index:PallyConGateway", name, {}, opts);
    const {
      kmsUrl = DEFAULT_KMS_URL,
      encToken,
      stageName = DEFAULT_STAGE_NAME,
      throttlingRateLimit = DEFAULT_THROTTLING.rateLimit,
      throttlingBurstLimit = DEFAULT_THROTTLING.burstLimit,
      logRetentionDays = DEFAULT_LOG_RETENTION_DAYS,
      manageAccountLogRole = DEFAULT_MANAGE_ACCOUNT_LOG_ROLE,
    } = args;
    validateGatewayArgs(name, { kmsUrl, stageName, throttlingRateLimit, throttlingBurstLimit });
    if (encToken === undefined)
      throw new Error(`PallyConGateway ${name}: \`encToken\` is required.`);

    const parent = { parent: this };
    const { partition, region, accountId } = accountContext(parent);

    // A regional API: its callers are AWS services in the same region.
    this.api = new aws.apigateway.RestApi(
      name,
      {
        description: "SPEKE proxy to the PallyCon KMS (IAM-authorized)",
        endpointConfiguration: { types: "REGIONAL" },
      },
      parent,
    );

    // Every path below the stage goes to the KMS: /cpix/getKey and its heartbeat.
    const proxy = new aws.apigateway.Resource(
      `${name}-proxy`,
      { restApi: this.api.id, parentId: this.api.rootResourceId, pathPart: PROXY_PATH_PART },
      parent,
    );

    // Only SigV4-signed calls from roles allowed execute-api:Invoke get through.
    const methodDefinition = {
      httpMethod: "ANY",
      authorization: "AWS_IAM",
      requestParameters: { "method.request.path.proxy": true },
    };
    const method = new aws.apigateway.Method(
      `${name}-proxy-any`,
      { restApi: this.api.id, resourceId: proxy.id, ...methodDefinition },
      parent,
    );

    // Proxy to the KMS and add the enc-token there, so it lives only in this integration
    // (secret in state) and never in job settings or endpoint configuration. The
    // packagers' SigV4 headers stop here.
    const integrationDefinition = {
      httpMethod: methodDefinition.httpMethod,
      type: "HTTP_PROXY",
      integrationHttpMethod: "ANY",
      uri: `${kmsUrl}/{proxy}`,
      requestParameters: pulumi
        .secret(encToken)
        .apply((token) => kmsRequestParameters(name, token)),
    };
    const integration = new aws.apigateway.Integration(
      `${name}-proxy-any`,
      { restApi: this.api.id, resourceId: proxy.id, ...integrationDefinition },
      { parent: this, dependsOn: [method] },
    );

    // A new deployment whenever the API's definition changes (a rotated token too):
    // API Gateway serves the last deployment, not the current definition. The trigger
    // is a digest of the same definitions the resources get, secret because the token
    // is part of it.
    const deployment = new aws.apigateway.Deployment(
      name,
      {
        restApi: this.api.id,
        description: "KMS proxy",
        triggers: {
          redeployment: redeploymentDigest({
            proxyPathPart: PROXY_PATH_PART,
            method: methodDefinition,
            integration: integrationDefinition,
          }),
        },
      },
      { parent: this, dependsOn: [method, integration] },
    );

    // Access logs, encrypted with a key of their own and kept for a limited time.
    const logGroupName = pulumi.interpolate`/aws/apigateway/${this.api.name}/${stageName}`;
    const logKey = new aws.kms.Key(
      `${name}-logs`,
      {
        description: "KMS gateway access logs",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyDocument([
          accountAdministersKey({ partition, accountId }),
          {
            Sid: "CloudWatchLogsEncryptsThisLogGroup",
            Effect: "Allow",
            Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
            Action: [
              "kms:Encrypt*",
              "kms:Decrypt*",
              "kms:ReEncrypt*",
              "kms:GenerateDataKey*",
              "kms:Describe*",
            ],
            Resource: "*",
            Condition: {
              ArnEquals: {
                "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`,
              },
            },
          },
        ]),
      },
      parent,
    );
    this.accessLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-access`,
      { name: logGroupName, retentionInDays: logRetentionDays, kmsKeyId: logKey.arn },
      parent,
    );

    const stageDependencies: pulumi.Resource[] = [];
    if (manageAccountLogRole) {
      stageDependencies.push(accountLoggingRole(name, this, accountId, partition, region));
    }

    this.stage = new aws.apigateway.Stage(
      name,
      {
        restApi: this.api.id,
        deployment: deployment.id,
        stageName,
        description: "SPEKE key requests",
        accessLogSettings: {
          destinationArn: this.accessLogGroup.arn,
          format: ACCESS_LOG_FORMAT,
        },
      },
      // Access logging fails until the account's CloudWatch role is set.
      { parent: this, dependsOn: stageDependencies },
    );

    // Throttle every method; no execution logs or data traces (they would hold keys).
    new aws.apigateway.MethodSettings(
      name,
      {
        restApi: this.api.id,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        settings: {
          throttlingRateLimit,
          throttlingBurstLimit,
          metricsEnabled: true,
          loggingLevel: "OFF",
          dataTraceEnabled: false,
        },
      },
      parent,
    );

    this.spekeUrl = pulumi.interpolate`${this.stage.invokeUrl}/${SPEKE_PATH}`;
    this.heartbeatUrl = pulumi.interpolate`${this.stage.invokeUrl}/${HEARTBEAT_PATH}`;
    this.executeApiArn = pulumi.interpolate`${this.stage.executionArn}/POST/${SPEKE_PATH}`;
    this.heartbeatExecuteApiArn = pulumi.interpolate`${this.stage.executionArn}/GET/${HEARTBEAT_PATH}`;
    this.registerOutputs({
      spekeUrl: this.spekeUrl,
      heartbeatUrl: this.heartbeatUrl,
      executeApiArn: this.executeApiArn,
      heartbeatExecuteApiArn: this.heartbeatExecuteApiArn,
    });
  }
}

/**
 * A digest of everything that defines the API's one route, for the deployment's trigger:
 * any change of the resource, the method or the integration (its request parameters,
 * HTTP methods, type, URI, the token) makes a new deployment.
 */
export function redeploymentDigest(definition: pulumi.Inputs): pulumi.Output<string> {
  return pulumi.output(definition).apply(definitionDigest);
}

/** The digest of a resolved definition: SHA-256 of its JSON, keys sorted. */
export function definitionDigest(definition: unknown): string {
  return createHash("sha256").update(stableJson(definition)).digest("hex");
}

/** JSON with object keys sorted, so equal definitions give equal digests. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Request headers of a packager's SigV4 signature. An `HTTP_PROXY` integration forwards
 * the caller's headers unless its request parameters override them, so each is replaced
 * by an empty literal: the KMS is authenticated by the enc-token, and the caller's
 * signature and session token have no business outside AWS.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
 */
export const SIGV4_HEADERS = [
  "Authorization",
  "X-Amz-Date",
  "X-Amz-Security-Token",
  "X-Amz-Content-Sha256",
] as const;

/**
 * The integration's request parameters: the proxied path, the SigV4 headers blanked,
 * and the token as a static query parameter (quoted literals, in API Gateway's mapping
 * syntax).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping.html
 */
export function kmsRequestParameters(name: string, token: string): Record<string, string> {
  // A quote would end API Gateway's literal; tokens are base64 and never hold one.
  if (!token || /['\s]/.test(token)) {
    throw new Error(`PallyConGateway ${name}: the enc-token is empty or malformed.`);
  }
  return {
    "integration.request.path.proxy": "method.request.path.proxy",
    ...Object.fromEntries(
      SIGV4_HEADERS.map((header) => [`integration.request.header.${header}`, "''"]),
    ),
    "integration.request.querystring.enc-token": `'${token}'`,
  };
}

/** Throws, naming the argument, on values API Gateway or the KMS would reject. */
export function validateGatewayArgs(
  name: string,
  args: {
    kmsUrl: string;
    stageName: string;
    throttlingRateLimit: number;
    throttlingBurstLimit: number;
  },
): void {
  const fail = (message: string) => {
    throw new Error(`PallyConGateway ${name}: ${message}`);
  };
  if (!KMS_URL.test(args.kmsUrl))
    fail(
      `\`kmsUrl\` "${args.kmsUrl}" must be an https:// origin without a path, like ${DEFAULT_KMS_URL}.`,
    );
  if (!STAGE_NAME.test(args.stageName))
    fail(`\`stageName\` "${args.stageName}" must be 1-128 letters, digits or '_'.`);
  if (!(args.throttlingRateLimit > 0))
    fail(`\`throttlingRateLimit\` must be positive, not ${args.throttlingRateLimit}.`);
  if (!Number.isInteger(args.throttlingBurstLimit) || args.throttlingBurstLimit < 1)
    fail(`\`throttlingBurstLimit\` must be a positive integer, not ${args.throttlingBurstLimit}.`);
}

/**
 * The account-level role API Gateway uses to write CloudWatch logs in this region,
 * with the permissions of AWS's AmazonAPIGatewayPushToCloudWatchLogs policy written
 * out (the policy pack allows no AWS-managed policies). Retained on destroy: other
 * APIs in the account rely on the same setting.
 */
function accountLoggingRole(
  name: string,
  parent: pulumi.Resource,
  accountId: pulumi.Output<string>,
  partition: pulumi.Output<string>,
  region: pulumi.Output<string>,
): aws.apigateway.Account {
  const opts = { parent, retainOnDelete: true };
  const role = new aws.iam.Role(
    `${name}-cloudwatch`,
    {
      description: "API Gateway writes this account's API logs to CloudWatch Logs",
      // No source condition: API Gateway documents none for this account-level role.
      assumeRolePolicy: trustPolicy("apigateway.amazonaws.com"),
    },
    opts,
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-cloudwatch`,
    {
      role: role.id,
      policy: policyDocument([
        {
          Sid: "WriteApiLogs",
          Effect: "Allow",
          Action: [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
            "logs:GetLogEvents",
            "logs:FilterLogEvents",
          ],
          // The setting serves every API in the account and region, each with its own groups.
          Resource: pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`,
        },
      ]),
    },
    opts,
  );
  return new aws.apigateway.Account(
    `${name}-account`,
    { cloudwatchRoleArn: role.arn },
    { ...opts, dependsOn: [rolePolicy] },
  );
}
