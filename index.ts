import { DrmEndpoint } from "./components/drmEndpoint";
import { PallyConGateway } from "./components/pallyConGateway";
import { VodPipeline } from "./components/vodPipeline";
import { readStackConfig } from "./config";

// The stack's settings, read and validated first: a bad key stops `pulumi preview`.
const {
  general,
  transcoding,
  delivery,
  kmsGateway,
  vodDrm,
  liveChannel,
  licenseTokens,
  signedCookies,
} = readStackConfig();

// The PallyCon KMS behind API Gateway: the only holder of the enc-token, and the SPEKE
// URL every packager uses.
const gateway = kmsGateway
  ? new PallyConGateway("kms", { ...kmsGateway, logRetentionDays: general.logRetentionDays })
  : undefined;
// What a packager needs to ask the gateway for keys.
const speke = gateway && { spekeUrl: gateway.spekeUrl, executeApiArn: gateway.executeApiArn };

// Upload → MediaConvert → private output → CloudFront, encrypted when VOD DRM is on.
const vod = new VodPipeline("vod", {
  ...general,
  transcoding,
  delivery,
  drm: vodDrm && speke && { ...vodDrm, ...speke },
  licenseTokens,
  signedCookies,
});

// The live channel: MediaPackage endpoints encrypted through the same gateway.
const live =
  liveChannel && speke ? new DrmEndpoint("live", { ...liveChannel, ...speke }) : undefined;

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
    /**
     * Each live endpoint's content id, by format (`hls`, `dash`, and `cmaf` with
     * liveCmaf): a player asks for license tokens with the cid of the format it plays.
     */
    liveContentIds: live.contentIds,
    liveHlsUrl: live.hlsPlaybackUrl,
    liveDashUrl: live.dashPlaybackUrl,
  }),
  ...(live?.cmafPlaybackUrl && { liveCmafUrl: live.cmafPlaybackUrl }),
};
