/**
 * Who may watch what: the decision the token service makes for every request, before it
 * builds a token or cookies. PallyCon's token guide puts it on the service site: a
 * license token is issued only to a user entitled to the content.
 *
 * The rules, in order:
 * 1. a claim set without a valid `exp` in the future is refused (whatever it says);
 * 2. `grantAllSignedIn`: any signed-in user may watch everything (free content only);
 * 3. the entitlement claim lists the content id, or a prefix of it ending in `*`;
 * 4. the entitlement function, when there is one, answers for everything else.
 * Nothing else grants: with no rule configured, every request is refused.
 *
 * @see https://pallycon.com/docs/en/multidrm/license/license-token/
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";

/** How the service decides; read from the environment (see settings.ts). */
export interface EntitlementSettings {
  /** Any signed-in user may watch everything: for free content only. */
  readonly grantAllSignedIn: boolean;
  /** The JWT claim that lists the content ids (or `prefix*`) the user may watch. */
  readonly claim: string;
  /** The Lambda function asked `{ sub, claims, cid }` → `{ allow, reason? }`; none when absent. */
  readonly functionArn?: string;
}

/** The rule that decided, as logged. */
export type EntitlementRule = "expired" | "grant-all" | "claim" | "function" | "none";

export type EntitlementDecision =
  | { readonly outcome: "allow"; readonly rule: EntitlementRule }
  | { readonly outcome: "deny"; readonly rule: EntitlementRule; readonly reason: string }
  /** The entitlement function failed: no decision, and never a grant. */
  | { readonly outcome: "error"; readonly rule: "function"; readonly reason: string };

/** The claims as API Gateway's JWT authorizer passes them (values are mostly strings). */
export type Claims = Readonly<Record<string, unknown>>;

/** Asks the entitlement function; resolves to its answer, rejects on any failure. */
export type EntitlementFunction = (request: {
  sub: string;
  claims: Claims;
  cid: string;
}) => Promise<{ allow: boolean; reason?: string }>;

/** How long an entitlement function's answer is reused for the same user and content. */
export const ENTITLEMENT_CACHE_TTL_MS = 60 * 1000;
/** Answers kept at most; the oldest goes first. A warm container serves few users. */
const CACHE_MAX_ENTRIES = 1000;
/** The entitlement function's answer must come well within the token function's own timeout. */
export const ENTITLEMENT_FUNCTION_TIMEOUT_MS = 3000;

/**
 * The entries of a list claim, in every shape API Gateway's HTTP API JWT authorizer is
 * known to pass one to Lambda: a real array; a JSON array string (`["a","b"]`, as
 * identity providers that only allow string claims write it); the bracketed,
 * space-separated form the authorizer flattens array claims into (`[a b]`); or one
 * string (entries separated by spaces or commas, which no content id contains).
 */
export function claimEntries(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (text.startsWith("[") && text.endsWith("]")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return claimEntries(parsed);
    } catch {
      // Not JSON: the authorizer's `[a b]` form.
    }
    return splitEntries(text.slice(1, -1));
  }
  return splitEntries(text);
}

const splitEntries = (text: string) => text.split(/[\s,]+/).filter((entry) => entry !== "");

/** Whether one entry grants a content id: the id itself, or a prefix of it ending in `*`. */
export function entryGrants(entry: string, cid: string): boolean {
  const trimmed = entry.trim();
  if (trimmed.endsWith("*")) return cid.startsWith(trimmed.slice(0, -1));
  return trimmed === cid;
}

/**
 * Whether the claims' `exp` (seconds since 1970, a number or its decimal string) is
 * still ahead of `now`. A missing or unreadable `exp` is not valid: the handler trusts
 * no claim set the authorizer could not have checked.
 */
export function claimsUnexpired(claims: Claims, now: Date): boolean {
  const exp = claims.exp;
  const seconds =
    typeof exp === "number"
      ? exp
      : typeof exp === "string" && /^\d+$/.test(exp)
        ? Number(exp)
        : NaN;
  return Number.isFinite(seconds) && seconds * 1000 > now.getTime();
}

/**
 * The decision for one request. `ask` is the entitlement function (when configured);
 * its answers are cached for {@link ENTITLEMENT_CACHE_TTL_MS} per (sub, cid).
 */
export function createEntitlementCheck({
  settings,
  ask,
  now = () => new Date(),
  ttlMs = ENTITLEMENT_CACHE_TTL_MS,
}: {
  settings: EntitlementSettings;
  ask?: EntitlementFunction;
  now?: () => Date;
  ttlMs?: number;
}) {
  const cache = new Map<string, { allow: boolean; reason?: string; at: number }>();
  return async function decide(
    sub: string,
    claims: Claims,
    cid: string,
  ): Promise<EntitlementDecision> {
    const at = now();
    if (!claimsUnexpired(claims, at)) {
      return { outcome: "deny", rule: "expired", reason: "The access token has expired" };
    }
    if (settings.grantAllSignedIn) return { outcome: "allow", rule: "grant-all" };
    if (claimEntries(claims[settings.claim]).some((entry) => entryGrants(entry, cid))) {
      return { outcome: "allow", rule: "claim" };
    }
    if (!ask) {
      return {
        outcome: "deny",
        rule: "claim",
        reason: `The ${settings.claim} claim does not name this content`,
      };
    }

    const key = JSON.stringify([sub, cid]);
    let answer = cache.get(key);
    if (!answer || at.getTime() - answer.at >= ttlMs) {
      let asked: { allow: boolean; reason?: string };
      try {
        asked = await ask({ sub, claims, cid });
      } catch (error) {
        // Not cached: the next request asks again.
        return { outcome: "error", rule: "function", reason: String(error) };
      }
      answer = { ...asked, at: at.getTime() };
      cache.delete(key);
      cache.set(key, answer);
      if (cache.size > CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    return answer.allow
      ? { outcome: "allow", rule: "function" }
      : {
          outcome: "deny",
          rule: "function",
          reason: answer.reason ?? "The entitlement service does not grant this content",
        };
  };
}

/** The most of an entitlement function's `reason` passed on to the viewer. */
const MAX_REASON_LENGTH = 200;

/**
 * Calls the entitlement function synchronously. Rejects (naming what went wrong, never
 * the claims) when it cannot be invoked, reports a function error, or answers anything
 * but `{ "allow": true|false, "reason"?: "..." }`.
 */
export function lambdaEntitlementFunction(
  client: LambdaClient,
  functionArn: string,
  timeoutMs = ENTITLEMENT_FUNCTION_TIMEOUT_MS,
): EntitlementFunction {
  return async (request) => {
    const response = await client.send(
      new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    if (response.FunctionError) {
      throw new Error(`The entitlement function failed (${response.FunctionError})`);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()));
    } catch {
      throw new Error("The entitlement function's answer is not JSON");
    }
    const { allow, reason } = (answer ?? {}) as Record<string, unknown>;
    if (typeof allow !== "boolean") {
      throw new Error('The entitlement function\'s answer is not { "allow": true|false }');
    }
    return typeof reason === "string" && reason !== ""
      ? { allow, reason: reason.slice(0, MAX_REASON_LENGTH) }
      : { allow };
  };
}

/** The check the deployed function uses: its settings, and the function client when configured. */
export function entitlementCheckFor(settings: EntitlementSettings, now?: () => Date) {
  const { functionArn } = settings;
  return createEntitlementCheck({
    settings,
    now,
    ask: functionArn ? lambdaEntitlementFunction(new LambdaClient({}), functionArn) : undefined,
  });
}

export type EntitlementCheck = ReturnType<typeof createEntitlementCheck>;
