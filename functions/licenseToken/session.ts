/**
 * The session route: `POST /session` with `{ "asset": "<upload key>" }`, behind the JWT
 * authorizer → CloudFront signed cookies that let this browser fetch that asset's media
 * (manifests, segments, `asset.json`) from the playback domain until the session ends.
 * Only for a user entitled to the asset's content id, and only for its output folder.
 */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { count, createObservability, instrumented, Observability } from "../common/observability";
import { contentIdFor } from "../../shared/contentId";
import { outputPrefixFor } from "../../shared/outputLayout";
import { assetResource, setCookieHeaders, signedCookies } from "../../shared/signedCookies";
import { EntitlementCheck } from "./entitlement";
import { refusal } from "./refusal";
import type { PallyConKeys } from "./keys";
import { MAX_BODY_BYTES } from "./request";
import type { SignedCookieSettings } from "./environment";
import { formatTimestamp } from "./token";

/**
 * The session route's metrics (namespace `VodMultiDrm`, dimension `service` =
 * `licenseToken`), one count per request.
 */
export const SESSION_METRICS = {
  sessionsStarted: "SessionsStarted",
  /** Refused with a 4xx: the access token has no subject, or the body names no asset. */
  sessionsRefused: "SessionsRefused",
  /** A 500: the key could not be read, or the cookies could not be signed. */
  sessionsFailed: "SessionsFailed",
} as const;

/** What the session handler needs: its settings, the keys, and a clock. */
export interface SessionHandlerDependencies {
  readonly settings: SignedCookieSettings;
  readonly keys: () => Promise<PallyConKeys>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default createObservability("licenseToken") */
  readonly observability?: Observability;
  /** Who may watch what: the service handler passes the token route's check. */
  readonly entitlement: EntitlementCheck;
}

/** S3's limit on a key, in UTF-8 bytes: no upload has a longer one. */
const MAX_KEY_BYTES = 1024;

/** The asset the body names, or why it names none. */
export function requestedAsset(
  event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, "body" | "isBase64Encoded">,
): { asset: string } | { error: string; status: 400 | 413 } {
  const raw = event.body ?? "";
  const body = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    return { status: 413, error: `The request body is larger than ${MAX_BODY_BYTES} bytes` };
  }
  let asset: unknown;
  try {
    asset = (JSON.parse(body) as { asset?: unknown } | null)?.asset;
  } catch {
    asset = undefined;
  }
  if (
    typeof asset !== "string" ||
    asset.trim() === "" ||
    Buffer.byteLength(asset) > MAX_KEY_BYTES ||
    /\p{Cs}/u.test(asset)
  ) {
    return {
      status: 400,
      error: 'The request body must be { "asset": "<the uploaded video\'s key>" }',
    };
  }
  return { asset };
}

/** Cookies are per viewer: no browser or proxy may keep the answer. */
const NO_STORE = { "Cache-Control": "no-store" };

const failure = (statusCode: number, error: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...NO_STORE, "Content-Type": "application/json" },
  body: JSON.stringify({ error }),
});

/**
 * The session handler: 204 with one `Set-Cookie` per signed cookie (API Gateway turns
 * each entry of the 2.0 payload's `cookies` into a header), 401 without a subject, 400
 * without an asset, 403 for a user not entitled to it, and a 500 that says nothing more when the key cannot be read or used. Log lines carry
 * the decision and the expiry, never a cookie or the key.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function createSessionHandler({
  settings,
  keys,
  now = () => new Date(),
  observability = createObservability("licenseToken"),
  entitlement,
}: SessionHandlerDependencies) {
  const { logger, metrics } = observability;
  async function handler(
    event: APIGatewayProxyEventV2WithJWTAuthorizer,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const requestId = event.requestContext?.requestId;
    const userId = event.requestContext?.authorizer?.jwt?.claims?.sub;
    if (typeof userId !== "string" || userId.trim() === "") {
      count(metrics, SESSION_METRICS.sessionsRefused);
      logger.info("session refused", { requestId, status: 401, reason: "no sub claim" });
      return failure(401, "The access token has no sub claim to start a session for");
    }

    const requested = requestedAsset(event);
    if ("error" in requested) {
      count(metrics, SESSION_METRICS.sessionsRefused);
      logger.info("session refused", { requestId, status: requested.status, reason: "no asset" });
      return failure(requested.status, requested.error);
    }
    // The content id the convert function packaged the asset with, and its output folder.
    const cid = contentIdFor(requested.asset);
    const claims = event.requestContext.authorizer.jwt.claims;
    const refused = refusal(await entitlement(userId, claims, cid), observability, {
      requestId,
      userId,
      cid,
      route: "session",
    });
    if (refused) return refused;

    const expires = new Date(now().getTime() + settings.sessionSeconds * 1000);
    let cookies: string[];
    try {
      const { cloudFrontPrivateKey } = await keys();
      if (!cloudFrontPrivateKey) throw new Error("The secret holds no cloudFrontPrivateKey");
      cookies = setCookieHeaders(
        signedCookies({
          resource: assetResource(settings.playbackDomain, outputPrefixFor(requested.asset)),
          expires,
          keyPairId: settings.keyPairId,
          privateKeyPem: cloudFrontPrivateKey,
        }),
      );
    } catch (error) {
      // Messages name the field or the secret, never a value (see SignedCookieError).
      count(metrics, SESSION_METRICS.sessionsFailed);
      logger.error("session not started", { requestId, error: String(error) });
      return failure(500, "The playback session could not be started");
    }

    count(metrics, SESSION_METRICS.sessionsStarted);
    logger.info("session started", {
      requestId,
      userId,
      cid,
      expiresAt: formatTimestamp(expires),
    });
    return { statusCode: 204, headers: NO_STORE, cookies };
  }
  return instrumented(observability, handler);
}
