/**
 * The session route: `POST /session` behind the JWT authorizer → CloudFront signed
 * cookies that let this browser fetch the protected media (manifests, segments,
 * `asset.json`) from the playback domain until the session ends.
 */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { count, createObservability, instrumented, Observability } from "../common/observability";
import type { PallyConKeys } from "./keys";
import type { SignedCookieSettings } from "./environment";
import { playbackResource, setCookieHeaders, signedCookies } from "../../shared/signedCookies";
import { formatTimestamp } from "./token";

/**
 * The session route's metrics (namespace `VodMultiDrm`, dimension `service` =
 * `licenseToken`), one count per request.
 */
export const SESSION_METRICS = {
  sessionsStarted: "SessionsStarted",
  /** Refused with a 401: the access token has no subject. */
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
 * each entry of the 2.0 payload's `cookies` into a header), 401 without a subject, and
 * a 500 that says nothing more when the key cannot be read or used. Log lines carry
 * the decision and the expiry, never a cookie or the key.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function createSessionHandler({
  settings,
  keys,
  now = () => new Date(),
  observability = createObservability("licenseToken"),
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

    const expires = new Date(now().getTime() + settings.sessionSeconds * 1000);
    let cookies: string[];
    try {
      const { cloudFrontPrivateKey } = await keys();
      if (!cloudFrontPrivateKey) throw new Error("The secret holds no cloudFrontPrivateKey");
      cookies = setCookieHeaders(
        signedCookies({
          resource: playbackResource(settings.playbackDomain),
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
    logger.info("session started", { requestId, userId, expiresAt: formatTimestamp(expires) });
    return { statusCode: 204, headers: NO_STORE, cookies };
  }
  return instrumented(observability, handler);
}
