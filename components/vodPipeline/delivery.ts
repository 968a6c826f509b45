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
  validateCustomDomain,
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

/**
 * Throws, naming the field, on delivery arguments that cannot work together, or that
 * signed cookies (`signedCookies`: the output is served only to browsers holding them)
 * cannot serve.
 */
export function validateDelivery(args: VodDeliveryArgs, signedCookies = false): void {
  if (args.customDomain) validateCustomDomain(args.customDomain);
  const cookieProblem = signedCookies ? signedCookiesDeliveryProblem(args) : undefined;
  if (cookieProblem) {
    throw new Error(
      `VodPipeline: \`signedCookies\` cannot serve \`delivery.${cookieProblem.field}\`: ${cookieProblem.reason}.`,
    );
  }
  // Origins known now are checked now; an Output's are the caller's to check.
  const origins = args.cdnCorsAllowedOrigins;
  for (const origin of Array.isArray(origins) ? origins : []) {
    if (typeof origin !== "string") continue;
    const problem = corsOriginProblem(origin);
    if (problem) {
      throw new Error(
        `VodPipeline: \`delivery.cdnCorsAllowedOrigins\`: ${JSON.stringify(origin)} ${problem}.`,
      );
    }
  }
  if (args.outputKmsEncryption && args.cdnOriginAccess !== "oac") {
    throw new Error(
      'VodPipeline: `delivery.outputKmsEncryption` needs `delivery.cdnOriginAccess: "oac"`: an Origin Access Identity cannot read KMS-encrypted objects.',
    );
  }
}

/**
 * Why signed cookies cannot serve this delivery, naming the field, or undefined.
 *
 * The token service sets the cookies on the playback host that serves `/session`,
 * without a Domain attribute and `SameSite=Strict`, and their policy's resource is
 * `https://<playback host>/*`. So they reach only pages on that host. A Domain attribute
 * would not make other aliases or origins work cleanly: the aliases may not share a
 * parent domain, a Domain widens the cookies to every subdomain of it, the policy's
 * resource would still name one host, and a player on another site would need
 * `SameSite=None` and credentialed CORS on every media request. The program refuses
 * these combinations instead, before anything is deployed.
 */
export function signedCookiesDeliveryProblem(
  args: Pick<VodDeliveryArgs, "cdnCorsAllowedOrigins" | "customDomain">,
): { field: "customDomain.aliases" | "cdnCorsAllowedOrigins"; reason: string } | undefined {
  const aliases = args.customDomain?.aliases;
  if (Array.isArray(aliases) && aliases.length > 1) {
    return {
      field: "customDomain.aliases",
      reason:
        "the cookies are set for the first alias only (the host that serves /session, named in " +
        "their policy), so players on the other aliases would get 403 on every segment; serve " +
        "playback on one alias, or turn signed cookies off",
    };
  }
  const origins = args.cdnCorsAllowedOrigins;
  // A list known only at deployment (an Output) is the caller's to check.
  if (Array.isArray(origins) && origins.length > 0) {
    return {
      field: "cdnCorsAllowedOrigins",
      reason:
        "the cookies are SameSite=Strict and set for the playback host only, so a player on " +
        "another origin never sends them and would get 403 on every segment; serve the player " +
        "from the playback domain (the distribution serves it) and leave the list empty, or " +
        "turn signed cookies off",
    };
  }
  return undefined;
}

const ORIGIN_EXAMPLE = "https://app.example.com";
/** One DNS label: letters, digits and hyphens, not at either end (RFC 1123). */
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Why `origin` is not an origin the bucket's CORS may allow, or undefined when it is one.
 * Shared by the stack config and the component, so both refuse the same origins.
 *
 * An origin is `https://host[:port]`, written as the browser sends it in the `Origin`
 * header, which S3 compares as text: lower case, the host in ASCII (punycode), no
 * default port, no path. Only https: browsers run Encrypted Media Extensions in secure
 * contexts only, and a page served over http can be changed on the way.
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 */
export function corsOriginProblem(origin: unknown): string | undefined {
  if (typeof origin !== "string" || origin === "") {
    return `is not an origin like ${ORIGIN_EXAMPLE}`;
  }
  if (origin.includes("*")) {
    return `is not an origin: wildcards are not allowed; list each origin, like ${ORIGIN_EXAMPLE}`;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(origin);
  if (!scheme) {
    return `is not an origin: it has no scheme; write https://${origin.replace(/\/+$/, "")}`;
  }
  if (scheme[1].toLowerCase() !== "https") {
    return "is not an origin this program allows: only https:// origins are (browsers play DRM-protected media only on secure pages)";
  }
  const rest = origin.slice(scheme[0].length);
  const authority = /^[^/?#]*/.exec(rest)![0];
  const bare = `${scheme[0]}${authority}`;
  if (rest === `${authority}/`) return `is not an origin: it has a trailing slash; write ${bare}`;
  if (rest.length > authority.length) {
    return `is not an origin: it has a path (${rest.slice(authority.length)}); an origin is only the scheme, host and port: ${bare}`;
  }
  if (authority.includes("@")) return "is not an origin: it holds a user name or password";
  const port = /:([^:\]]*)$/.exec(authority)?.[1];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && +port >= 1 && +port <= 65535)) {
    return "is not an origin: its port must be a number from 1 to 65535";
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `is not an origin like ${ORIGIN_EXAMPLE}: the host is not valid`;
  }
  const host = url.hostname;
  const ipv6 = host.startsWith("[");
  const ipv4 = /^\d+(\.\d+){3}$/.test(host);
  if (!ipv6 && !ipv4 && !host.split(".").every((label) => DNS_LABEL.test(label))) {
    return "is not an origin: the host must be DNS labels of letters, digits and hyphens, separated by dots";
  }
  // What the browser sends: lower case, punycode, no :443.
  if (url.origin !== origin) {
    return `is not an origin as browsers send it; write ${url.origin}`;
  }
  return undefined;
}

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
