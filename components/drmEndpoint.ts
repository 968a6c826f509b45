import * as aws from "@pulumi/aws";
import type * as awsNative from "@pulumi/aws-native";
// The two aws-native modules this file creates, not the package's index: the index loads
// every service's module (about 0.3 s), for every stack, live channel or not.
import { OriginEndpoint } from "@pulumi/aws-native/mediapackage";
import { Provider } from "@pulumi/aws-native/provider";
import * as pulumi from "@pulumi/pulumi";
import { DRM_SYSTEM_IDS, isValidContentId } from "../shared/drm";
import { accountContext } from "./common/account";
import { policyDocument, trustPolicy } from "./common/iam";

/** Arguments of {@link DrmEndpoint}. */
export interface DrmEndpointArgs {
  /** The SPEKE key server URL: {@link PallyConGateway.spekeUrl}. */
  readonly spekeUrl: pulumi.Input<string>;
  /** What the SPEKE role may invoke: {@link PallyConGateway.executeApiArn}. */
  readonly executeApiArn: pulumi.Input<string>;
  /**
   * The channel's content id. Each endpoint is keyed by its own id derived from it
   * ({@link liveContentIds}: `<contentId>-hls`, `-dash`, `-cmaf`), which is the SPEKE
   * resource id and the `cid` license tokens for that format name: each 1-200
   * characters of `[0-9A-Za-z_-]`.
   */
  readonly contentId: string;
  /**
   * Seconds between key rotations; 0 turns rotation off. Set on every endpoint, because
   * MediaPackage rotates every 60 s when the field is omitted, and the PallyCon KMS does
   * not support rotation through MediaPackage. Otherwise at least
   * MINIMUM_KEY_ROTATION_INTERVAL_SECONDS.
   * @default DEFAULT_KEY_ROTATION_INTERVAL_SECONDS (no rotation)
   */
  readonly keyRotationIntervalSeconds?: number;
  /** Add a CMAF endpoint (cbcs, with Widevine, PlayReady and FairPlay). @default false */
  readonly cmaf?: boolean;
  /**
   * The MediaPackage channel id: unique in the account and region.
   * @default name
   */
  readonly channelId?: string;
  /** @default 6 */
  readonly segmentDurationSeconds?: number;
  /** How far back viewers can seek in the live window. @default 60 */
  readonly playlistWindowSeconds?: number;
  /**
   * The aws-native provider for the origin endpoints.
   * @default a provider in the aws provider's region
   */
  readonly nativeProvider?: Provider;
}

/** An HLS ingest endpoint of the channel; MediaLive pushes to it with these credentials. */
export interface IngestEndpoint {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** No rotation: the PallyCon KMS does not support rotation through MediaPackage. */
export const DEFAULT_KEY_ROTATION_INTERVAL_SECONDS = 0;
/** The shortest rotation MediaPackage v2 allows; v1 documents none, so the same floor. */
export const MINIMUM_KEY_ROTATION_INTERVAL_SECONDS = 300;
const CHANNEL_ID = /^[A-Za-z0-9_-]{1,256}$/;

/** The longest channel content id whose endpoint ids (`-cmaf` the longest suffix) stay valid. */
export const MAX_LIVE_CONTENT_ID_LENGTH = 200 - "-cmaf".length;

/** Whether the channel's content id and each endpoint id derived from it are valid PallyCon content ids. */
export function isValidLiveContentId(contentId: string): boolean {
  return (
    isValidContentId(contentId) &&
    Object.values(liveContentIds(contentId, true)).every(isValidContentId)
  );
}

/** The live formats, each an origin endpoint with its own SPEKE resource id. */
export type LiveFormat = "hls" | "dash" | "cmaf";
/** Each endpoint's content id, by format; `cmaf` only with a CMAF endpoint. */
export type LiveContentIds = {
  readonly hls: string;
  readonly dash: string;
  readonly cmaf?: string;
};

/**
 * Each endpoint's content id: `<contentId>-<format>`. MediaPackage "does not allow you
 * to use the same ID for two simultaneous encryption processes", so the endpoints, which
 * encrypt at the same time, cannot share one.
 * @see https://docs.aws.amazon.com/mediapackage/latest/ug/endpoints-hls-encryption.html
 */
export function liveContentIds(contentId: string, cmaf = false): LiveContentIds {
  return {
    hls: `${contentId}-hls`,
    dash: `${contentId}-dash`,
    ...(cmaf ? { cmaf: `${contentId}-cmaf` } : {}),
  };
}

/**
 * The live path: a MediaPackage (v1) channel whose origin endpoints are all encrypted
 * through SPEKE against the KMS gateway:
 *
 * - HLS with SAMPLE-AES for FairPlay;
 * - DASH with CENC for Widevine and PlayReady;
 * - optionally CMAF (cbcs) for all three.
 *
 * MediaPackage assumes the SPEKE role to sign its key requests; the role may only invoke
 * the gateway. MediaLive must not encrypt its output when MediaPackage does.
 */
export class DrmEndpoint extends pulumi.ComponentResource {
  public readonly channel: aws.mediapackage.Channel;
  public readonly spekeRole: aws.iam.Role;
  public readonly endpoints: Record<string, OriginEndpoint>;
  /** Each endpoint's content id (SPEKE resource id, license tokens' `cid`), by format. */
  public readonly contentIds: LiveContentIds;

