/**
 * CloudFront signed cookies with a custom policy: what the token service hands a
 * signed-in viewer so that CloudFront serves the protected media to that browser.
 * Pure: the same input always gives the same cookies.
 *
 * policy    = {"Statement":[{"Resource":"<url>","Condition":{"DateLessThan":{"AWS:EpochTime":<s>}}}]}
 *             (no whitespace)
 * signature = sign(policy, private key, SHA-256), RSA PKCS#1 v1.5 or ECDSA (DER)
 * cookies   = CloudFront-Policy=b64(policy), CloudFront-Signature=b64(signature),
 *             CloudFront-Key-Pair-Id=<public key id>, CloudFront-Hash-Algorithm=SHA256
 * b64       = base64 with `+` → `-`, `=` → `_`, `/` → `~`
 *
 * CloudFront accepts SHA-1 or SHA-256 signatures; without the `CloudFront-Hash-Algorithm`
 * cookie it assumes SHA-1. SHA-256 is the default here.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-signed-cookies.html
 */
import { createPrivateKey, createPublicKey, KeyObject, sign } from "node:crypto";

/** The hash algorithms CloudFront accepts for signed cookies, as its cookie spells them. */
/** The shortest and longest session the service issues: a minute, and a week. */
export const SESSION_SECONDS_RANGE = { min: 60, max: 7 * 24 * 60 * 60 } as const;

export const HASH_ALGORITHMS = ["SHA1", "SHA256"] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** The cookie names CloudFront reads (case-sensitive). */
export const COOKIE_NAMES = {
  policy: "CloudFront-Policy",
  signature: "CloudFront-Signature",
  keyPairId: "CloudFront-Key-Pair-Id",
  hashAlgorithm: "CloudFront-Hash-Algorithm",
} as const;

/**
 * CloudFront public key ids are upper-case letters and digits (`K2JCJMDEHXQW5F`).
 * Nothing else may go into a cookie value unescaped anyway.
 */
export const KEY_PAIR_ID_PATTERN = /^[A-Z0-9]{1,128}$/;

/** What one set of signed cookies grants. */
export interface SignedCookiesInput {
  /**
   * The URL the policy grants, with `*` wildcards: `https://<playback domain>/*` for
   * everything the distribution serves to this browser.
   */
  readonly resource: string;
  /** When CloudFront stops accepting the cookies (to the second). */
  readonly expires: Date;
  /** The CloudFront public key's id, in the distribution's trusted key group. */
  readonly keyPairId: string;
  /** Secret: the private key of that public key, PEM (RSA 2048 or ECDSA P-256). */
  readonly privateKeyPem: string;
  /** @default "SHA256" */
  readonly hashAlgorithm?: HashAlgorithm;
}

/** The cookies, by name, in the order CloudFront's documentation lists them. */
export type SignedCookies = Readonly<Record<string, string>>;

/** A signing input that breaks CloudFront's rules. Names the field, never its value. */
export class SignedCookieError extends Error {
  constructor(
    public readonly field: keyof SignedCookiesInput,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = "SignedCookieError";
  }
}

/**
 * The custom policy statement, exactly as it is signed: CloudFront's field names and
 * order, and no whitespace anywhere.
 */
export function customPolicy(resource: string, expires: Date): string {
  const policy = {
    Statement: [
      {
        Resource: resource,
        Condition: { DateLessThan: { "AWS:EpochTime": epochSeconds(expires) } },
      },
    ],
  };
  // JSON.stringify without indentation adds no whitespace; a resource holds none.
  return JSON.stringify(policy);
}

