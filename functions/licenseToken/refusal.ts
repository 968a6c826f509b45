/** The answer to a request the entitlement check did not allow. */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { ENTITLEMENT_METRICS } from "../../shared/metrics";
import { count, Observability } from "../common/observability";
import type { EntitlementDecision } from "./entitlement";

/** Per user: no browser or proxy may keep the answer. */
const respond = (statusCode: number, body: object): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  body: JSON.stringify(body),
});

/**
 * Applies an entitlement decision: undefined when the request may go on, otherwise the
 * answer: 403 `not_entitled` with the reason (counted in `TokensRefused`), or 503 when
 * the entitlement function failed (never a grant). The log line names the user, the
 * content and the rule, never a claim's value or the access token.
 */
export function refusal(
  decision: EntitlementDecision,
  { logger, metrics }: Observability,
  context: { requestId?: string; userId: string; cid: string; route: string },
): APIGatewayProxyStructuredResultV2 | undefined {
  if (decision.outcome === "allow") return undefined;
  if (decision.outcome === "error") {
    count(metrics, ENTITLEMENT_METRICS.entitlementsFailed);
    logger.error("entitlement unknown", {
      ...context,
      rule: decision.rule,
      reason: decision.reason,
    });
    return respond(503, {
      error: "entitlement_unavailable",
      reason: "Whether you may watch this video could not be checked; try again later",
    });
  }
  count(metrics, ENTITLEMENT_METRICS.tokensRefused);
  logger.info("not entitled", { ...context, rule: decision.rule, reason: decision.reason });
  return respond(403, { error: "not_entitled", reason: decision.reason });
}
