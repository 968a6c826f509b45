import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_LADDER,
  DEFAULT_QVBR_QUALITY_LEVEL,
  RateControl,
  Rendition,
} from "../functions/convert/ladder";
import { HLS_MANIFEST_PATH, VIDEO_SUFFIXES } from "../functions/convert/objectKey";
import { accountContext } from "./common/account";
import { policyDocument, trustPolicy } from "./common/iam";
import { lambdaFunction } from "./common/lambdaFunction";
import { PrivateBucket } from "./privateBucket";

/** Arguments of {@link VodPipeline}. */
export interface VodPipelineArgs {
  /**
   * Written into every MediaConvert job's user metadata, and used to pick this
   * stack's job events out of the account's event bus.
   */
  readonly applicationName: string;
  /**
   * The HLS ladder.
   * @default DEFAULT_LADDER (640x360 @ 1 Mbps, 960x540 @ 2 Mbps, 1280x720 @ 3 Mbps)
   */
  readonly ladder?: readonly Rendition[];
  /** @default "CBR" */
  readonly rateControl?: RateControl;
  /** Used when `rateControl` is QVBR. @default 7 */
  readonly qvbrQualityLevel?: number;
  /**
   * Origins allowed to fetch media cross-origin (players on other sites). Empty means the default.
   * @default [the distribution's own https origin]
   */
  readonly corsAllowedOrigins?: pulumi.Input<pulumi.Input<string>[]>;
  /** @default "PriceClass_100" (North America and Europe) */
  readonly priceClass?: pulumi.Input<string>;
  /** Delete uploads this many days after they arrive; 0 keeps them. @default undefined (kept) */
  readonly uploadExpirationDays?: number;
  /** Subscribe this address to job notifications; empty for none. @default undefined (no subscription) */
  readonly notificationEmail?: pulumi.Input<string>;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Let `pulumi destroy` remove buckets that still hold objects. @default false */
  readonly forceDestroyBuckets?: boolean;
}

/** Caching for manifests: short, so a re-encoded asset shows up within a minute. */
const MANIFEST_TTL = { minTtl: 0, defaultTtl: 30, maxTtl: 60 };
/** Caching for segments, MP4s and thumbnails: they change only when an asset is re-encoded. */
const MEDIA_TTL = { minTtl: 0, defaultTtl: 86_400, maxTtl: 31_536_000 };
/** Paths served with {@link MANIFEST_TTL}: HLS and DASH manifests, and the asset metadata. */
const SHORT_LIVED_PATHS = ["*.m3u8", "*.mpd", "*.json"];
/** Request headers S3 needs to answer CORS; they are part of the cache key so answers don't mix. */
const CORS_HEADERS = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"];

/** How long failed events stay in the dead-letter queue: SQS's maximum, 14 days. */
const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** The MediaConvert job states that are reported: a job either finishes or fails. */
const REPORTED_JOB_STATES = ["COMPLETE", "ERROR"];

/**
 * The path from upload to playback: private source and output buckets, the convert
 * Lambda that submits MediaConvert jobs, job notifications, a dead-letter queue for
 * whatever fails, and a CloudFront distribution that reads the output through an
 * Origin Access Identity.
 */
export class VodPipeline extends pulumi.ComponentResource {
  public readonly source: PrivateBucket;
  public readonly output: PrivateBucket;
  public readonly distribution: aws.cloudfront.Distribution;
  public readonly mediaConvertRole: aws.iam.Role;
  public readonly convertFunction: aws.lambda.Function;
  public readonly metadataFunction: aws.lambda.Function;
  public readonly notificationTopic: aws.sns.Topic;
  public readonly deadLetterQueue: aws.sqs.Queue;

  /** Where uploads go. */
  public readonly uploadBucketName: pulumi.Output<string>;
  /** The CloudFront domain that serves the output. */
  public readonly playbackDomain: pulumi.Output<string>;
  /** The HLS manifest URL of an upload `<path>/<name>.<ext>`. */
  public readonly playbackUrlPattern: pulumi.Output<string>;
  public readonly notificationTopicArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;

