// First, before the SDKs load: bundle the Lambda handlers in esbuild's own process meanwhile.
import "./prebuild";
import type { DrmEndpoint } from "./components/drmEndpoint";
import { PallyConGateway } from "./components/pallyConGateway";
import { VodPipeline } from "./components/vodPipeline";
import { readStackConfig } from "./config";
import { startFunctionBundles } from "./functions/bundle";

// Read and validate the whole stack configuration first: a bad key stops `pulumi preview`.
const config = readStackConfig();
if (config.licenseTokens) startFunctionBundles(["licenseToken"]);

// The PallyCon KMS behind API Gateway: the only holder of the enc-token, and the SPEKE
// URL every packager uses.
const gateway = config.kmsGateway
  ? new PallyConGateway("kms", {
      kmsUrl: config.kmsGateway.kmsUrl,
      encToken: config.kmsGateway.encToken,
      stageName: config.kmsGateway.stageName,
      throttleRateLimit: config.kmsGateway.rateLimit,
      throttleBurstLimit: config.kmsGateway.burstLimit,
      logRetentionDays: config.logRetentionDays,
      manageAccountLoggingRole: config.kmsGateway.manageAccountLoggingRole,
    })
  : undefined;

// Upload → MediaConvert → private output → CloudFront, encrypted when VOD DRM is on.
const vod = new VodPipeline("vod", {
  applicationName: config.applicationName,
  ladder: config.ladder,
  rateControl: config.rateControl,
  qvbrQualityLevel: config.qvbrQualityLevel,
  corsAllowedOrigins: config.corsAllowedOrigins,
  priceClass: config.priceClass,
  uploadExpirationDays: config.uploadExpirationDays,
  notificationEmail: config.notificationEmail,
  logRetentionDays: config.logRetentionDays,
  forceDestroyBuckets: config.forceDestroyBuckets,
  originAccess: config.delivery.originAccess,
  outputKmsEncryption: config.delivery.outputKmsEncryption,
  customDomain: config.delivery.customDomain,
  cdnAccessLogs: config.delivery.cdnAccessLogs,
  cdnAdditionalMetrics: config.delivery.cdnAdditionalMetrics,
  ladderMode: config.transcoding.ladderMode,
  automatedAbr: config.transcoding.automatedAbr,
  jobPriority: config.transcoding.jobPriority,
  accelerationMode: config.transcoding.accelerationMode,
  queueConcurrentJobs: config.transcoding.queueConcurrentJobs,
  drm:
    config.vodDrm && gateway
      ? {
          spekeUrl: gateway.spekeUrl,
          executeApiArn: gateway.executeApiArn,
          keepClearOutputs: config.vodDrm.keepClearOutputs,
        }
      : undefined,
  licenseTokens: config.licenseTokens
    ? {
        siteId: config.licenseTokens.siteId,
        siteKey: config.licenseTokens.siteKey,
        accessKey: config.licenseTokens.accessKey,
        jwtIssuer: config.licenseTokens.jwtIssuer,
        jwtAudience: config.licenseTokens.jwtAudience,
        licensePolicy: config.licenseTokens.policy,
      }
    : undefined,
  signedCookies: config.signedCookies,
});

// The live channel: MediaPackage endpoints encrypted through the same gateway. Its module
// loads `@pulumi/aws-native`, hundreds of modules no other stack needs: only then is it loaded.
const live =
  config.liveChannel && gateway
    ? new (drmEndpointModule().DrmEndpoint)("live", {
        spekeUrl: gateway.spekeUrl,
        executeApiArn: gateway.executeApiArn,
        contentId: config.liveChannel.contentId,
        keyRotationIntervalSeconds: config.liveChannel.keyRotationIntervalSeconds,
        cmaf: config.liveChannel.cmaf,
        channelId: `${config.applicationName.replace(/\./g, "-")}-live`,
      })
    : undefined;

function drmEndpointModule(): { DrmEndpoint: typeof DrmEndpoint } {
  return require("./components/drmEndpoint");
}

// The stack's outputs. A feature that is off has none: an undefined output would only
// make Pulumi warn on every preview.
export = {
  /** Upload videos here: `aws s3 cp movie.mp4 s3://<uploadBucketName>/<path>/`. */
  uploadBucketName: vod.uploadBucketName,
  /** The CloudFront domain that serves every asset. */
  playbackDomain: vod.playbackDomain,
  /** Watch an upload here once its job completes (it says so while it is processing). */
  playerUrlPattern: vod.playerUrlPattern,
  /** Each asset's metadata file: status, manifests, thumbnails and, with DRM, its content id. */
  assetMetadataUrlPattern: vod.assetMetadataUrlPattern,
  /** Where an upload's clear HLS manifest appears once its job completes. */
  playbackUrlPattern: vod.playbackUrlPattern,
  /** The stack's CloudWatch dashboard. */
  dashboardName: vod.dashboard.dashboardName,
  /** Job COMPLETE/ERROR events and dead-letter alarms are published here. */
  notificationTopicArn: vod.notificationTopicArn,
  /** Events that failed after every retry wait here for 14 days. */
  deadLetterQueueUrl: vod.deadLetterQueueUrl,
  ...(vod.licenseTokenUrl && {
    /** The player asks here for PallyCon license tokens (a JWT from your identity provider required). */
    licenseTokenUrl: vod.licenseTokenUrl,
  }),
  ...(vod.sessionUrl && {
    /** With signed cookies, the player gets a viewer's cookies here (a JWT required). */
    sessionUrl: vod.sessionUrl,
  }),
  ...(gateway && {
    /** The SPEKE key server URL for packagers (the gateway adds the enc-token). */
    kmsSpekeUrl: gateway.spekeUrl,
    /** A signed `GET` answers `SUCCESS` when the gateway and the KMS are up. */
    kmsHeartbeatUrl: gateway.heartbeatUrl,
    /** Grant `execute-api:Invoke` on this to let another role request keys. */
    kmsExecuteApiArn: gateway.executeApiArn,
  }),
  ...(live && {
    /** MediaLive's HLS destinations, with their WebDAV credentials (secret). */
    liveIngestEndpoints: live.ingestEndpoints,
    liveContentId: config.liveChannel!.contentId,
    liveHlsUrl: live.hlsPlaybackUrl,
    liveDashUrl: live.dashPlaybackUrl,
  }),
  ...(live?.cmafPlaybackUrl && { liveCmafUrl: live.cmafPlaybackUrl }),
};
