/**
 * Delivery: CloudFront in front of the output bucket, its cache policies, and CORS;
 * the token service's routes on the same distribution; and, with signed cookies, the
 * trusted key group on every behaviour that serves media.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SESSION_ROUTE, TOKEN_ROUTE } from "../../shared/tokenRoutes";
import type { PrivateBucket } from "../privateBucket";
import { createAccessLogs } from "./accessLogs";
import {
  aliasRecords,
  CustomDomainArgs,
  domainCertificate,
  MINIMUM_PROTOCOL_VERSION,
} from "./customDomain";
import type { OriginAccess, OriginAccessKind } from "./originAccess";

/**
 * How the output reaches viewers: the CDN (`cdn*`), the output's encryption and the
 * custom domain. Each field is named as the stack config key that sets it.
 */
export interface VodDeliveryArgs {
  /** Which edge locations serve viewers. @default DEFAULT_PRICE_CLASS (North America and Europe) */
  readonly cdnPriceClass?: pulumi.Input<PriceClass>;
  /**
   * Origins allowed to fetch media cross-origin (players on other sites), and to call
   * the token service.
   * @default [] (the distribution's own https origin only)
   */
  readonly cdnCorsAllowedOrigins?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How CloudFront reads the output bucket: an Origin Access Identity, or an Origin
   * Access Control (needed in regions launched after December 2022).
   * @default DEFAULT_ORIGIN_ACCESS
   */
  readonly cdnOriginAccess?: OriginAccessKind;
  /** Deliver CloudFront access logs to CloudWatch Logs (in us-east-1). @default false */
  readonly cdnAccessLogs?: boolean;
  /** CloudFront's additional metrics (cache hit rate), which AWS charges for. @default false */
  readonly cdnAdditionalMetrics?: boolean;
  /**
   * Encrypt the output with a customer-managed KMS key that CloudFront may use for this
   * distribution only. Needs `cdnOriginAccess: "oac"`: an OAI cannot decrypt.
   * @default false (SSE-S3)
   */
  readonly outputKmsEncryption?: boolean;
  /**
   * Serve on your own host names with an ACM certificate and TLS 1.2 (2021 ciphers) at
   * least; playback URLs and the default CORS origin follow the first alias.
   * @default undefined (the `*.cloudfront.net` name and certificate)
   */
  readonly customDomain?: CustomDomainArgs;
}

/** CloudFront price classes: which edge locations serve viewers. */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];
/** North America and Europe: the cheapest class. */
export const DEFAULT_PRICE_CLASS: PriceClass = "PriceClass_100";

/** Caching for manifests: short, so a re-encoded asset shows up within a minute. */
export const MANIFEST_TTL = { minTtl: 0, defaultTtl: 30, maxTtl: 60 };
/** Caching for segments, MP4s and thumbnails: they change only when an asset is re-encoded. */
export const MEDIA_TTL = { minTtl: 0, defaultTtl: 86_400, maxTtl: 31_536_000 };
/** Paths served with {@link MANIFEST_TTL}: HLS and DASH manifests, and the asset metadata. */
export const SHORT_LIVED_PATHS = ["*.m3u8", "*.mpd", "*.json"];
/** Request headers S3 needs to answer CORS; they are part of the cache key so answers don't mix. */
const CORS_HEADERS = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"];
/** The distribution's one origin: the output bucket. */
export const OUTPUT_ORIGIN_ID = "output";
/**
 * How long CloudFront remembers a 403 or 404: briefly, because a player polls for a
 * manifest or `asset.json` that its job has not written yet.
 */
export const ERROR_CACHING_SECONDS = 5;
/** What `https://<domain>/` serves: the player page (and never a bucket listing). */
export const DEFAULT_ROOT_OBJECT = "player/index.html";

