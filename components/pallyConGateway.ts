import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext } from "./common/account";
import { accountAdministersKey, policyDocument } from "./common/iam";
import { DEFAULT_LOG_RETENTION_DAYS } from "./common/logRetention";
import { accountLoggingRole } from "./pallyConGateway/accountLogging";
import { proxyDefinition, redeploymentDigest } from "./pallyConGateway/definition";

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
    const definition = proxyDefinition(name, kmsUrl, encToken);
    const proxy = new aws.apigateway.Resource(
      `${name}-proxy`,
      {
        restApi: this.api.id,
        parentId: this.api.rootResourceId,
        pathPart: definition.proxyPathPart,
      },
      parent,
    );

    // Only SigV4-signed calls get through; the integration adds the enc-token server-side.
    const method = new aws.apigateway.Method(
      `${name}-proxy-any`,
      { restApi: this.api.id, resourceId: proxy.id, ...definition.method },
      parent,
    );
    const integration = new aws.apigateway.Integration(
      `${name}-proxy-any`,
      { restApi: this.api.id, resourceId: proxy.id, ...definition.integration },
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
        triggers: { redeployment: redeploymentDigest(definition) },
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
