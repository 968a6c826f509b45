/**
 * API Gateway HTTP API's JWT authorizer, for one route: what it accepts, what it refuses,
 * and the claims it passes to a payload 2.0 Lambda.
 *
 * Follows the AWS guide "Controlling access to HTTP APIs with JWT authorizers":
 * 1. the identity source (the Authorization header) holds the token, alone or after `Bearer `;
 * 2. the token is decoded;
 * 3. its signature is checked with the issuer's JWKS key named by its `kid`; only RSA
 *    algorithms are supported;
 * 4. claims: `iss` equals the issuer exactly; `aud` (or, only when `aud` is absent,
 *    `client_id`) is one of the audiences; `exp` is after now; `nbf` and `iat` are not
 *    after now; and when the route has scopes, `scope` (space-separated) or `scp` has one.
 * A failure is 401 `{"message":"Unauthorized"}`; a missing scope is 403
 * `{"message":"Forbidden"}`. The `www-authenticate` header follows the guide's
 * troubleshooting page (its wording is AWS's for the audience case only).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html
 */
import { createPublicKey, JsonWebKey, verify } from "node:crypto";
import type { Jwks } from "./jwt";

/** What the authorizer lets through: the claims as the Lambda sees them. */
export interface Authorized {
  /** `requestContext.authorizer.jwt.claims`: every value a string (see {@link flattenClaim}). */
  readonly claims: Record<string, string>;
  /** `requestContext.authorizer.jwt.scopes`: the token's scopes when the route has any, else null. */
  readonly scopes: string[] | null;
}

/** What the authorizer answers instead of calling the integration. */
export interface Refused {
  readonly status: 401 | 403;
  readonly body: { readonly message: "Unauthorized" | "Forbidden" };
  readonly headers: { readonly "www-authenticate": string };
}

export interface JwtAuthorizer {
  authorize(authorizationHeader: string | undefined): Authorized | Refused;
}

/** RSA algorithms and their hashes; API Gateway supports only RSA-based algorithms. */
const RSA_ALGORITHMS: Record<string, string> = {
  RS256: "sha256",
  RS384: "sha384",
  RS512: "sha512",
};

export function createJwtAuthorizer({
  issuer,
  audiences,
  scopes = [],
  jwks,
  now = () => new Date(),
}: {
  issuer: string;
  audiences: readonly string[];
  /** The route's authorization scopes; none means any valid token. */
  scopes?: readonly string[];
  /** The issuer's key set, or how to read it (API Gateway caches it for up to two hours). */
  jwks: Jwks | (() => Jwks);
  now?: () => Date;
}): JwtAuthorizer {
  const unauthorized = (description: string): Refused => ({
    status: 401,
    body: { message: "Unauthorized" },
    headers: {
      "www-authenticate": `Bearer scope="" error="invalid_token" error_description="${description}"`,
    },
  });

  return {
    authorize(authorizationHeader) {
      const token = authorizationHeader?.startsWith("Bearer ")
        ? authorizationHeader.slice("Bearer ".length).trim()
        : authorizationHeader?.trim();
      if (!token) return unauthorized("the token is missing");
      const parts = token.split(".");
      if (parts.length !== 3) return unauthorized("the token is not a JWT");
      let header: Record<string, unknown>;
      let claims: Record<string, unknown>;
      try {
        header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
        claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
        if (typeof header !== "object" || typeof claims !== "object" || !header || !claims) {
          throw new Error();
        }
      } catch {
        return unauthorized("the token could not be decoded");
      }

      const alg = header.alg;
      if (typeof alg !== "string" || !Object.hasOwn(RSA_ALGORITHMS, alg)) {
        return unauthorized("the token's signing algorithm is not supported");
      }
      const keySet = typeof jwks === "function" ? jwks() : jwks;
      const jwk = keySet.keys.find((key) => key.kid === header.kid && key.kty === "RSA");
      if (typeof header.kid !== "string" || !jwk) {
        return unauthorized("the token's kid does not match a key of the issuer");
      }
      if (!signatureValid(RSA_ALGORITHMS[alg], parts, jwk))
        return unauthorized("the token's signature is not valid");

      if (claims.iss !== issuer) return unauthorized("the token does not have a valid issuer");
      const audience = claims.aud !== undefined ? claims.aud : claims.client_id;
      const tokenAudiences = Array.isArray(audience) ? audience : [audience];
      if (!tokenAudiences.some((value) => typeof value === "string" && audiences.includes(value))) {
        return unauthorized("the token does not have a valid audience");
      }
      const seconds = now().getTime() / 1000;
      if (typeof claims.exp !== "number" || claims.exp <= seconds) {
        return unauthorized("the token has expired");
      }
      for (const claim of ["nbf", "iat"]) {
        const value = claims[claim];
        if (value !== undefined && (typeof value !== "number" || value > seconds)) {
          return unauthorized(`the token's ${claim} is not before the current time`);
        }
      }

      const tokenScopes = scopesOf(claims);
      if (scopes.length > 0 && !tokenScopes.some((scope) => scopes.includes(scope))) {
        return {
          status: 403,
          body: { message: "Forbidden" },
          headers: {
            "www-authenticate": `Bearer scope="${scopes.join(" ")}" error="insufficient_scope" error_description="the token does not have a scope of the route"`,
          },
        };
      }
      const flattened = Object.fromEntries(
        Object.entries(claims).map(([name, value]) => [name, flattenClaim(value)]),
      );
      return { claims: flattened, scopes: scopes.length > 0 ? tokenScopes : null };
    },
  };
}

function signatureValid(hash: string, [header, payload, signature]: string[], jwk: JsonWebKey) {
  try {
    const key = createPublicKey({ key: jwk, format: "jwk" });
    return verify(
      hash,
      Buffer.from(`${header}.${payload}`),
      key,
      Buffer.from(signature, "base64url"),
    );
  } catch {
    return false;
  }
}

/** The token's scopes: `scope` is space-separated (RFC 8693); `scp` a list or a string. */
function scopesOf(claims: Record<string, unknown>): string[] {
  const value = claims.scope ?? claims.scp;
  if (Array.isArray(value))
    return value.filter((scope): scope is string => typeof scope === "string");
  return typeof value === "string" ? value.split(" ").filter((scope) => scope !== "") : [];
}

/**
 * A claim as the authorizer passes it to a payload 2.0 Lambda: strings as they are,
 * numbers and booleans as their text (`"exp": "1612061676"`, as awsdocs'
 * amazon-api-gateway-developer-guide issue 113 shows), and a list as its entries
 * between brackets, separated by spaces (`["a","b"]` → `"[a b]"`), the form
 * functions/licenseToken/entitlement.ts's `claimEntries` reads. AWS documents none of
 * this; objects (no claim here has one) are passed as their JSON, a guess.
 */
export function flattenClaim(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(flattenClaim).join(" ")}]`;
  return JSON.stringify(value);
}
