/**
 * Transcoding: the stack's MediaConvert queue and role, the idempotency table, and the
 * convert function that S3 invokes for each uploaded video.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  AutomatedAbrLimits,
  DEFAULT_LADDER,
  DEFAULT_LADDER_MODE,
  DEFAULT_QVBR_QUALITY_LEVEL,
  DEFAULT_RATE_CONTROL,
  LadderMode,
  RateControl,
  Rendition,
} from "../../shared/ladder";
import type { DrmPackaging } from "../../shared/outputLayout";
import type { AccountContext } from "../common/account";
import { policyDocument, trustPolicy } from "../common/iam";
import { lambdaFunction } from "../common/lambdaFunction";
import type { PrivateBucket } from "../privateBucket";
import { createIdempotencyTable } from "./idempotency";
import { KEY_WRITE_ACTIONS } from "./outputKey";
import {
  AccelerationMode,
  DEFAULT_ACCELERATION_MODE,
  DEFAULT_JOB_PRIORITY,
} from "../../shared/jobQueue";
import { createTranscodingQueue } from "./queue";

/**
 * How uploads are transcoded: the ladder (`ladder*`) and how jobs run in the stack's
 * queue (`job*`). Each field is named as the stack config key that sets it.
 */
export interface VodTranscodingArgs {
  /**
   * The HLS ladder, fitted to each source (no upscaling, the source's shape).
   * @default DEFAULT_LADDER (640x360 @ 1 Mbps, 960x540 @ 2 Mbps, 1280x720 @ 3 Mbps)
   */
  readonly ladder?: readonly Rendition[];
  /**
   * `fixed`: the ladder. `automated`: MediaConvert's automated ABR picks the renditions
   * (QVBR), within `ladderAuto`.
   * @default DEFAULT_LADDER_MODE
   */
  readonly ladderMode?: LadderMode;
  /** @default DEFAULT_RATE_CONTROL */
  readonly ladderRateControl?: RateControl;
  /** Used when `ladderRateControl` is QVBR. @default DEFAULT_QVBR_QUALITY_LEVEL */
  readonly ladderQvbrQualityLevel?: number;
  /** Limits for `ladderMode: "automated"`; each one left out takes MediaConvert's. @default {} */
  readonly ladderAuto?: AutomatedAbrLimits;
  /** MediaConvert job priority in the stack's queue, -50 to 50. @default DEFAULT_JOB_PRIORITY */
  readonly jobPriority?: number;
  /** Accelerated transcoding: `PREFERRED` uses it when the job allows. @default DEFAULT_ACCELERATION_MODE */
  readonly jobAccelerationMode?: AccelerationMode;
  /** Jobs the stack's queue runs at once. @default undefined (the account's quota) */
  readonly jobQueueConcurrentJobs?: number;
}

/** DRM for every job: where MediaConvert asks for keys. */
export interface TranscodingDrm {
  readonly spekeUrl: pulumi.Input<string>;
  readonly executeApiArn: pulumi.Input<string>;
  readonly clearOutputs: boolean;
  readonly packaging: DrmPackaging;
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
  readonly transcoding: VodTranscodingArgs;
  readonly drm?: TranscodingDrm;
  /** `<output>/*\/asset.json`: the only output objects the function reads and writes. */
  readonly assetMetadataFiles: pulumi.Input<string>;
}

/** Creates the queue, the MediaConvert role, the idempotency table and the convert function. */
export function createTranscoding(args: TranscodingArgs) {
  const { name, parent, applicationName, account, source, output, drm } = args;
  const {
    ladder = DEFAULT_LADDER,
    ladderMode = DEFAULT_LADDER_MODE,
    ladderRateControl = DEFAULT_RATE_CONTROL,
    ladderQvbrQualityLevel = DEFAULT_QVBR_QUALITY_LEVEL,
    ladderAuto = {},
    jobPriority = DEFAULT_JOB_PRIORITY,
    jobAccelerationMode = DEFAULT_ACCELERATION_MODE,
    jobQueueConcurrentJobs,
  } = args.transcoding;
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
    concurrentJobs: jobQueueConcurrentJobs,
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
      JOB_PRIORITY: String(jobPriority),
      ACCELERATION_MODE: jobAccelerationMode,
      LADDER: JSON.stringify(ladder),
      LADDER_MODE: ladderMode,
      ...automatedAbrEnvironment(ladderAuto),
      RATE_CONTROL: ladderRateControl,
      QVBR_QUALITY_LEVEL: String(ladderQvbrQualityLevel),
      // The gateway's URL only: the gateway adds the enc-token itself.
      ...(drm
        ? {
            SPEKE_URL: drm.spekeUrl,
            DRM_CLEAR_OUTPUTS: String(drm.clearOutputs),
            DRM_PACKAGING: drm.packaging,
          }
        : {}),
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
        // Ranged reads of the upload, to fit the ladder to it before the job, and a
        // HeadObject of the key, whose version id says whether the event's version is
        // still current. Never a given version: no s3:GetObjectVersion, no s3:ListBucket.
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
