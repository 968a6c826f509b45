/**
 * Local stand-ins for what the player talks to, on 127.0.0.1:
 * - the distribution: the built page under /player/ with the deployed response
 *   headers (the same CSP builder), and media from a folder. Like S3 behind an
 *   Origin Access Identity without s3:ListBucket, a missing object is a 403. With
 *   signed cookies on, it checks them on every media request as CloudFront does for a
 *   behaviour with a trusted key group (403 without valid ones), and serves the token
 *   service's `POST /session` (the real session handler behind a stand-in for API
 *   Gateway's JWT authorizer), as the distribution routes it.
 * - the DRM services, on another origin as in production: a token service and a
 *   license server that answers ClearKey JSON, both recording what they receive.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import * as path from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { createEntitlementCheck } from "../../functions/licenseToken/entitlement";
import { createSessionHandler } from "../../functions/licenseToken/session";
import type { Observability } from "../../functions/common/observability";
import { listenLocally, readBody } from "../../local/http";
import { contentTypeOf } from "../../local/mediaConvert/outputs";
import { buildPlayer } from "../../player/build";
import { playerConnectSources, playerHttpHeaders } from "../../player/csp";
import type { PlayerConfig } from "../../player/src/config";
import { LICENSE_TOKEN_HEADER } from "../../player/src/drm";
import { checkSignedCookies, CookieVerdict, parseCookieHeader } from "./playerCookies";

/** Protected playback: the key pair, and the one viewer the stand-in authorizer accepts. */
export interface SignedCookieProtection {
  readonly keyPairId: string;
  readonly publicKeyPem: string;
  /** Read by the session handler, as it reads it from its secret. */
  readonly privateKeyPem: string;
  /** The JWT the stand-in authorizer accepts as `Authorization: Bearer <jwt>`. */
  readonly viewerJwt: string;
  /** @default 3600 */
  readonly sessionSeconds?: number;
  /**
   * The viewer's `entitlements` claim, as API Gateway passes an array claim on.
   * @default "[*]" (everything)
   */
  readonly entitlements?: string;
}

/** The page and media, as CloudFront would serve them. */
export interface PlaybackServer {
  readonly origin: string;
  /** The security headers sent with the page, as the response headers policy adds them. */
  readonly headers: Record<string, string>;
  /** `config.json` as the page reads it; tests may replace it. */
  config: PlayerConfig;
  /** Signed cookies required for media, and `/session` served; undefined for open media. */
  protection: SignedCookieProtection | undefined;
  /** Every path requested, in order. */
  readonly requests: string[];
  /** Session requests, with the status each was answered with. */
  readonly sessionRequests: Array<{ readonly authorization?: string; readonly status: number }>;
  /** The body of each session request, in order. */
  readonly sessionBodies: string[];
  /** Media requests refused for want of valid signed cookies, and why. */
  readonly refusedMedia: Array<{ readonly path: string; readonly verdict: CookieVerdict }>;
  pageUrl(query: string): string;
  close(): Promise<void>;
}

