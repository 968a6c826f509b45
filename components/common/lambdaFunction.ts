import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleFunction, FunctionName } from "../../functions/bundle";
import { policyDocument, trustPolicy } from "./iam";

/** Async invocations are retried this many times before the event goes to the dead-letter queue. */
export const LAMBDA_RETRY_ATTEMPTS = 2;
/** Oldest event Lambda still processes (its maximum): throttled events wait, not drop. */
export const LAMBDA_MAX_EVENT_AGE_SECONDS = 6 * 60 * 60;

/** A bundled handler from `functions/<fn>/`, deployed under `${name}-${fn}`. */
export interface LambdaFunctionArgs {
  /** The owning component's name; the function's resources are `${name}-${fn}`. */
  readonly name: string;
  readonly fn: FunctionName;
  readonly parent: pulumi.Resource;
  readonly description: string;
  /** Plain settings only: secrets go in a secret store, and the function gets its ARN. */
  readonly environment: Record<string, pulumi.Input<string>>;
  /** What the function may do beyond writing its own logs (and dead-lettering its events). */
  readonly statements: aws.iam.PolicyStatement[];
  readonly logRetentionDays: number;
  /**
   * For asynchronously invoked functions: events that still fail after the retries go
   * here. Synchronous functions (behind an HTTP API) leave it out: their caller sees
   * the error.
   */
  readonly deadLetterQueue?: aws.sqs.Queue;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 60 */
  readonly timeout?: number;
}

/** What {@link lambdaFunction} made. */
export interface DeployedFunction {
  readonly fn: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
}

/**
 * A handler bundled with esbuild, with its own least-privilege role and log group.
 * Asynchronous functions also get retry settings that send events which still fail
 * to the dead-letter queue.
 */
export function lambdaFunction(args: LambdaFunctionArgs): DeployedFunction {
  const { name, fn, parent, logRetentionDays, deadLetterQueue } = args;
  const resourceName = `${name}-${fn}`;
  const opts = { parent };

  const logGroup = new aws.cloudwatch.LogGroup(
    resourceName,
    { retentionInDays: logRetentionDays },
    opts,
  );
  const role = new aws.iam.Role(
    resourceName,
    { assumeRolePolicy: trustPolicy("lambda.amazonaws.com") },
    opts,
  );
  const rolePolicy = new aws.iam.RolePolicy(
    resourceName,
    {
      role: role.id,
      policy: policyDocument([
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: pulumi.interpolate`${logGroup.arn}:*`,
        },
        ...(deadLetterQueue
          ? [
              {
                Sid: "DeadLetterFailedEvents",
                Effect: "Allow" as const,
                Action: "sqs:SendMessage",
                Resource: deadLetterQueue.arn,
              },
            ]
          : []),
        ...args.statements,
      ]),
    },
    opts,
  );

  const bundle = bundleFunction(fn);
  const lambda = new aws.lambda.Function(
    resourceName,
    {
      description: args.description,
      role: role.arn,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.FileAsset(bundle.indexFile),
        // Files the handler reads beside itself (the convert function's MediaInfo WebAssembly).
        ...Object.fromEntries(
          Object.entries(bundle.files).map(([name, file]) => [
            name,
            new pulumi.asset.FileAsset(file),
          ]),
        ),
      }),
      memorySize: args.memorySize ?? 256,
      timeout: args.timeout ?? 60,
      environment: { variables: args.environment },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
    },
    // The role's permissions must exist before the first event arrives.
    { parent, dependsOn: [rolePolicy] },
  );

  if (deadLetterQueue) {
    new aws.lambda.FunctionEventInvokeConfig(
      resourceName,
      {
        functionName: lambda.name,
        maximumRetryAttempts: LAMBDA_RETRY_ATTEMPTS,
        maximumEventAgeInSeconds: LAMBDA_MAX_EVENT_AGE_SECONDS,
        destinationConfig: { onFailure: { destination: deadLetterQueue.arn } },
      },
      opts,
    );
  }
  return { fn: lambda, role, rolePolicy, logGroup };
}