  constructor(name: string, args: VodPipelineArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("vod:index:VodPipeline", name, {}, opts);
    const {
      applicationName,
      ladder = DEFAULT_LADDER,
      rateControl = "CBR",
      qvbrQualityLevel = DEFAULT_QVBR_QUALITY_LEVEL,
      priceClass = "PriceClass_100",
      uploadExpirationDays,
      notificationEmail,
      logRetentionDays = 30,
      forceDestroyBuckets = false,
    } = args;
    if (!applicationName) throw new Error("VodPipeline: `applicationName` is required.");

    const parent = { parent: this };
    const { partition, region, accountId } = accountContext(parent);
    const arn = (service: string, resource: string) =>
      pulumi.interpolate`arn:${partition}:${service}:${region}:${accountId}:${resource}`;

    // The Origin Access Identity is CloudFront's only way into the output bucket.
    const oai = new aws.cloudfront.OriginAccessIdentity(
      `${name}-oai`,
      { comment: `${applicationName} output` },
      parent,
    );

    // Uploads: versioned, so an overwritten source can be recovered and re-encoded.
    this.source = new PrivateBucket(
      `${name}-source`,
      {
        versioning: true,
        expirationDays: uploadExpirationDays || undefined,
        forceDestroy: forceDestroyBuckets,
      },
      parent,
    );

    // MediaConvert output. Not versioned: every object can be made again from the source.
    this.output = new PrivateBucket(
      `${name}-output`,
      {
        forceDestroy: forceDestroyBuckets,
        // CloudFront reads objects through the OAI, and nothing else is granted.
        objectReaders: [oai.iamArn],
      },
      parent,
    );

    // Cache policies: manifests briefly, media long; both keyed on the CORS headers.
    const manifestCache = cachePolicy(`${name}-manifests`, MANIFEST_TTL, parent);
    const mediaCache = cachePolicy(`${name}-media`, MEDIA_TTL, parent);
    const originId = "output";
    const behaviour = {
      targetOriginId: originId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachedMethods: ["GET", "HEAD", "OPTIONS"],
      compress: true,
    };

    // HTTPS delivery of the output bucket, which CloudFront reads only through the OAI.
    this.distribution = new aws.cloudfront.Distribution(
      `${name}-cdn`,
      {
        enabled: true,
        comment: `${applicationName} playback`,
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        priceClass,
        origins: [
          {
            originId,
            domainName: this.output.bucket.bucketRegionalDomainName,
            s3OriginConfig: { originAccessIdentity: oai.cloudfrontAccessIdentityPath },
          },
        ],
        defaultCacheBehavior: { ...behaviour, cachePolicyId: mediaCache.id },
        orderedCacheBehaviors: SHORT_LIVED_PATHS.map((pathPattern) => ({
          ...behaviour,
          pathPattern,
          cachePolicyId: manifestCache.id,
        })),
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
      },
      parent,
    );
    const playbackOrigin = pulumi.interpolate`https://${this.distribution.domainName}`;

    // Let players on the allowed origins (by default only our own domain) fetch media.
    new aws.s3.BucketCorsConfiguration(
      `${name}-output`,
      {
        bucket: this.output.bucket.id,
        corsRules: [
          {
            allowedMethods: ["GET", "HEAD"],
            allowedOrigins: pulumi
              .all([args.corsAllowedOrigins ?? [], playbackOrigin])
              .apply(([origins, own]) => (origins.length > 0 ? origins : [own])),
            allowedHeaders: ["*"],
            exposeHeaders: ["ETag", "Content-Length", "Content-Range"],
            maxAgeSeconds: 3000,
          },
        ],
      },
      parent,
    );

    // Where every event that could not be processed ends up, encrypted, for 14 days.
    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS },
      parent,
    );

    // MediaConvert reads the source and writes the output, nothing else.
    this.mediaConvertRole = new aws.iam.Role(
      `${name}-mediaconvert`,
      { assumeRolePolicy: trustPolicy("mediaconvert.amazonaws.com") },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-mediaconvert`,
      {
        role: this.mediaConvertRole.id,
        policy: policyDocument([
          {
            Sid: "ReadUploads",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: pulumi.interpolate`${this.source.arn}/*`,
          },
          {
            Sid: "WriteOutputs",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${this.output.arn}/*`,
          },
        ]),
      },
      parent,
    );

    const functionArgs = {
      name,
      logRetentionDays,
      deadLetterQueue: this.deadLetterQueue,
      parent: this,
    } as const;

    // Submits one MediaConvert job per uploaded video.
    const convert = lambdaFunction({
      ...functionArgs,
      fn: "convert",
      description: `${applicationName}: submits a MediaConvert job for each uploaded video`,
      environment: {
        DESTINATION_BUCKET: this.output.bucketName,
        MEDIACONVERT_ROLE_ARN: this.mediaConvertRole.arn,
        APPLICATION_NAME: applicationName,
        LADDER: JSON.stringify(ladder),
        RATE_CONTROL: rateControl,
        QVBR_QUALITY_LEVEL: String(qvbrQualityLevel),
      },
      statements: [
        {
          Sid: "SubmitJobsToTheDefaultQueue",
          Effect: "Allow",
          Action: "mediaconvert:CreateJob",
          Resource: arn("mediaconvert", "queues/Default"),
        },
        {
          Sid: "PassTheMediaConvertRoleToMediaConvertOnly",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: this.mediaConvertRole.arn,
          Condition: { StringEquals: { "iam:PassedToService": "mediaconvert.amazonaws.com" } },
        },
      ],
    });
    this.convertFunction = convert.fn;

    // S3 invokes the convert function for video suffixes only. S3 filters are
    // case-sensitive, so each suffix is listed in lower and upper case.
    const s3Invoke = new aws.lambda.Permission(
      `${name}-convert-s3`,
      {
        function: convert.fn.name,
        action: "lambda:InvokeFunction",
        principal: "s3.amazonaws.com",
        sourceArn: this.source.arn,
        sourceAccount: accountId,
      },
      parent,
    );
    new aws.s3.BucketNotification(
      `${name}-source`,
      {
        bucket: this.source.bucket.id,
        lambdaFunctions: uploadSuffixFilters().map((filterSuffix) => ({
          lambdaFunctionArn: convert.fn.arn,
          events: ["s3:ObjectCreated:*"],
          filterSuffix,
        })),
      },
      { parent: this, dependsOn: [s3Invoke] },
    );

    // Job notifications: a customer-managed key, because EventBridge and CloudWatch
    // cannot publish to a topic encrypted with the AWS-managed SNS key.
    const topicKey = new aws.kms.Key(
      `${name}-notifications`,
      {
        description: `${applicationName} notification topic`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministersTheKey",
              Effect: "Allow",
              Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
              // A key policy must name its resource as "*": it applies to this key only.
              Action: "kms:*",
              Resource: "*",
            },
            {
              // No source condition here: SNS calls KMS on the publisher's behalf, and
              // the topic policy already limits who may publish.
              Sid: "PublishersEncryptMessages",
              Effect: "Allow",
              Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
              Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
              Resource: "*",
            },
          ],
        }),
      },
      parent,
    );
    this.notificationTopic = new aws.sns.Topic(
      `${name}-notifications`,
      { kmsMasterKeyId: topicKey.arn },
      parent,
    );
    if (notificationEmail) {
      // The address must confirm the subscription before mail arrives.
      new aws.sns.TopicSubscription(
        `${name}-notifications-email`,
        { topic: this.notificationTopic.arn, protocol: "email", endpoint: notificationEmail },
        parent,
      );
    }

    // This stack's MediaConvert jobs only: the account's event bus carries every job.
    const jobEvents = (statuses: string[]) =>
      JSON.stringify({
        source: ["aws.mediaconvert"],
        "detail-type": ["MediaConvert Job State Change"],
        detail: { status: statuses, userMetadata: { application: [applicationName] } },
      });
    const jobStateRule = new aws.cloudwatch.EventRule(
      `${name}-job-state`,
      {
        description: `${applicationName}: MediaConvert jobs that complete or fail`,
        eventPattern: jobEvents(REPORTED_JOB_STATES),
      },
      parent,
    );
    const jobCompleteRule = new aws.cloudwatch.EventRule(
      `${name}-job-complete`,
      {
        description: `${applicationName}: MediaConvert jobs that complete`,
        eventPattern: jobEvents(["COMPLETE"]),
      },
      parent,
    );
    const eventRules = [jobStateRule, jobCompleteRule];

    new aws.sns.TopicPolicy(
      `${name}-notifications`,
      {
        arn: this.notificationTopic.arn,
        policy: policyDocument([
          {
            Sid: "JobStateEventsPublish",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.notificationTopic.arn,
            Condition: { ArnEquals: { "aws:SourceArn": jobStateRule.arn } },
          },
          {
            Sid: "DeadLetterAlarmPublishes",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.notificationTopic.arn,
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
          },
        ]),
      },
      parent,
    );

    // Events EventBridge cannot deliver go to the dead-letter queue too.
    new aws.sqs.QueuePolicy(
      `${name}-dlq`,
      {
        queueUrl: this.deadLetterQueue.url,
        policy: policyDocument([
          {
            Sid: "UndeliveredJobEvents",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: this.deadLetterQueue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": eventRules.map((rule) => rule.arn) } },
          },
        ]),
      },
      parent,
    );
    const eventDeadLetter = { arn: this.deadLetterQueue.arn };

    new aws.cloudwatch.EventTarget(
      `${name}-job-state`,
      {
        rule: jobStateRule.name,
        arn: this.notificationTopic.arn,
        deadLetterConfig: eventDeadLetter,
      },
      parent,
    );

    // On COMPLETE, writes `<prefix>/asset.json` next to the outputs for the player.
    const metadata = lambdaFunction({
      ...functionArgs,
      fn: "metadata",
      description: `${applicationName}: writes each finished asset's metadata file`,
      environment: {
        DESTINATION_BUCKET: this.output.bucketName,
        PLAYBACK_DOMAIN: this.distribution.domainName,
        APPLICATION_NAME: applicationName,
      },
      statements: [
        {
          Sid: "WriteAssetMetadataFilesOnly",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${this.output.arn}/*/asset.json`,
        },
      ],
    });
    this.metadataFunction = metadata.fn;
    const eventsInvoke = new aws.lambda.Permission(
      `${name}-metadata-events`,
      {
        function: metadata.fn.name,
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: jobCompleteRule.arn,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-job-complete`,
      { rule: jobCompleteRule.name, arn: metadata.fn.arn, deadLetterConfig: eventDeadLetter },
      { parent: this, dependsOn: [eventsInvoke] },
    );

    // Anything in the dead-letter queue is a lost upload or asset until someone acts: say so.
    new aws.cloudwatch.MetricAlarm(
      `${name}-dlq-not-empty`,
      {
        alarmDescription: `${applicationName}: events failed and are waiting in the dead-letter queue`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [this.notificationTopic.arn],
      },
      parent,
    );

    this.uploadBucketName = this.source.bucketName;
    this.playbackDomain = this.distribution.domainName;
    this.playbackUrlPattern = pulumi.interpolate`${playbackOrigin}/<path>/<name>/${HLS_MANIFEST_PATH}`;
    this.notificationTopicArn = this.notificationTopic.arn;
    this.deadLetterQueueUrl = this.deadLetterQueue.url;
    this.registerOutputs({
      uploadBucketName: this.uploadBucketName,
      playbackDomain: this.playbackDomain,
      playbackUrlPattern: this.playbackUrlPattern,
      notificationTopicArn: this.notificationTopicArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
    });
  }
}

/** Every suffix the upload trigger fires on: each video suffix in lower and upper case. */
export function uploadSuffixFilters(): string[] {
  return VIDEO_SUFFIXES.flatMap((suffix) => [suffix.toLowerCase(), suffix.toUpperCase()]);
}

/** A cache policy with the given TTLs, compression, and the CORS request headers in its key. */
function cachePolicy(
  name: string,
  ttl: { minTtl: number; defaultTtl: number; maxTtl: number },
  opts: pulumi.CustomResourceOptions,
): aws.cloudfront.CachePolicy {
  return new aws.cloudfront.CachePolicy(
    name,
    {
      ...ttl,
      parametersInCacheKeyAndForwardedToOrigin: {
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
        cookiesConfig: { cookieBehavior: "none" },
        queryStringsConfig: { queryStringBehavior: "none" },
        headersConfig: { headerBehavior: "whitelist", headers: { items: CORS_HEADERS } },
      },
    },
    opts,
  );
}