/** The token service's origin, and the paths the player posts to on the distribution: the service's own routes. */
export const TOKEN_ORIGIN_ID = "license-tokens";
export const TOKEN_PATH = TOKEN_ROUTE.path;
/** Where the player gets its signed cookies (with signed cookies on). */
export const SESSION_PATH = SESSION_ROUTE.path;
/**
 * AWS-managed policies for the token route: no caching (every answer is per viewer),
 * and every viewer header but Host forwarded, Authorization included (allowed because
 * nothing is cached; API Gateway rejects a foreign Host).
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
 */
export const MANAGED_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
export const MANAGED_ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/** A cache behaviour on the output bucket, before the manifest ones (such as the player's page). */
export interface ExtraBehaviour {
  readonly pathPattern: string;
  readonly cachePolicyId: pulumi.Input<string>;
  readonly responseHeadersPolicyId?: pulumi.Input<string>;
}

export interface DeliveryArgs {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly applicationName: string;
  readonly output: PrivateBucket;
  /** How CloudFront reads the bucket (bound to the distribution here). */
  readonly originAccess: OriginAccess;
  readonly priceClass: pulumi.Input<string>;
  /** Empty means the distribution's own https origin only. */
  readonly corsAllowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
  readonly extraBehaviours?: readonly ExtraBehaviour[];
  /**
   * The license token service's host: the distribution routes {@link TOKEN_PATH} to it,
   * so the player calls it on its own origin (no CORS, CSP `'self'`).
   */
  readonly tokenServiceHost?: pulumi.Input<string>;
  /**
   * Route {@link SESSION_PATH} to the token service too: the signed cookies it sets are
   * then the playback domain's own (host-only, SameSite=Strict).
   */
  readonly sessionRoute?: boolean;
  /**
   * Require CloudFront signed cookies (or URLs) from this key group on every behaviour
   * that serves the output: the default (segments, MP4s, thumbnails) and the manifest
   * and metadata ones. The extra behaviours (the player page) and the token service's
   * routes stay open, so a viewer can load the page and sign in.
   */
  readonly trustedKeyGroupId?: pulumi.Input<string>;
  /** Serve on these names with this certificate, instead of `*.cloudfront.net` only. */
  readonly customDomain?: CustomDomainArgs;
  /** Deliver access logs to CloudWatch Logs, kept this many days. */
  readonly accessLogRetentionDays?: number;
}

/**
 * HTTPS delivery of the output bucket, which CloudFront reads only through the OAI:
 * manifests cached briefly, media long, both keyed on the CORS request headers; and
 * CORS on the bucket for the allowed origins.
 */
