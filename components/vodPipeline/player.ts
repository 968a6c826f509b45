/**
 * The player page's deployment: its files in the output bucket under `player/`,
 * the response headers CloudFront adds to them (a strict CSP among them), and a
 * cache policy for a page that changes with each deploy. The distribution serves
 * them through an ordered cache behaviour for {@link PLAYER_PATH_PATTERN}.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleFile } from "../../bundling/bundles";
import { buildPlayer, PAGE_CACHE_CONTROL } from "../../player/build";
import {
  PLAYER_SECURITY_HEADERS,
  playerConnectSources,
  playerContentSecurityPolicy,
} from "../../player/csp";
import { PlayerConfig, resolvePlayerConfig } from "../../player/src/config";

export type { PlayerConfig } from "../../player/src/config";

/** The key prefix of the page's files in the bucket, and so its path on the distribution. */
export const PLAYER_PREFIX = "player/";
export const PLAYER_PATH_PATTERN = `${PLAYER_PREFIX}*`;
export const PLAYER_PAGE_PATH = `${PLAYER_PREFIX}index.html`;

/**
 * Caching for the page: without a Cache-Control header an object is kept a minute.
 * The page and config.json say `max-age=60`, so a deploy shows within a minute; the
 * script, stylesheet and font are named by content hash and say `immutable`, so the
 * maximum lets CloudFront keep them as long as they exist.
 */
export const PLAYER_TTL = { minTtl: 0, defaultTtl: 60, maxTtl: 31_536_000 };

export interface DeployPlayerArgs {
  /** Resource names start with this. */
  readonly name: string;
  readonly parent: pulumi.Resource;
  /** The bucket the distribution reads (the output bucket). */
  readonly bucket: pulumi.Input<string>;
  /** Written to `player/config.json`, with the defaults applied. */
  readonly config: pulumi.Input<PlayerConfig>;
  /**
   * Origins the page may call besides the distribution and those its config names
   * (the token and session services, the license server, the FairPlay certificate:
   * `playerConnectSources(config)`, always allowed).
   * @default []
   */
  readonly connectSources?: pulumi.Input<string>[];
  /**
   * Origins that may embed the page in a frame.
   * @default [] (none)
   */
  readonly frameAncestors?: pulumi.Input<string>[];
}

export interface PlayerDeployment {
  readonly objects: aws.s3.BucketObjectv2[];
  readonly responseHeadersPolicy: aws.cloudfront.ResponseHeadersPolicy;
  readonly cachePolicy: aws.cloudfront.CachePolicy;
  /** The cache behaviour's path pattern; it must come before `*.json`. */
  readonly pathPattern: typeof PLAYER_PATH_PATTERN;
  /** The page, relative to the distribution's root: `https://<domain>/player/index.html?asset=…`. */
  readonly pageUrlPath: typeof PLAYER_PAGE_PATH;
}

/** Deploys the player page; see the module comment. */
export function deployPlayer(args: DeployPlayerArgs): PlayerDeployment {
  const { name, parent, bucket } = args;
  const opts = { parent };

  // The built page: the same files the browser tests load, one of each role.
  const objects = buildPlayer().map(
    (file) =>
      new aws.s3.BucketObjectv2(
        `${name}-player-${file.role}`,
        {
          bucket,
          key: `${PLAYER_PREFIX}${file.path}`,
          contentType: file.contentType,
          cacheControl: file.cacheControl,
          // The page is sent as text, for readable diffs. The script, stylesheet and font
          // are named by their hash (a change is a new object) and large: they are uploaded
          // from disk, which keeps them out of the stack's state.
          ...(file.role === "page"
            ? { content: file.body.toString("utf8") }
            : {
                source: new pulumi.asset.FileAsset(bundleFile(path.basename(file.path), file.body)),
              }),
        },
        opts,
      ),
  );

  // The page's runtime settings, read by the page at start.
  objects.push(
    new aws.s3.BucketObjectv2(
      `${name}-player-config`,
      {
        bucket,
        key: `${PLAYER_PREFIX}config.json`,
        contentType: "application/json",
        cacheControl: PAGE_CACHE_CONTROL,
        content: pulumi
          .output(args.config)
          .apply((config) => `${JSON.stringify(resolvePlayerConfig(config), null, 2)}\n`),
      },
      opts,
    ),
  );

  // Security headers on every response under player/: the CSP the page was tested with.
  const { hstsMaxAgeSeconds, referrerPolicy, frameOption } = PLAYER_SECURITY_HEADERS;
  // connect-src follows config.json: whatever license server it names is allowed.
  const contentSecurityPolicy = pulumi
    .all([
      pulumi.output(args.config),
      pulumi.all(args.connectSources ?? []),
      pulumi.all(args.frameAncestors ?? []),
    ])
    .apply(([config, connectSources, frameAncestors]) =>
      playerContentSecurityPolicy({
        connectSources: [...playerConnectSources(config), ...connectSources],
        frameAncestors,
      }),
    );
  const responseHeadersPolicy = new aws.cloudfront.ResponseHeadersPolicy(
    `${name}-player`,
    {
      comment: "Player page: strict CSP, HSTS, nosniff, referrer policy, no framing",
      securityHeadersConfig: {
        contentSecurityPolicy: { contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAgeSec: hstsMaxAgeSeconds,
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy, override: true },
        frameOptions: { frameOption, override: true },
      },
    },
    opts,
  );

  // The page is the same for every viewer and query: nothing but the path in the key.
  const cachePolicy = new aws.cloudfront.CachePolicy(
    `${name}-player`,
    {
      comment: "Player page: a minute for the page and its settings, long for hashed assets",
      ...PLAYER_TTL,
      parametersInCacheKeyAndForwardedToOrigin: {
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
        cookiesConfig: { cookieBehavior: "none" },
        headersConfig: { headerBehavior: "none" },
        queryStringsConfig: { queryStringBehavior: "none" },
      },
    },
    opts,
  );

  return {
    objects,
    responseHeadersPolicy,
    cachePolicy,
    pathPattern: PLAYER_PATH_PATTERN,
    pageUrlPath: PLAYER_PAGE_PATH,
  };
}
