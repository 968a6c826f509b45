/**
 * What viewers reach besides the media: the license token service (served on the
 * distribution at /token, and /session with signed cookies), the signed-cookie keys the
 * media behaviours trust, and the player page with its settings.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_LICENSE_SERVER_URL,
  fairplayCertificateUrlOf,
  licenseUrlOf,
} from "../../player/src/config";
import { LicenseTokenService, LicenseTokenServiceArgs } from "../licenseTokenService";
import type { PrivateBucket } from "../privateBucket";
import { SESSION_PATH, TOKEN_PATH } from "./delivery";
import { deployPlayer } from "./player";
import {
  createSignedCookieKeys,
  DEFAULT_SESSION_SECONDS,
  matchingPrivateKey,
  VodSignedCookiesArgs,
} from "./signedCookies";

export interface ViewerAccessArgs {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly applicationName: string;
  readonly output: PrivateBucket;
  /** Other sites' player pages that may call the token service. */
  readonly corsAllowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
  readonly logRetentionDays: number;
  readonly licenseTokens?: Omit<
    LicenseTokenServiceArgs,
    "allowedOrigins" | "logRetentionDays" | "signedCookies"
  > & { readonly licenseServerUrl?: string };
  readonly signedCookies?: VodSignedCookiesArgs;
}

export function createViewerAccess(args: ViewerAccessArgs) {
  const { name, parent, applicationName, licenseTokens, signedCookies } = args;
  const licenseServerUrl = licenseTokens?.licenseServerUrl ?? DEFAULT_LICENSE_SERVER_URL;

  // With signed cookies: the key group the media behaviours trust. The cookies grant the
  // playback domain, which without a custom domain is the distribution's own name, known
  // once it exists: a deferred output, bound by the caller.
  const cookieKeys = signedCookies
    ? createSignedCookieKeys({
        name,
        parent,
        applicationName,
        publicKeyPem: signedCookies.publicKeyPem,
      })
    : undefined;
  const [playbackHost, bindPlaybackHost] = pulumi.deferredOutput<string>();

  // PallyCon license tokens for signed-in viewers of encrypted assets; other sites'
  // players (the CORS origins) may call it too.
  const licenseTokenService = licenseTokens
    ? new LicenseTokenService(
        `${name}-tokens`,
        {
          ...tokenServiceArgs(licenseTokens),
          allowedOrigins: args.corsAllowedOrigins,
          logRetentionDays: args.logRetentionDays,
          signedCookies:
            signedCookies && cookieKeys
              ? {
                  keyPairId: cookieKeys.publicKey.id,
                  privateKeyPem: matchingPrivateKey(
                    signedCookies.privateKeyPem,
                    signedCookies.publicKeyPem,
                  ),
                  playbackDomain: playbackHost,
                  sessionSeconds: signedCookies.sessionSeconds ?? DEFAULT_SESSION_SECONDS,
                }
              : undefined,
        },
        { parent },
      )
    : undefined;

  // The player page, its settings and its security headers (the CSP allows what the
  // settings name: the license server).
  const player = deployPlayer({
    name,
    parent,
    bucket: args.output.bucketName,
    config: pulumi.output(licenseTokens?.siteId).apply((siteId) => ({
      tokenUrl: licenseTokenService ? TOKEN_PATH : undefined,
      sessionUrl: cookieKeys ? SESSION_PATH : undefined,
      licenseUrl: licenseUrlOf(licenseServerUrl),
      fairplayCertificateUrl: siteId
        ? fairplayCertificateUrlOf(licenseServerUrl, siteId)
        : undefined,
    })),
  });

  return {
    licenseTokenService,
    cookieKeys,
    player,
    /** Call with the playback host once the distribution exists. */
    bindPlaybackHost: (host: pulumi.Output<string>) => bindPlaybackHost(host),
  };
}

/** The token service's own arguments: the license server is the player's business. */
function tokenServiceArgs({
  licenseServerUrl: _player,
  ...service
}: NonNullable<ViewerAccessArgs["licenseTokens"]>) {
  return service;
}
