import * as pulumi from "@pulumi/pulumi";
import * as aws from "./common/aws";
import {
  AutomatedAbrLimits,
  DEFAULT_LADDER,
  DEFAULT_LADDER_MODE,
  DEFAULT_QVBR_QUALITY_LEVEL,
  LadderMode,
  RateControl,
  Rendition,
} from "../shared/ladder";
import { HLS_MANIFEST_PATH, OUTPUT_LAYOUT } from "../shared/outputLayout";
import { accountContext } from "./common/account";
import { lambdaFunction } from "./common/lambdaFunction";
import { PrivateBucket } from "./privateBucket";
import { LicenseTokenService, LicenseTokenServiceArgs } from "./licenseTokenService";
import { CustomDomainArgs, validateCustomDomain } from "./vodPipeline/customDomain";
import { createDelivery, SESSION_PATH, TOKEN_PATH } from "./vodPipeline/delivery";
import { createOriginAccess, OriginAccessKind } from "./vodPipeline/originAccess";
import { createNotifications } from "./vodPipeline/notifications";
import { createObservability } from "./vodPipeline/observability";
import { createOutputKey, KEY_WRITE_ACTIONS } from "./vodPipeline/outputKey";
import {
  AccelerationMode,
  DEFAULT_ACCELERATION_MODE,
  DEFAULT_JOB_PRIORITY,
} from "../shared/jobQueue";
import { validateSignedCookies, VodSignedCookiesArgs } from "./vodPipeline/signedCookies";
import { createTranscoding } from "./vodPipeline/transcoding";
import { createViewerAccess } from "./vodPipeline/viewerAccess";

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
  /**
   * Encrypt every asset through SPEKE (DASH with Widevine + PlayReady, HLS with
   * FairPlay), with keys from the KMS gateway.
   * @default undefined (clear outputs only)
   */
  readonly drm?: VodDrmArgs;
  /**
   * Deploy the license token service the player asks for PallyCon license tokens, with
   * CORS for the player's origins.
   * @default undefined (no token service)
   */
  readonly licenseTokens?: Omit<
    LicenseTokenServiceArgs,
    "allowedOrigins" | "logRetentionDays" | "signedCookies"
  >;
  /**
   * Protected clear playback: the output's media behaviours (segments, manifests,
   * `asset.json`) require CloudFront signed cookies from a trusted key group, and the
   * token service issues them to signed-in viewers on `/session`. The player page and
   * the token routes stay open. Needs `licenseTokens`.
   * @default undefined (the output is served to anyone with its URL)
   */
  readonly signedCookies?: VodSignedCookiesArgs;
  /**
   * How CloudFront reads the output bucket: an Origin Access Identity, or an Origin
   * Access Control (needed in regions launched after December 2022).
   * @default "oai"
   */
  readonly originAccess?: OriginAccessKind;
  /**
   * Serve on your own host names with an ACM certificate and TLS 1.2 (2021 ciphers) at
   * least; playback URLs and the default CORS origin follow the first alias.
   * @default undefined (the `*.cloudfront.net` name and certificate)
   */
  readonly customDomain?: CustomDomainArgs;
  /** Deliver CloudFront access logs to CloudWatch Logs (in us-east-1). @default false */
  readonly cdnAccessLogs?: boolean;
  /**
   * Encrypt the output with a customer-managed KMS key that CloudFront may use for this
   * distribution only. Needs `originAccess: "oac"`: an OAI cannot decrypt.
   * @default false (SSE-S3)
   */
  readonly outputKmsEncryption?: boolean;
  /**
   * `fixed`: the ladder, fitted to each source (no upscaling, the source's shape).
   * `automated`: MediaConvert's automated ABR picks the renditions (QVBR).
   * @default "fixed"
   */
  readonly ladderMode?: LadderMode;
  /** Limits for automated ABR; each one left out takes MediaConvert's. @default {} */
  readonly automatedAbr?: AutomatedAbrLimits;
  /** MediaConvert job priority in the stack's queue, -50 to 50. @default 0 */
  readonly jobPriority?: number;
  /** Accelerated transcoding: `PREFERRED` uses it when the job allows. @default "DISABLED" */
  readonly accelerationMode?: AccelerationMode;
  /** Jobs the stack's queue runs at once. @default undefined (the account's quota) */
  readonly queueConcurrentJobs?: number;
  /** CloudFront's additional metrics (cache hit rate), which AWS charges for. @default false */
  readonly cdnAdditionalMetrics?: boolean;
}

