/**
 * A local identity provider: an RSA key pair that signs RS256 JWTs, and the OpenID
 * Connect discovery document and JWKS that API Gateway's JWT authorizer reads from
 * `<issuer>/.well-known/openid-configuration`. It serves nothing itself: whichever
 * local server answers the issuer's URL routes to {@link issuerDocument}.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html
 * @see https://www.rfc-editor.org/rfc/rfc7519 (JWT), rfc7517 (JWK), rfc7518 (RS256)
 */
import { generateKeyPairSync, JsonWebKey, randomUUID, sign } from "node:crypto";

/** A JSON Web Key Set, as `jwks_uri` answers it. */
export interface Jwks {
  readonly keys: readonly JsonWebKey[];
}

export interface JwtIssuer {
  /** The `iss` of every token: an https URL without query or fragment. */
  readonly issuer: string;
  /** The default `aud`. */
  readonly audience: string;
  /** The `kid` in every token's header, and of the one key in {@link jwks}. */
  readonly keyId: string;
  readonly jwksUri: string;
  /**
   * A signed RS256 JWT with `iss`, `aud`, `iat` and `exp` (one hour), plus `claims`,
   * which override those (a test makes an expired or foreign token this way).
   */
  sign(claims?: Record<string, unknown>, options?: { now?: Date }): string;
  jwks(): Jwks;
  openidConfiguration(): Record<string, unknown>;
}

/** How long a token is valid: an hour, as identity providers commonly issue access tokens. */
export const TOKEN_LIFETIME_SECONDS = 3600;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * Makes an issuer with a fresh 2048-bit RSA key. API Gateway accepts only an https
 * issuer URL without query or fragment, so anything else throws.
 */
export function createJwtIssuer({
  issuer,
  audience,
}: {
  issuer: string;
  audience: string;
}): JwtIssuer {
  const url = new URL(issuer);
  if (url.protocol !== "https:" || url.search !== "" || url.hash !== "") {
    throw new Error(`issuer must be an https URL without query or fragment, not ${issuer}`);
  }
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyId = randomUUID();
  const base = issuer.replace(/\/$/, "");
  const jwksUri = `${base}/.well-known/jwks.json`;
  return {
    issuer,
    audience,
    keyId,
    jwksUri,
    sign(claims = {}, { now = new Date() } = {}) {
      const iat = Math.floor(now.getTime() / 1000);
      const header = base64url({ alg: "RS256", typ: "JWT", kid: keyId });
      const payload = base64url({
        iss: issuer,
        aud: audience,
        iat,
        exp: iat + TOKEN_LIFETIME_SECONDS,
        ...claims,
      });
      const signature = sign("sha256", Buffer.from(`${header}.${payload}`), privateKey);
      return `${header}.${payload}.${signature.toString("base64url")}`;
    },
    jwks: () => ({
      keys: [{ ...publicKey.export({ format: "jwk" }), kid: keyId, use: "sig", alg: "RS256" }],
    }),
    openidConfiguration: () => ({
      issuer,
      jwks_uri: jwksUri,
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["token"],
      subject_types_supported: ["public"],
    }),
  };
}

/**
 * The issuer's document for a request path (`<issuer path>/.well-known/openid-configuration`
 * or `.../jwks.json`), or undefined when the path is neither.
 */
export function issuerDocument(issuer: JwtIssuer, pathname: string): object | undefined {
  const base = new URL(issuer.issuer).pathname.replace(/\/$/, "");
  if (pathname === `${base}/.well-known/openid-configuration`) {
    return issuer.openidConfiguration();
  }
  if (pathname === new URL(issuer.jwksUri).pathname) return issuer.jwks();
  return undefined;
}
