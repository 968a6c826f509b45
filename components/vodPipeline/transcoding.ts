/**
 * Transcoding: the stack's MediaConvert queue and role, the idempotency table, and the
 * convert function that S3 invokes for each uploaded video.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "../common/aws";
import type { AutomatedAbrLimits, LadderMode, RateControl, Rendition } from "../../shared/ladder";
import type { AccountContext } from "../common/account";
import { policyDocument, trustPolicy } from "../common/iam";
import { lambdaFunction } from "../common/lambdaFunction";
import type { PrivateBucket } from "../privateBucket";
import { createIdempotencyTable } from "./idempotency";
import { KEY_WRITE_ACTIONS } from "./outputKey";
import type { AccelerationMode } from "../../shared/jobQueue";
import { createTranscodingQueue } from "./queue";

/** DRM for every job: where MediaConvert asks for keys. */
export interface TranscodingDrm {
  readonly spekeUrl: pulumi.Input<string>;
  readonly executeApiArn: pulumi.Input<string>;
  readonly keepClearOutputs: boolean;
}

export interface TranscodingArgs {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly applicationName: string;
  readonly account: AccountContext;
  readonly source: PrivateBucket;
  readonly output: PrivateBucket;
  /** The output's customer-managed key, when it has one (SSE-KMS). */
  readonly outputKeyArn?: pulumi.Input<string>;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly logRetentionDays: number;
  readonly ladder: readonly Rendition[];
  readonly rateControl: RateControl;
  readonly qvbrQualityLevel: number;
  /** `fixed` (the ladder, fitted to each source) or `automated` (MediaConvert's ABR). */
  readonly ladderMode: LadderMode;
  readonly automatedAbr: AutomatedAbrLimits;
  readonly jobPriority: number;
  readonly accelerationMode: AccelerationMode;
  readonly queueConcurrentJobs?: number;
  readonly drm?: TranscodingDrm;
  /** `<output>/*\/asset.json`: the only output objects the function reads and writes. */
  readonly assetMetadataFiles: pulumi.Input<string>;
}

