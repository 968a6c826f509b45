/**
 * The playback domain, as CloudFront serves it, over https on 127.0.0.1:
 * - `player/*`: the page's files from the output bucket, with the headers the stack's
 *   response headers policy adds (its CSP among them);
 * - the token service's routes (`POST /token`, `POST /session`): API Gateway's JWT
 *   authorizer (a stand-in with the stack's issuer and audiences), then the token
 *   function, as a 2.0-payload HTTP API invokes it;
 * - everything else: media from the output bucket. CloudFront reads it through an
 *   origin identity without s3:ListBucket, so a missing key is a 403.
 * Besides: the local identity provider's documents and a sign-in page for the dev user.
 * CloudFront's caching, TTLs and geo rules are not emulated.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { JwtAuthorizer } from "./drm/jwtAuthorizer";
import { listenLocally } from "./http";
import type { LocalFunction } from "./lambda/runner";
import type { TokenApi } from "./stack";
import type { LocalCertificate } from "./tls";
import { SIGN_IN_PAGE, SIGN_IN_PATH, SIGN_IN_SCRIPT, SIGN_IN_SCRIPT_PATH } from "./signIn";

/** What the server serves once the stack is known (its origin is needed to plan the stack). */
export interface PlaybackRoutes {
  readonly s3: S3Client;
  readonly outputBucket: string;
  readonly playerHeaders: Readonly<Record<string, string>>;
  /** The token service, when the stack has one. */
  readonly tokenService?: {
    readonly api: TokenApi;
    readonly fn: LocalFunction;
    /** API Gateway's JWT authorizer for each route, by route key. */
    readonly authorizers: ReadonlyMap<string, JwtAuthorizer>;
  };
  /** Served under `/.well-known/…` of the issuer's path, and the dev user's token. */
  readonly identity?: {
    readonly issuerPath: string;
    readonly documents: Readonly<Record<string, unknown>>;
    readonly devToken: () => string;
    readonly devUser: string;
  };
}

export interface PlaybackServer {
  readonly origin: string;
  /** Starts serving the stack's routes; until then every request is a 503. */
  attach(routes: PlaybackRoutes): void;
  close(): Promise<void>;
}

export async function startPlaybackServer(args: {
  readonly port: number;
  readonly tls: LocalCertificate;
}): Promise<PlaybackServer> {
  let options: PlaybackRoutes | undefined;
  const server = await listenLocally(
    (request, response) => {
      if (!options) return json(response, 503, { message: "starting" });
      serve(request, response, options).catch((error: Error) => {
        response.writeHead(502, { "content-type": "text/plain" });
        response.end(`Local playback server error: ${error.message}`);
      });
    },
    args.tls,
    args.port,
  );

  async function serve(
    request: IncomingMessage,
    response: ServerResponse,
    options: PlaybackRoutes,
  ): Promise<void> {
    const url = new URL(request.url ?? "/", "https://local");
    const pathname = url.pathname;
    const identity = options.identity;
    if (identity && pathname.startsWith(`${identity.issuerPath}/`)) {
      const document = identity.documents[pathname.slice(identity.issuerPath.length)];
      if (document) return json(response, 200, document);
    }
    if (identity && pathname === SIGN_IN_PATH) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return void response.end(SIGN_IN_PAGE(identity.devUser));
    }
    if (identity && pathname === SIGN_IN_SCRIPT_PATH) {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      return void response.end(SIGN_IN_SCRIPT);
    }
    if (identity && pathname === "/local/dev-token" && request.method === "POST") {
      response.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
      return void response.end(identity.devToken());
    }
    const route = options.tokenService?.api.routes.find(
      (r) => r.routeKey === `${request.method} ${pathname}`,
    );
    if (route && options.tokenService) {
      return invokeRoute(request, response, url, route, options.tokenService);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return void response.writeHead(403).end();
    }
    return serveObject(request, response, decodeURIComponent(pathname.slice(1)), options);
  }

  async function serveObject(
    request: IncomingMessage,
    response: ServerResponse,
    key: string,
    options: PlaybackRoutes,
  ) {
    try {
      const object = await options.s3.send(
        new GetObjectCommand({
          Bucket: options.outputBucket,
          Key: key,
          Range: request.headers.range,
        }),
      );
      const body = Buffer.from(await object.Body!.transformToByteArray());
      response.writeHead(object.ContentRange ? 206 : 200, {
        ...(key.startsWith("player/") ? options.playerHeaders : {}),
        "content-type": object.ContentType ?? "application/octet-stream",
        ...(object.CacheControl ? { "cache-control": object.CacheControl } : {}),
        ...(object.ContentRange ? { "content-range": object.ContentRange } : {}),
        "accept-ranges": "bytes",
        "content-length": String(body.length),
      });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (status === 404 || status === 403) {
        response.writeHead(403, { "content-type": "application/xml" });
        return void response.end(
          "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
        );
      }
      throw error;
    }
  }

  async function invokeRoute(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    route: TokenApi["routes"][number],
    service: NonNullable<PlaybackRoutes["tokenService"]>,
  ) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const authorization = service.authorizers
      .get(route.routeKey)!
      .authorize(request.headers.authorization);
    if ("status" in authorization) {
      response.writeHead(authorization.status, {
        "content-type": "application/json",
        ...authorization.headers,
      });
      return void response.end(JSON.stringify(authorization.body));
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, [value].flat().join(",")]),
    );
    const now = new Date();
    const outcome = await service.fn.invoke({
      version: "2.0",
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      requestContext: {
        accountId: "123456789012",
        apiId: "local",
        authorizer: { jwt: { claims: authorization.claims, scopes: authorization.scopes } },
        domainName: request.headers.host ?? "127.0.0.1",
        http: {
          method: request.method,
          path: url.pathname,
          protocol: "HTTP/1.1",
          sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
          userAgent: request.headers["user-agent"] ?? "",
        },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: "$default",
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      body: Buffer.concat(chunks).toString("utf8"),
      isBase64Encoded: false,
    });
    // API Gateway answers a function error with 500 and a fixed body.
    if (!outcome.ok) return json(response, 500, { message: "Internal Server Error" });
    const result = outcome.result as {
      statusCode?: number;
      headers?: Record<string, string>;
      cookies?: string[];
      body?: string;
      isBase64Encoded?: boolean;
    } | null;
    // The 2.0 payload format: a result without statusCode is a 200 JSON body.
    if (!result || typeof result.statusCode !== "number") return json(response, 200, result);
    response.writeHead(result.statusCode, {
      ...result.headers,
      ...(result.cookies?.length ? { "set-cookie": result.cookies } : {}),
    });
    response.end(
      result.body === undefined
        ? undefined
        : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"),
    );
  }

  return {
    origin: server.origin,
    attach: (routes) => {
      options = routes;
    },
    close: server.close,
  };
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
