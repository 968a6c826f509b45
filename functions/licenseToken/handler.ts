import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { count, createObservability, instrumented, Observability } from "../common/observability";
import { EntitlementCheck, entitlementCheckFor } from "./entitlement";
import { refusal } from "./refusal";
import type { PallyConKeys } from "./keys";
import { planTokenRequest } from "./request";
import { routeKey, SESSION_ROUTE } from "../../shared/tokenRoutes";
import { createSessionHandler } from "./session";
import type { TokenServiceEnvironment } from "./environment";
import { createLicenseToken, DrmType, formatTimestamp, TOKEN_VALIDITY_SECONDS } from "./token";

/** What the handler needs: its settings, the keys, and a clock. */
export interface TokenHandlerDependencies {
  readonly settings: TokenServiceEnvironment;
  readonly keys: () => Promise<PallyConKeys>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default createObservability("licenseToken") */
  readonly observability?: Observability;
  /** Who may watch what. @default entitlementCheckFor(settings.entitlements, now) */
  readonly entitlement?: EntitlementCheck;
}

/**
 * The token function's metrics (namespace `VodMultiDrm`, dimension `service` =
 * `licenseToken`), one count per request.
 */
export const TOKEN_METRICS = {
  tokensIssued: "TokensIssued",
  /** Refused with a 4xx: no subject, a bad body, an invalid cid or DRM type. */
  requestsRefused: "RequestsRefused",
  /** A 500: the keys could not be read, or the token could not be made. */
  tokensFailed: "TokensFailed",
} as const;

/** The answer to a successful request. */
export interface TokenResponse {
  /** The PallyCon license token, for the `pallycon-customdata-v2` header. */
  readonly token: string;
  readonly drmType: DrmType;
  readonly cid: string;
  /** When PallyCon stops accepting the token: ask for a new one after this. */
  readonly expiresAt: string;
}

/** Tokens are per user and short-lived: no browser or proxy may keep one. */
const HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-store" };

const respond = (statusCode: number, body: object): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: HEADERS,
  body: JSON.stringify(body),
});

/**
 * The token handler. Refusals are 4xx with a JSON `error`; a failure to read the
 * keys or make the token is a 500 that says nothing more. Log lines carry the
 * request's decision, never a key or a token.
 */
export function createTokenHandler({
  settings,
  keys,
  now = () => new Date(),
  observability = createObservability("licenseToken"),
  entitlement = entitlementCheckFor(settings.entitlements, now),
}: TokenHandlerDependencies) {
  const { logger, metrics } = observability;
  async function handler(
    event: APIGatewayProxyEventV2WithJWTAuthorizer,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const requestId = event.requestContext?.requestId;
    const plan = planTokenRequest(event);
    if (plan.action === "refuse") {
      count(metrics, TOKEN_METRICS.requestsRefused);
      logger.info("request refused", { requestId, status: plan.status, reason: plan.error });
      return respond(plan.status, { error: plan.error });
    }

    const { userId, cid, drmType } = plan;
    // Decided before any key is read or token made.
    const claims = event.requestContext.authorizer.jwt.claims;
    const refused = refusal(await entitlement(userId, claims, cid), observability, {
      requestId,
      userId,
      cid,
      route: "token",
    });
    if (refused) return refused;

    let token: string;
    const timestamp = now();
    try {
      const { siteKey, accessKey } = await keys();
      token = createLicenseToken({
        drmType,
        siteId: settings.siteId,
        siteKey,
        accessKey,
        userId,
        cid,
        policy: settings.policy,
        timestamp,
      });
    } catch (error) {
      // SDK and validation messages name the secret or the field, never a value. Only
      // the name and message are logged: not the stack, nor any property of the error.
      count(metrics, TOKEN_METRICS.tokensFailed);
      logger.error("token not issued", { requestId, cid, drmType, error: String(error) });
      return respond(500, { error: "The license token could not be issued" });
    }

    count(metrics, TOKEN_METRICS.tokensIssued);
    logger.info("token issued", { requestId, userId, cid, drmType });
    const expiresAt = new Date(timestamp.getTime() + TOKEN_VALIDITY_SECONDS * 1000);
    const body: TokenResponse = {
      token,
      drmType,
      cid,
      expiresAt: formatTimestamp(expiresAt),
    };
    return respond(200, body);
  }
  return instrumented(observability, handler);
}

/**
 * The function's handler: the session route to the session handler when signed
 * cookies are on, every other request to the token handler. Both share one logger and
 * one set of metrics.
 */
export function createServiceHandler(deps: TokenHandlerDependencies) {
  const observability = deps.observability ?? createObservability("licenseToken");
  // One check, so both routes share the entitlement function's cached answers.
  const entitlement = deps.entitlement ?? entitlementCheckFor(deps.settings.entitlements, deps.now);
  const token = createTokenHandler({ ...deps, observability, entitlement });
  const cookies = deps.settings.signedCookies;
  const session = cookies
    ? createSessionHandler({ ...deps, settings: cookies, observability, entitlement })
    : undefined;
  return (event: APIGatewayProxyEventV2WithJWTAuthorizer, context?: Context) =>
    session && event.routeKey === routeKey(SESSION_ROUTE)
      ? session(event, context)
      : token(event, context);
}