export function createDelivery(args: DeliveryArgs) {
  const { name, parent, applicationName, output, originAccess, customDomain } = args;
  const opts = { parent };
  const certificateArn = customDomain ? domainCertificate(name, parent, customDomain) : undefined;

  // Cache policies: manifests briefly, media long; both keyed on the CORS headers.
  const manifestCache = cachePolicy(`${name}-manifests`, MANIFEST_TTL, opts);
  const mediaCache = cachePolicy(`${name}-media`, MEDIA_TTL, opts);
  const behaviour = {
    targetOriginId: OUTPUT_ORIGIN_ID,
    viewerProtocolPolicy: "redirect-to-https",
    allowedMethods: ["GET", "HEAD", "OPTIONS"],
    cachedMethods: ["GET", "HEAD", "OPTIONS"],
    compress: true,
  };
  // CloudFront checks signed cookies at the edge, before the cache: they need not be in
  // the cache key nor reach S3, so the cache policies stay as they are.
  const media = args.trustedKeyGroupId
    ? { ...behaviour, trustedKeyGroups: [args.trustedKeyGroupId] }
    : behaviour;
  // The token service's routes: never cached, every viewer header but Host forwarded
  // (cookies included, so the Set-Cookie answers reach the viewer).
  const tokenServicePaths = args.tokenServiceHost
    ? [TOKEN_PATH, ...(args.sessionRoute ? [SESSION_PATH] : [])]
    : [];

  // HTTPS delivery of the output bucket, which CloudFront reads only through the OAI.
  const distribution = new aws.cloudfront.Distribution(
    `${name}-cdn`,
    {
      enabled: true,
      comment: `${applicationName} playback`,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: args.priceClass,
      origins: [
        {
          originId: OUTPUT_ORIGIN_ID,
          domainName: output.bucket.bucketRegionalDomainName,
          ...originAccess.origin,
        },
        ...(args.tokenServiceHost
          ? [
              {
                originId: TOKEN_ORIGIN_ID,
                domainName: args.tokenServiceHost,
                customOriginConfig: {
                  httpPort: 80,
                  httpsPort: 443,
                  originProtocolPolicy: "https-only",
                  originSslProtocols: ["TLSv1.2"],
                },
              },
            ]
          : []),
      ],
      defaultCacheBehavior: { ...media, cachePolicyId: mediaCache.id },
      orderedCacheBehaviors: [
        ...tokenServicePaths.map((pathPattern) => ({
          pathPattern,
          targetOriginId: TOKEN_ORIGIN_ID,
          viewerProtocolPolicy: "https-only",
          allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
          cachedMethods: ["GET", "HEAD"],
          compress: false,
          cachePolicyId: MANAGED_CACHING_DISABLED,
          originRequestPolicyId: MANAGED_ALL_VIEWER_EXCEPT_HOST_HEADER,
        })),
        ...(args.extraBehaviours ?? []).map((extra) => ({ ...behaviour, ...extra })),
        ...SHORT_LIVED_PATHS.map((pathPattern) => ({
          ...media,
          pathPattern,
          cachePolicyId: manifestCache.id,
        })),
      ],
      // The page at the root; a missing object answers 404 (readers may list the
      // bucket), remembered only briefly.
      defaultRootObject: DEFAULT_ROOT_OBJECT,
      customErrorResponses: [403, 404].map((errorCode) => ({
        errorCode,
        errorCachingMinTtl: ERROR_CACHING_SECONDS,
      })),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      aliases: customDomain ? [...customDomain.aliases] : undefined,
      viewerCertificate: certificateArn
        ? {
            acmCertificateArn: certificateArn,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: MINIMUM_PROTOCOL_VERSION,
          }
        : { cloudfrontDefaultCertificate: true },
    },
    opts,
  );
  originAccess.bindDistribution(distribution);
  if (customDomain) aliasRecords(name, parent, customDomain, distribution);
  if (args.accessLogRetentionDays !== undefined) {
    createAccessLogs({ name, parent, distribution, retentionDays: args.accessLogRetentionDays });
  }
  // Viewers, CORS and asset URLs use the custom domain when there is one.
  const playbackHost = customDomain
    ? pulumi.output(customDomain.aliases[0])
    : distribution.domainName;
  const playbackOrigin = pulumi.interpolate`https://${playbackHost}`;

  // Let players on the allowed origins (by default only our own domain) fetch media.
  new aws.s3.BucketCorsConfiguration(
    `${name}-output`,
    {
      bucket: output.bucket.id,
      corsRules: [
        {
          allowedMethods: ["GET", "HEAD"],
          // Configured origins are passed as they are, so they are known at preview
          // and the policy pack can check them there.
          allowedOrigins:
            Array.isArray(args.corsAllowedOrigins) && args.corsAllowedOrigins.length > 0
              ? args.corsAllowedOrigins
              : pulumi
                  .all([args.corsAllowedOrigins, playbackOrigin])
                  .apply(([origins, own]) => (origins.length > 0 ? origins : [own])),
          allowedHeaders: ["*"],
          exposeHeaders: ["ETag", "Content-Length", "Content-Range"],
          maxAgeSeconds: 3000,
        },
      ],
    },
    opts,
  );
  return { distribution, playbackHost, playbackOrigin };
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
