import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_DRM_PACKAGING,
  DrmPackaging,
  HLS_MANIFEST_PATH,
  OUTPUT_LAYOUT,
} from "../shared/outputLayout";
import { accountContext } from "./common/account";
import { lambdaFunction } from "./common/lambdaFunction";
import { DEFAULT_LOG_RETENTION_DAYS } from "./common/logRetention";
import { PrivateBucket } from "./privateBucket";
import { LicenseTokenService, LicenseTokenServiceArgs } from "./licenseTokenService";
import {
  createDelivery,
  DEFAULT_PRICE_CLASS,
  SESSION_PATH,
  TOKEN_PATH,
  VodDeliveryArgs,
} from "./vodPipeline/delivery";
import { validateDelivery } from "./vodPipeline/deliveryRules";
import { createOriginAccess, DEFAULT_ORIGIN_ACCESS } from "./vodPipeline/originAccess";
import { createNotifications } from "./vodPipeline/notifications";
import { createObservability } from "./vodPipeline/observability";
import { createOutputKey, KEY_WRITE_ACTIONS } from "./vodPipeline/outputKey";
import { validateSignedCookies, VodSignedCookiesArgs } from "./vodPipeline/signedCookies";
import { createTranscoding, VodTranscodingArgs } from "./vodPipeline/transcoding";
import { createViewerAccess } from "./vodPipeline/viewerAccess";

export type { VodDeliveryArgs, VodSignedCookiesArgs, VodTranscodingArgs };

/**
 * Arguments of {@link VodPipeline}: the general settings, then one object per group of
 * the stack config (transcoding, delivery) and per feature (DRM, license tokens, signed
 * cookies), each field named as its config key without the feature's prefix.
 */
export interface VodPipelineArgs {
  /**
   * Written into every MediaConvert job's user metadata, and used to pick this
   * stack's job events out of the account's event bus.
   */
  readonly applicationName: string;
  /** Subscribe this address to job notifications; empty for none. @default undefined (no subscription) */
  readonly notificationEmail?: pulumi.Input<string>;
  /** @default DEFAULT_LOG_RETENTION_DAYS */
  readonly logRetentionDays?: number;
  /** Let `pulumi destroy` remove buckets that still hold objects. @default false */
  readonly forceDestroyBuckets?: boolean;
  /** Delete uploads this many days after they arrive; 0 keeps them. @default 0 (kept) */
  readonly uploadExpirationDays?: number;
  /** The ladder and how jobs run. @default {} (every field's default) */
  readonly transcoding?: VodTranscodingArgs;
  /** The CDN, the output's encryption and the domain. @default {} (every field's default) */
  readonly delivery?: VodDeliveryArgs;
  /**
   * Encrypt every asset through SPEKE (DASH with Widevine + PlayReady, HLS with
   * FairPlay), with keys from the KMS gateway.
   * @default undefined (clear outputs only)
   */
  readonly drm?: VodDrmArgs;
  /**
   * Deploy the license token service the player asks for PallyCon license tokens, with
   * CORS for `delivery.cdnCorsAllowedOrigins`.
   * @default undefined (no token service)
   */
  readonly licenseTokens?: VodLicenseTokensArgs;
  /**
   * Protected clear playback: the output's media behaviours (segments, manifests,
   * `asset.json`) require CloudFront signed cookies from a trusted key group, and the
   * token service issues them to signed-in viewers on `/session`. The player page and
   * the token routes stay open. Needs `licenseTokens`.
   * @default undefined (the output is served to anyone with its URL)
   */
  readonly signedCookies?: VodSignedCookiesArgs;
}

/** DRM for on-demand assets. */
export interface VodDrmArgs {
  /** The SPEKE key server URL: {@link PallyConGateway.spekeUrl}. It holds no token. */
  readonly spekeUrl: pulumi.Input<string>;
  /** What MediaConvert may invoke: {@link PallyConGateway.executeApiArn}. */
  readonly executeApiArn: pulumi.Input<string>;
  /** Keep the clear HLS ladder and MP4 too (unencrypted copies). @default false */
  readonly clearOutputs?: boolean;
  /**
   * `separate`: a DASH group (Widevine + PlayReady, CENC) and a FairPlay HLS group, the
   * ladder encoded twice. `cmaf`: one CMAF group (`cbcs`) with a DASH and an HLS
   * manifest over the same segments.
   * @default DEFAULT_DRM_PACKAGING ("separate")
   */
  readonly packaging?: DrmPackaging;
}

/** The license token service, as the pipeline deploys it (CORS and logs from the pipeline). */
export type VodLicenseTokensArgs = Omit<
  LicenseTokenServiceArgs,
  "allowedOrigins" | "logRetentionDays" | "signedCookies"
> & {
  /**
   * The PallyCon license server origin the player calls (license requests, FairPlay
   * certificates), which the page's CSP allows.
   * @default DEFAULT_LICENSE_SERVER_URL
   */
  readonly licenseServerUrl?: string;
};

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
      notificationEmail,
      logRetentionDays = DEFAULT_LOG_RETENTION_DAYS,
      forceDestroyBuckets = false,
      uploadExpirationDays = 0,
      transcoding = {},
      delivery = {},
      drm,
    } = args;
    if (!applicationName) throw new Error("VodPipeline: `applicationName` is required.");
    validateDelivery(delivery, args.signedCookies !== undefined);
    if (args.signedCookies) validateSignedCookies(args.signedCookies, !!args.licenseTokens);

    const parent = { parent: this };
    const account = accountContext(parent);
    const { region } = account;

    // CloudFront's only way into the output bucket: an OAI, or an OAC.
    const originAccess = createOriginAccess({
      name,
      parent: this,
      kind: delivery.cdnOriginAccess ?? DEFAULT_ORIGIN_ACCESS,
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
    const outputKey = delivery.outputKmsEncryption
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
    const corsAllowedOrigins = delivery.cdnCorsAllowedOrigins ?? [];
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
      priceClass: delivery.cdnPriceClass ?? DEFAULT_PRICE_CLASS,
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
      customDomain: delivery.customDomain,
      accessLogRetentionDays: delivery.cdnAccessLogs ? logRetentionDays : undefined,
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
    const transcoder = createTranscoding({
      name,
      parent: this,
      applicationName,
      account,
      source: this.source,
      output: this.output,
      outputKeyArn: outputKey?.arn,
      deadLetterQueue: this.deadLetterQueue,
      logRetentionDays,
      transcoding,
      drm: drm && {
        ...drm,
        clearOutputs: drm.clearOutputs ?? false,
        packaging: drm.packaging ?? DEFAULT_DRM_PACKAGING,
      },
      assetMetadataFiles,
    });
    this.queue = transcoder.queue;
    this.mediaConvertRole = transcoder.mediaConvertRole;
    this.idempotencyTable = transcoder.idempotencyTable;
    this.convertFunction = transcoder.convert.fn;

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
      cdnAdditionalMetrics: delivery.cdnAdditionalMetrics ?? false,
      licenseTokens: !!args.licenseTokens,
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