/** DRM for on-demand assets. */
export interface VodDrmArgs {
  /** The SPEKE key server URL: {@link PallyConGateway.spekeUrl}. It holds no token. */
  readonly spekeUrl: pulumi.Input<string>;
  /** What MediaConvert may invoke: {@link PallyConGateway.executeApiArn}. */
  readonly executeApiArn: pulumi.Input<string>;
  /** Keep the clear HLS ladder and MP4 too (unencrypted copies). @default false */
  readonly keepClearOutputs?: boolean;
}

/** How long failed events stay in the dead-letter queue: SQS's maximum, 14 days. */
const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * The path from upload to playback: private source and output buckets, the convert
 * Lambda that submits MediaConvert jobs, job notifications, a dead-letter queue for
 * whatever fails, and a CloudFront distribution that reads the output through an
 * Origin Access Identity. With `drm`, every job also writes SPEKE-encrypted DASH and
 * HLS, and MediaConvert may request keys from the KMS gateway.
 */
export class VodPipeline extends pulumi.ComponentResource {
  public readonly source: PrivateBucket;
  public readonly output: PrivateBucket;
  public readonly distribution: aws.cloudfront.Distribution;
  public readonly mediaConvertRole: aws.iam.Role;
  public readonly convertFunction: aws.lambda.Function;
  /** One record per upload, so each gets exactly one MediaConvert job. */
  public readonly idempotencyTable: aws.dynamodb.Table;
  /** This stack's MediaConvert queue. */
  public readonly queue: aws.mediaconvert.Queue;
  /** The stack's CloudWatch dashboard. */
  public readonly dashboard: aws.cloudwatch.Dashboard;
  public readonly metadataFunction: aws.lambda.Function;
  public readonly notificationTopic: aws.sns.Topic;
  public readonly deadLetterQueue: aws.sqs.Queue;
  public readonly licenseTokenService?: LicenseTokenService;

