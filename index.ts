import { VodPipeline } from "./components/vodPipeline";
import { readStackConfig } from "./config";

// Read and validate the whole stack configuration first: a bad key stops `pulumi preview`.
const config = readStackConfig();

// Upload → MediaConvert → private output → CloudFront.
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
});

/** Upload videos here: `aws s3 cp movie.mp4 s3://<uploadBucketName>/<path>/`. */
export const uploadBucketName = vod.uploadBucketName;
/** The CloudFront domain that serves every asset. */
export const playbackDomain = vod.playbackDomain;
/** Where an upload's HLS manifest appears once its job completes. */
export const playbackUrlPattern = vod.playbackUrlPattern;
/** Job COMPLETE/ERROR events and dead-letter alarms are published here. */
export const notificationTopicArn = vod.notificationTopicArn;
/** Events that failed after every retry wait here for 14 days. */
export const deadLetterQueueUrl = vod.deadLetterQueueUrl;