/** Base64 with the three substitutions CloudFront makes cookie- and URL-safe. */
export function cloudFrontBase64(data: Buffer | string): string {
  return Buffer.from(data)
    .toString("base64")
    .replace(/\+/g, "-")
    .replace(/=/g, "_")
    .replace(/\//g, "~");
}

/** The inverse of {@link cloudFrontBase64}. */
export function fromCloudFrontBase64(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");
}

/**
 * The signed cookies for one viewer. Throws a {@link SignedCookieError} naming the
 * first invalid field; an error never quotes the key.
 */
export function signedCookies(input: SignedCookiesInput): SignedCookies {
  const { resource, expires, keyPairId, privateKeyPem, hashAlgorithm = "SHA256" } = input;
  validateResource(resource);
  if (!(expires instanceof Date) || Number.isNaN(expires.getTime()) || expires.getTime() < 0) {
    throw new SignedCookieError("expires", "must be a valid Date after 1970");
  }
  if (typeof keyPairId !== "string" || !KEY_PAIR_ID_PATTERN.test(keyPairId)) {
    throw new SignedCookieError(
      "keyPairId",
      "must be a CloudFront public key id (upper-case letters and digits)",
    );
  }
  if (!HASH_ALGORITHMS.includes(hashAlgorithm)) {
    throw new SignedCookieError("hashAlgorithm", `must be one of ${HASH_ALGORITHMS.join(", ")}`);
  }
  const key = signingKey(privateKeyPem);
  const policy = customPolicy(resource, expires);
  const digest = hashAlgorithm === "SHA256" ? "sha256" : "sha1";
  const signature = sign(digest, Buffer.from(policy, "utf8"), key);
  return {
    [COOKIE_NAMES.policy]: cloudFrontBase64(policy),
    [COOKIE_NAMES.signature]: cloudFrontBase64(signature),
    [COOKIE_NAMES.keyPairId]: keyPairId,
    // Without it CloudFront verifies with SHA-1, so it is only sent for SHA-256.
    ...(hashAlgorithm === "SHA256" ? { [COOKIE_NAMES.hashAlgorithm]: hashAlgorithm } : {}),
  };
}

/**
 * The attributes every cookie is set with:
 * - no Domain: the cookies go back only to the host that set them, the playback domain
 *   the session route is served on (a Domain would widen them to its subdomains);
 * - `Path=/`: the whole distribution, as the policy's resource;
 * - `Secure; HttpOnly`: never over plain HTTP, never readable by scripts;
 * - `SameSite=Strict`: never sent on requests other sites start.
 * No Expires or Max-Age: the browser drops them when it closes, as CloudFront advises;
 * the policy's DateLessThan is what CloudFront enforces.
 */
export const COOKIE_ATTRIBUTES = "Path=/; Secure; HttpOnly; SameSite=Strict";

/** One `Set-Cookie` value per cookie. */
export function setCookieHeaders(cookies: SignedCookies): string[] {
  return Object.entries(cookies).map(([name, value]) => `${name}=${value}; ${COOKIE_ATTRIBUTES}`);
}

/**
 * The resource that grants one asset's output folder on a host, and nothing else:
 * `https://<domain>/<folder>/*`. CloudFront matches the policy against the URL the
 * viewer requests, as it is sent: percent-encoded. Each segment of the folder is encoded
 * with `encodeURIComponent`, as the player encodes the asset's path when it builds the
 * URLs it fetches (player/src/request.ts): `trailers/My Movie.mp4` →
 * `https://<domain>/trailers/My%20Movie.mp4/*`. Output folders hold no `*` (see
 * outputPrefixFor), so the only wildcard is the last one.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html
 */
export function assetResource(playbackDomain: string, outputPrefix: string): string {
  if (outputPrefix === "" || outputPrefix.includes("*")) {
    throw new SignedCookieError("resource", "must name an asset folder without *");
  }
  return `https://${playbackDomain}/${encodeAssetPath(outputPrefix)}/*`;
}

/** An asset folder as a URL path: each segment percent-encoded, the slashes kept. */
export const encodeAssetPath = (outputPrefix: string): string =>
  outputPrefix.split("/").map(encodeURIComponent).join("/");

/**
 * Checks a PEM private key CloudFront can verify signatures of: RSA 2048 or ECDSA
 * P-256. Returns its key object; the error never quotes the PEM.
 */
export function signingKey(privateKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyPem, format: "pem" });
  } catch {
    throw new SignedCookieError("privateKeyPem", "is not a PEM private key");
  }
  if (!isCloudFrontKeyType(key)) {
    throw new SignedCookieError("privateKeyPem", "must be an RSA 2048 or ECDSA P-256 key");
  }
  return key;
}

/**
 * Whether CloudFront accepts this kind of key in a key group: RSA 2048 or ECDSA P-256.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
 */
export function isCloudFrontKeyType(key: KeyObject): boolean {
  const details = key.asymmetricKeyDetails ?? {};
  return (
    (key.asymmetricKeyType === "rsa" && details.modulusLength === 2048) ||
    (key.asymmetricKeyType === "ec" && details.namedCurve === "prime256v1")
  );
}

/**
 * Checks a PEM public key for a CloudFront key group. Throws a plain Error naming
 * `what` when it is not one CloudFront accepts.
 */
export function validatePublicKeyPem(publicKeyPem: string, what: string): void {
  // Node derives a public key from a private one: a private key here would be published.
  if (/PRIVATE KEY/.test(publicKeyPem)) {
    throw new Error(`${what} holds a private key: give the public key (BEGIN PUBLIC KEY)`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicKeyPem, format: "pem" });
  } catch {
    throw new Error(`${what} is not a PEM public key`);
  }
  if (!isCloudFrontKeyType(key)) throw new Error(`${what} must be an RSA 2048 or ECDSA P-256 key`);
}

/** Whether a private key is the other half of a public key (both PEM). */
export function isKeyPair(privateKeyPem: string, publicKeyPem: string): boolean {
  try {
    const derived = createPublicKey(createPrivateKey(privateKeyPem));
    const given = createPublicKey(publicKeyPem);
    const der = (k: KeyObject) => k.export({ type: "spki", format: "der" });
    return der(derived).equals(der(given));
  } catch {
    return false;
  }
}

function validateResource(resource: string): void {
  let url: URL | undefined;
  try {
    url = new URL(resource.replace(/\*/g, "x"));
  } catch {
    // Reported below.
  }
  if (!url || !["https:", "http:"].includes(url.protocol) || /\s/.test(resource)) {
    throw new SignedCookieError("resource", "must be an http(s) URL, with * wildcards only");
  }
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