export async function startPlaybackServer(args: {
  mediaRoot: string;
  config: PlayerConfig;
}): Promise<PlaybackServer> {
  const files = new Map(buildPlayer().map((file) => [`/player/${file.path}`, file]));
  const requests: string[] = [];
  const sessionRequests: PlaybackServer["sessionRequests"] = [];
  const sessionBodies: string[] = [];
  const refusedMedia: PlaybackServer["refusedMedia"] = [];
  const state = {
    config: args.config,
    headers: {} as Record<string, string>,
    protection: undefined as SignedCookieProtection | undefined,
  };
  let host = "";

  const server = await listenLocally(async (request: IncomingMessage, response: ServerResponse) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    requests.push(pathname);
    const protection = state.protection;
    if (protection && pathname === "/session") {
      return startSession(request, response, protection);
    }
    if (protection && !pathname.startsWith("/player/")) {
      // CloudFront redirects http to https before it checks anything, so the policy's
      // Resource is matched against the https URL.
      const verdict = checkSignedCookies({
        cookies: parseCookieHeader(request.headers.cookie),
        url: `https://${host}${request.url}`,
        keys: { [protection.keyPairId]: protection.publicKeyPem },
      });
      if (verdict) {
        refusedMedia.push({ path: pathname, verdict });
        response.writeHead(403, { "content-type": "text/xml" });
        return void response.end(
          "<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>",
        );
      }
    }
    if (pathname.startsWith("/player/")) {
      // The behaviour for player/* attaches the response headers policy.
      const headers = state.headers;
      if (pathname === "/player/config.json") {
        response.writeHead(200, { ...headers, "content-type": "application/json" });
        return void response.end(JSON.stringify(state.config));
      }
      const file = files.get(pathname);
      if (file) {
        response.writeHead(200, {
          ...headers,
          "content-type": file.contentType,
          "cache-control": file.cacheControl,
        });
        return void response.end(file.body);
      }
    } else if (!pathname.includes("..")) {
      try {
        const body = await readFile(path.join(args.mediaRoot, pathname));
        const type = pathname.endsWith(".json") ? "application/json" : contentTypeOf(pathname);
        response.writeHead(200, { "content-type": type });
        return void response.end(body);
      } catch {
        // fall through to S3's answer for a missing key
      }
    }
    response.writeHead(403, { "content-type": "application/xml" });
    response.end("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
  });
  /**
   * `POST /session` as the distribution routes it: API Gateway's JWT authorizer (here:
   * the one accepted JWT, else 401 `{"message":"Unauthorized"}` without calling the
   * function), then the token function's real session handler.
   */
  async function startSession(
    request: IncomingMessage,
    response: ServerResponse,
    protection: SignedCookieProtection,
  ): Promise<void> {
    const authorization = request.headers.authorization;
    const answer = (status: number, headers: Record<string, string | string[]>, body = "") => {
      sessionRequests.push({ authorization, status });
      response.writeHead(status, headers);
      response.end(body);
    };
    if (request.method !== "POST") return answer(404, {}, '{"message":"Not Found"}');
    if (authorization !== `Bearer ${protection.viewerJwt}`) {
      return answer(401, { "content-type": "application/json" }, '{"message":"Unauthorized"}');
    }
    const body = await readBody(request);
    sessionBodies.push(body);
    const handler = createSessionHandler({
      entitlement: createEntitlementCheck({
        settings: { grantAllSignedIn: false, claim: "entitlements" },
      }),
      settings: {
        keyPairId: protection.keyPairId,
        playbackDomain: host,
        sessionSeconds: protection.sessionSeconds ?? 3600,
      },
      observability: QUIET,
      keys: async () => ({
        siteKey: "",
        accessKey: "",
        cloudFrontPrivateKey: protection.privateKeyPem,
      }),
    });
    const result = await handler({
      routeKey: "POST /session",
      body,
      requestContext: {
        requestId: "local",
        authorizer: {
          jwt: {
            claims: {
              sub: "viewer",
              exp: String(Math.floor(Date.now() / 1000) + 3600),
              entitlements: protection.entitlements ?? "[*]",
            },
          },
        },
      },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer);
    // API Gateway turns each of the 2.0 payload's cookies into a Set-Cookie header.
    answer(
      result.statusCode ?? 200,
      { ...(result.headers as Record<string, string>), "set-cookie": result.cookies ?? [] },
      result.body ?? "",
    );
  }

  const { origin } = server;
  host = new URL(origin).host;
  const headers = () => playerHttpHeaders({ connectSources: playerConnectSources(state.config) });
  state.headers = headers();
  return {
    origin,
    get headers() {
      return state.headers;
    },
    get protection() {
      return state.protection;
    },
    set protection(protection: SignedCookieProtection | undefined) {
      state.protection = protection;
    },
    sessionRequests,
    sessionBodies,
    refusedMedia,
    get config() {
      return state.config;
    },
    set config(config: PlayerConfig) {
      state.config = config;
      state.headers = headers();
    },
    requests,
    pageUrl: (query) => `${origin}/player/index.html${query}`,
    close: server.close,
  };
}

/** A request the DRM services received. */
export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The token service and the ClearKey license server. */
export interface DrmServices {
  readonly origin: string;
  readonly tokenUrl: string;
  readonly licenseUrl: string;
  /**
   * A license server that refuses every request the way PallyCon does: HTTP 200 with
   * `{ "errorCode", "message" }` ({@link LICENSE_REFUSAL}).
   */
  readonly refusingLicenseUrl: string;
  readonly tokenRequests: RecordedRequest[];
  readonly licenseRequests: RecordedRequest[];
  /** Every token issued, in order. */
  readonly issuedTokens: string[];
  /**
   * Whether the viewer is entitled to a content id: when not, the token service answers
   * 403 `not_entitled` as the real one does. @default every content id
   */
  entitled: (cid: string) => boolean;
  close(): Promise<void>;
}

/** What the refusing license server answers, as PallyCon's native-client guide shows it. */
export const LICENSE_REFUSAL = { errorCode: "8001", message: "Invalid token: expired" } as const;

/** The session handler's logs and metrics are not what these tests look at: kept quiet. */
const QUIET: Observability = {
  logger: new Logger({ logLevel: "SILENT" }),
  metrics: { addMetric: () => undefined, hasStoredMetrics: () => false },
} as unknown as Observability;

const base64url = (hex: string) => Buffer.from(hex, "hex").toString("base64url");

/**
 * Starts the DRM services for one page origin. The license server answers a
 * ClearKey request (`{"kids":[…],"type":"temporary"}`) with the key when the token
 * header carries a token this token service issued, and 403 otherwise.
 * @see https://www.w3.org/TR/encrypted-media/#clear-key-license-format
 */
export async function startDrmServices(args: {
  pageOrigin: string;
  key: { keyId: string; key: string };
}): Promise<DrmServices> {
  const tokenRequests: RecordedRequest[] = [];
  const licenseRequests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  const state = { entitled: (_cid: string) => true };
  const server = await listenLocally(async (request, response) => {
    const cors = {
      "access-control-allow-origin": args.pageOrigin,
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": `content-type, authorization, ${LICENSE_TOKEN_HEADER}`,
    };
    if (request.method === "OPTIONS") {
      response.writeHead(204, cors);
      return void response.end();
    }
    const recorded = {
      path: request.url ?? "",
      headers: request.headers,
      body: await readBody(request),
    };
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { ...cors, "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method === "POST" && request.url === "/token") {
      tokenRequests.push(recorded);
      const { cid } = JSON.parse(recorded.body) as { cid: string };
      if (!state.entitled(cid)) {
        return reply(403, {
          error: "not_entitled",
          reason: "The entitlements claim does not name this content",
        });
      }
      const token = randomBytes(24).toString("base64");
      issuedTokens.push(token);
      return reply(200, { token });
    }
    if (request.method === "POST" && request.url === "/license") {
      licenseRequests.push(recorded);
      const token = request.headers[LICENSE_TOKEN_HEADER];
      if (typeof token !== "string" || !issuedTokens.includes(token)) {
        return reply(403, { message: "no valid license token" });
      }
      const { kids } = JSON.parse(recorded.body) as { kids: string[] };
      const kid = base64url(args.key.keyId);
      return reply(200, {
        keys: kids.includes(kid) ? [{ kty: "oct", kid, k: base64url(args.key.key) }] : [],
        type: "temporary",
      });
    }
    if (request.method === "POST" && request.url === "/license-refusing") {
      licenseRequests.push(recorded);
      return reply(200, LICENSE_REFUSAL);
    }
    reply(404, { message: "not found" });
  });
  const { origin } = server;
  return {
    origin,
    tokenUrl: `${origin}/token`,
    licenseUrl: `${origin}/license`,
    refusingLicenseUrl: `${origin}/license-refusing`,
    tokenRequests,
    licenseRequests,
    issuedTokens,
    get entitled() {
      return state.entitled;
    },
    set entitled(entitled: (cid: string) => boolean) {
      state.entitled = entitled;
    },
    close: server.close,
  };
}