  /** Where MediaLive pushes HLS, with credentials: a secret. */
  public readonly ingestEndpoints: pulumi.Output<IngestEndpoint[]>;
  /** The ingest URLs alone, for display. */
  public readonly ingestUrls: pulumi.Output<string[]>;
  public readonly hlsPlaybackUrl: pulumi.Output<string>;
  public readonly dashPlaybackUrl: pulumi.Output<string>;
  /** Undefined without a CMAF endpoint. */
  public readonly cmafPlaybackUrl?: pulumi.Output<string>;

  constructor(name: string, args: DrmEndpointArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("vod:index:DrmEndpoint", name, {}, opts);
    const {
      spekeUrl,
      executeApiArn,
      contentId,
      keyRotationIntervalSeconds = DEFAULT_KEY_ROTATION_INTERVAL_SECONDS,
      cmaf = false,
      channelId = name,
      segmentDurationSeconds = 6,
      playlistWindowSeconds = 60,
    } = args;
    validateDrmEndpointArgs(name, { contentId, keyRotationIntervalSeconds, channelId });
    this.contentIds = liveContentIds(contentId, cmaf);

    const parent = { parent: this };
    const { region } = accountContext(parent);
    const nativeProvider =
      args.nativeProvider ??
      new Provider(`${name}-native`, { region: region as pulumi.Output<awsNative.Region> }, parent);

    // The channel MediaLive pushes to. Ingest passwords are marked secret in state.
    this.channel = new aws.mediapackage.Channel(
      name,
      { channelId, description: "Live channel, SPEKE-encrypted by the PallyCon KMS" },
      { parent: this, additionalSecretOutputs: ["hlsIngests"] },
    );

    // MediaPackage signs SPEKE requests as this role, and it may only call the KMS
    // gateway's SPEKE route. The trust names MediaPackage without conditions, as AWS's
    // SPEKE set-up shows it: AWS documents aws:SourceArn/aws:SourceAccount for
    // MediaPackage (v1) only for harvest jobs, and a condition on a key the service does
    // not send evaluates to false, which would deny every key request.
    // https://docs.aws.amazon.com/mediapackage/latest/ug/setting-up-create-trust-rel.html
    this.spekeRole = new aws.iam.Role(
      `${name}-speke`,
      {
        description: "MediaPackage requests content keys through the KMS gateway",
        assumeRolePolicy: trustPolicy("mediapackage.amazonaws.com"),
      },
      parent,
    );
    const spekePolicy = new aws.iam.RolePolicy(
      `${name}-speke`,
      {
        role: this.spekeRole.id,
        policy: policyDocument([
          {
            Sid: "RequestKeysThroughTheGateway",
            Effect: "Allow",
            Action: "execute-api:Invoke",
            Resource: executeApiArn,
          },
        ]),
      },
      parent,
    );

    const speke = (format: LiveFormat, systemIds: string[]) => ({
      resourceId: this.contentIds[format]!,
      roleArn: this.spekeRole.arn,
      systemIds,
      url: spekeUrl,
    });
    // Endpoints ask for keys as soon as content arrives: the role's grant comes first.
    const endpointOpts = { parent: this, provider: nativeProvider, dependsOn: [spekePolicy] };
    const endpoint = (
      suffix: string,
      packageArgs: Partial<awsNative.mediapackage.OriginEndpointArgs>,
    ) =>
      new OriginEndpoint(
        `${name}-${suffix}`,
        {
          awsId: `${channelId}-${suffix}`,
          channelId: this.channel.channelId,
          description: `${suffix.toUpperCase()}, SPEKE-encrypted`,
          ...packageArgs,
        },
        endpointOpts,
      );

    this.endpoints = {
      // HLS for Apple devices: SAMPLE-AES with FairPlay.
      hls: endpoint("hls", {
        hlsPackage: {
          segmentDurationSeconds,
          playlistWindowSeconds,
          encryption: {
            encryptionMethod: "SAMPLE_AES",
            keyRotationIntervalSeconds,
            spekeKeyProvider: speke("hls", [DRM_SYSTEM_IDS.FairPlay]),
          },
        },
      }),
      // DASH for everything else: CENC with Widevine and PlayReady.
      dash: endpoint("dash", {
        dashPackage: {
          segmentDurationSeconds,
          manifestWindowSeconds: playlistWindowSeconds,
          encryption: {
            keyRotationIntervalSeconds,
            spekeKeyProvider: speke("dash", [DRM_SYSTEM_IDS.Widevine, DRM_SYSTEM_IDS.PlayReady]),
          },
        },
      }),
    };
    if (cmaf) {
      // One cbcs-encrypted CMAF stream that all three DRMs can play.
      this.endpoints.cmaf = endpoint("cmaf", {
        cmafPackage: {
          segmentDurationSeconds,
          hlsManifests: [{ id: `${channelId}-cmaf-hls`, playlistWindowSeconds }],
          encryption: {
            encryptionMethod: "SAMPLE_AES",
            keyRotationIntervalSeconds,
            spekeKeyProvider: speke("cmaf", [
              DRM_SYSTEM_IDS.Widevine,
              DRM_SYSTEM_IDS.PlayReady,
              DRM_SYSTEM_IDS.FairPlay,
            ]),
          },
        },
      });
    }

    const ingests = this.channel.hlsIngests.apply((groups) =>
      (groups ?? []).flatMap((group) =>
        group.ingestEndpoints.map(({ url, username, password }) => ({ url, username, password })),
      ),
    );
    this.ingestEndpoints = pulumi.secret(ingests);
    this.ingestUrls = pulumi.unsecret(ingests.apply((list) => list.map((e) => e.url)));
    this.hlsPlaybackUrl = this.endpoints.hls.url;
    this.dashPlaybackUrl = this.endpoints.dash.url;
    this.cmafPlaybackUrl = this.endpoints.cmaf?.url;
    this.registerOutputs({
      contentIds: this.contentIds,
      ingestEndpoints: this.ingestEndpoints,
      ingestUrls: this.ingestUrls,
      hlsPlaybackUrl: this.hlsPlaybackUrl,
      dashPlaybackUrl: this.dashPlaybackUrl,
      cmafPlaybackUrl: this.cmafPlaybackUrl,
    });
  }
}

/** Throws, naming the argument, on a content id, rotation or channel id MediaPackage or PallyCon would reject. */
export function validateDrmEndpointArgs(
  name: string,
  args: { contentId: string; keyRotationIntervalSeconds: number; channelId: string },
): void {
  const fail = (message: string) => {
    throw new Error(`DrmEndpoint ${name}: ${message}`);
  };
  if (!isValidLiveContentId(args.contentId))
    fail(
      `\`contentId\` "${args.contentId}" must be 1-${MAX_LIVE_CONTENT_ID_LENGTH} characters of 0-9, A-Z, a-z, '_' or '-' (each endpoint's id adds a suffix such as "-cmaf").`,
    );
  const rotation = args.keyRotationIntervalSeconds;
  if (
    !Number.isInteger(rotation) ||
    (rotation !== 0 && rotation < MINIMUM_KEY_ROTATION_INTERVAL_SECONDS)
  )
    fail(
      `\`keyRotationIntervalSeconds\` ${rotation} must be 0 (no rotation, which PallyCon needs) or a whole number of at least ${MINIMUM_KEY_ROTATION_INTERVAL_SECONDS}.`,
    );
  if (!CHANNEL_ID.test(args.channelId))
    fail(`\`channelId\` "${args.channelId}" must be 1-256 letters, digits, '_' or '-'.`);
}