  /** Where uploads go. */
  public readonly uploadBucketName: pulumi.Output<string>;
  /** The domain that serves the output: the custom domain's first alias, or CloudFront's. */
  public readonly playbackDomain: pulumi.Output<string>;
  /** The metadata file of the upload `<key>`: manifests, DRM and status. */
  public readonly assetMetadataUrlPattern: pulumi.Output<string>;
  /** The clear HLS manifest URL of the upload `<key>`, when clear outputs are made. */
  public readonly playbackUrlPattern: pulumi.Output<string>;
  public readonly notificationTopicArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** The player page for the upload `<key>`. */
  public readonly playerUrlPattern: pulumi.Output<string>;
  /** Where the player gets license tokens; undefined without the token service. */
  public readonly licenseTokenUrl?: pulumi.Output<string>;
  /** Where the player gets its signed cookies; undefined without signed cookies. */
  public readonly sessionUrl?: pulumi.Output<string>;
  /** The key group the media behaviours trust; undefined without signed cookies. */
  public readonly signedCookieKeyGroup?: aws.cloudfront.KeyGroup;

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
      drm,
    } = args;
    if (!applicationName) throw new Error("VodPipeline: `applicationName` is required.");
    if (args.customDomain) validateCustomDomain(args.customDomain);
    if (args.signedCookies) validateSignedCookies(args.signedCookies, !!args.licenseTokens);
    if (args.outputKmsEncryption && args.originAccess !== "oac") {
      throw new Error(
        'VodPipeline: `outputKmsEncryption` needs `originAccess: "oac"`: an Origin Access Identity cannot read KMS-encrypted objects.',
      );
    }

    const parent = { parent: this };
    const account = accountContext(parent);
    const { region } = account;

    // CloudFront's only way into the output bucket: an OAI, or an OAC.
    const originAccess = createOriginAccess({
      name,
      parent: this,
      kind: args.originAccess ?? "oai",
      applicationName,
    });

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

    // With an OAC, the output may be encrypted with a key CloudFront can use.
    const outputKey = args.outputKmsEncryption
      ? createOutputKey({
          name,
          parent: this,
          applicationName,
          account,
          distributionArn: originAccess.distributionArn,
        })
      : undefined;

    // MediaConvert output. Not versioned: every object can be made again from the source.
    this.output = new PrivateBucket(
      `${name}-output`,
      {
        forceDestroy: forceDestroyBuckets,
        kmsKeyArn: outputKey?.arn,
        // CloudFront reads (and lists, so missing objects answer 404), nothing else.
        readers: [originAccess.reader],
      },
      parent,
    );
    const assetMetadataFiles = pulumi.interpolate`${this.output.arn}/*/${OUTPUT_LAYOUT.metadata}`;

    // What viewers reach besides the media: the token service, signed-cookie keys and
    // the player page.
    const corsAllowedOrigins = args.corsAllowedOrigins ?? [];
    const viewing = createViewerAccess({
      name,
      parent: this,
      applicationName,
      output: this.output,
      corsAllowedOrigins,
      logRetentionDays,
      licenseTokens: args.licenseTokens,
      signedCookies: args.signedCookies,
    });
    this.licenseTokenService = viewing.licenseTokenService;
    const { player, cookieKeys } = viewing;

    const { distribution, playbackHost, playbackOrigin } = createDelivery({
      name,
      parent: this,
      applicationName,
      output: this.output,
      originAccess,
      priceClass,
      corsAllowedOrigins,
      extraBehaviours: [
        {
          pathPattern: player.pathPattern,
          cachePolicyId: player.cachePolicy.id,
          responseHeadersPolicyId: player.responseHeadersPolicy.id,
        },
      ],
      // The API's host depends on the API alone, so the distribution does not wait for the
      // token function, which (with signed cookies) waits for the distribution's name.
      tokenServiceHost: this.licenseTokenService?.apiHost,
      sessionRoute: cookieKeys !== undefined,
      trustedKeyGroupId: cookieKeys?.keyGroup.id,
      customDomain: args.customDomain,
      accessLogRetentionDays: args.cdnAccessLogs ? logRetentionDays : undefined,
    });
    this.distribution = distribution;
    viewing.bindPlaybackHost(playbackHost);
    if (this.licenseTokenService) {
      this.licenseTokenUrl = pulumi.interpolate`${playbackOrigin}${TOKEN_PATH}`;
    }
    if (cookieKeys) {
      this.sessionUrl = pulumi.interpolate`${playbackOrigin}${SESSION_PATH}`;
      this.signedCookieKeyGroup = cookieKeys.keyGroup;
    }

    // Where every event that could not be processed ends up, encrypted, for 14 days.
    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS },
      parent,
    );

    // Queue, MediaConvert role, idempotency table, and the convert function S3 invokes.
    const transcoding = createTranscoding({
      name,
      parent: this,
      applicationName,
      account,
      source: this.source,
      output: this.output,
      outputKeyArn: outputKey?.arn,
      deadLetterQueue: this.deadLetterQueue,
      logRetentionDays,
      ladder,
      rateControl,
      qvbrQualityLevel,
      ladderMode: args.ladderMode ?? DEFAULT_LADDER_MODE,
      automatedAbr: args.automatedAbr ?? {},
      jobPriority: args.jobPriority ?? DEFAULT_JOB_PRIORITY,
      accelerationMode: args.accelerationMode ?? DEFAULT_ACCELERATION_MODE,
      queueConcurrentJobs: args.queueConcurrentJobs,
      drm: drm && { ...drm, keepClearOutputs: drm.keepClearOutputs ?? false },
      assetMetadataFiles,
    });
    this.queue = transcoding.queue;
    this.mediaConvertRole = transcoding.mediaConvertRole;
    this.idempotencyTable = transcoding.idempotencyTable;
    this.convertFunction = transcoding.convert.fn;

    const notifications = createNotifications({
      name,
      parent: this,
      applicationName,
      account,
      deadLetterQueue: this.deadLetterQueue,
      notificationEmail,
    });
    this.notificationTopic = notifications.topic;

    // On COMPLETE or ERROR, writes `<prefix>/asset.json` next to the outputs for the player.
    const metadata = lambdaFunction({
      name,
      parent: this,
      logRetentionDays,
      deadLetterQueue: this.deadLetterQueue,
      fn: "metadata",
      description: `${applicationName}: records each asset's outcome in its metadata file`,
      environment: {
        DESTINATION_BUCKET: this.output.bucketName,
        PLAYBACK_DOMAIN: playbackHost,
        APPLICATION_NAME: applicationName,
      },
      statements: [
        {
          // Read first, so a failed re-encode never hides a playable asset.
          Sid: "ReadAndWriteAssetMetadataFilesOnly",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: assetMetadataFiles,
        },
        ...(outputKey
          ? [
              {
                Sid: "EncryptAndDecryptAssetMetadata",
                Effect: "Allow" as const,
                Action: KEY_WRITE_ACTIONS,
                Resource: outputKey.arn,
              },
            ]
          : []),
      ],
    });
    this.metadataFunction = metadata.fn;
    const eventsInvoke = new aws.lambda.Permission(
      `${name}-metadata-events`,
      {
        function: metadata.fn.name,
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: notifications.assetStatusRule.arn,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-asset-status`,
      {
        rule: notifications.assetStatusRule.name,
        arn: metadata.fn.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
      {
        parent: this,
        dependsOn: [eventsInvoke, notifications.queuePolicy],
        aliases: [{ name: `${name}-job-complete` }],
      },
    );

    // The stack's dashboard, and an alarm on failed jobs.
    this.dashboard = createObservability({
      name,
      parent: this,
      applicationName,
      queueArn: this.queue.arn,
      convertFunctionName: this.convertFunction.name,
      metadataFunctionName: this.metadataFunction.name,
      deadLetterQueueName: this.deadLetterQueue.name,
      distributionId: this.distribution.id,
      notificationTopicArn: this.notificationTopic.arn,
      region,
      cdnAdditionalMetrics: args.cdnAdditionalMetrics ?? false,
    }).dashboard;

    this.uploadBucketName = this.source.bucketName;
    this.playbackDomain = playbackHost;
    this.playerUrlPattern = pulumi.interpolate`${playbackOrigin}/${player.pageUrlPath}?asset=<key>`;
    this.assetMetadataUrlPattern = pulumi.interpolate`${playbackOrigin}/<key>/${OUTPUT_LAYOUT.metadata}`;
    this.playbackUrlPattern = pulumi.interpolate`${playbackOrigin}/<key>/${HLS_MANIFEST_PATH}`;
    this.notificationTopicArn = this.notificationTopic.arn;
    this.deadLetterQueueUrl = this.deadLetterQueue.url;
    this.registerOutputs({
      uploadBucketName: this.uploadBucketName,
      playbackDomain: this.playbackDomain,
      assetMetadataUrlPattern: this.assetMetadataUrlPattern,
      playerUrlPattern: this.playerUrlPattern,
      playbackUrlPattern: this.playbackUrlPattern,
      notificationTopicArn: this.notificationTopicArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      licenseTokenUrl: this.licenseTokenUrl,
      sessionUrl: this.sessionUrl,
    });
  }
}