/** Creates the queue, the MediaConvert role, the idempotency table and the convert function. */
export function createTranscoding(args: TranscodingArgs) {
  const { name, parent, applicationName, account, source, output, drm } = args;
  const opts = { parent };
  const arn = (service: string, resource: string) =>
    pulumi.interpolate`arn:${account.partition}:${service}:${account.region}:${account.accountId}:${resource}`;
  const outputKey = args.outputKeyArn
    ? [
        {
          Sid: "EncryptOutputs",
          Effect: "Allow" as const,
          Action: KEY_WRITE_ACTIONS,
          Resource: args.outputKeyArn,
        },
      ]
    : [];

  // This stack's own queue: stacks sharing an account don't share the Default queue.
  const queue = createTranscodingQueue({
    name,
    parent,
    applicationName,
    concurrentJobs: args.queueConcurrentJobs,
  });

  // MediaConvert reads the source, writes the output and, with DRM, asks the KMS
  // gateway for keys (MediaConvert signs SPEKE requests with the job's role). It may
  // assume the role for this account's queues only: MediaConvert sends the queue's
  // ARN as aws:SourceArn (confused-deputy protection).
  const mediaConvertRole = new aws.iam.Role(
    `${name}-mediaconvert`,
    {
      assumeRolePolicy: trustPolicy("mediaconvert.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": account.accountId },
        ArnLike: { "aws:SourceArn": arn("mediaconvert", "queues/*") },
      }),
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-mediaconvert`,
    {
      role: mediaConvertRole.id,
      policy: policyDocument([
        {
          Sid: "ReadUploads",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: pulumi.interpolate`${source.arn}/*`,
        },
        {
          Sid: "WriteOutputs",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${output.arn}/*`,
        },
        ...outputKey,
        ...(drm
          ? [
              {
                Sid: "RequestKeysThroughTheGateway",
                Effect: "Allow" as const,
                Action: "execute-api:Invoke",
                Resource: drm.executeApiArn,
              },
            ]
          : []),
      ]),
    },
    opts,
  );

  // Where the convert function records each upload before its job.
  const idempotency = createIdempotencyTable({ name, parent });

  // Submits one MediaConvert job per uploaded video, and marks the asset as processing.
  const convert = lambdaFunction({
    name,
    parent,
    logRetentionDays: args.logRetentionDays,
    deadLetterQueue: args.deadLetterQueue,
    fn: "convert",
    description: `${applicationName}: submits a MediaConvert job for each uploaded video`,
    environment: {
      DESTINATION_BUCKET: output.bucketName,
      MEDIACONVERT_ROLE_ARN: mediaConvertRole.arn,
      APPLICATION_NAME: applicationName,
      IDEMPOTENCY_TABLE: idempotency.table.name,
      JOB_QUEUE_ARN: queue.arn,
      JOB_PRIORITY: String(args.jobPriority),
      ACCELERATION_MODE: args.accelerationMode,
      LADDER: JSON.stringify(args.ladder),
      LADDER_MODE: args.ladderMode,
      ...automatedAbrEnvironment(args.automatedAbr),
      RATE_CONTROL: args.rateControl,
      QVBR_QUALITY_LEVEL: String(args.qvbrQualityLevel),
      // The gateway's URL only: the gateway adds the enc-token itself.
      ...(drm ? { SPEKE_URL: drm.spekeUrl, DRM_CLEAR_OUTPUTS: String(drm.keepClearOutputs) } : {}),
    },
    statements: [
      {
        Sid: "SubmitJobsToThisStacksQueue",
        Effect: "Allow",
        Action: "mediaconvert:CreateJob",
        Resource: queue.arn,
      },
      {
        Sid: "PassTheMediaConvertRoleToMediaConvertOnly",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: mediaConvertRole.arn,
        Condition: { StringEquals: { "iam:PassedToService": "mediaconvert.amazonaws.com" } },
      },
      {
        // Ranged reads of the upload, to fit the ladder to it before the job.
        Sid: "ProbeUploads",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: pulumi.interpolate`${source.arn}/*`,
      },
      {
        // Read first, so a new job's PROCESSING replaces an earlier failure but never a
        // playable encode.
        Sid: "MarkAssetsAsProcessing",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: args.assetMetadataFiles,
      },
      ...outputKey,
      idempotency.recordUploads,
    ],
  });

  // S3 invokes the convert function for every upload (see below).
  const s3Invoke = new aws.lambda.Permission(
    `${name}-convert-s3`,
    {
      function: convert.fn.name,
      action: "lambda:InvokeFunction",
      principal: "s3.amazonaws.com",
      sourceArn: source.arn,
      sourceAccount: account.accountId,
    },
    opts,
  );
  // Every upload, with no suffix filter: S3's filters are case-sensitive, so `.Mp4` would
  // slip past a list of cases, and an upload a filter leaves out leaves no trace at all.
  // The function tells videos by name (any case) and content, and logs and counts the
  // rest as skipped.
  new aws.s3.BucketNotification(
    `${name}-source`,
    {
      bucket: source.bucket.id,
      lambdaFunctions: [{ lambdaFunctionArn: convert.fn.arn, events: ["s3:ObjectCreated:*"] }],
    },
    { parent, dependsOn: [s3Invoke] },
  );
  return { queue, mediaConvertRole, idempotencyTable: idempotency.table, convert };
}

/** The automated ABR limits that are set, as the convert function reads them. */
function automatedAbrEnvironment(limits: AutomatedAbrLimits): Record<string, string> {
  const variables: Record<string, string> = {};
  if (limits.maxRenditions) variables.AUTOMATED_ABR_MAX_RENDITIONS = String(limits.maxRenditions);
  if (limits.minBitrate) variables.AUTOMATED_ABR_MIN_BITRATE = String(limits.minBitrate);
  if (limits.maxBitrate) variables.AUTOMATED_ABR_MAX_BITRATE = String(limits.maxBitrate);
  return variables;
}
