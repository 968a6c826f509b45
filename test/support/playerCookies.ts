/**
 * Key pairs for CloudFront signed cookies, made with the openssl command line (not
 * with the code under test), and CloudFront's check of a signed cookie, done the way
 * CloudFront documents it, for the local stand-ins of the distribution.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html
 */
import { execFileSync } from "node:child_process";
import { verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A key pair as PEM text. */
export interface PemKeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/** A placeholder CloudFront public key id for tests. */
export const TEST_KEY_PAIR_ID = "K2JCJMDEHXQW5F";

/** `genpkey` options per key kind. */
const KEY_OPTIONS = {
  rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  rsa1024: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
  p256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
} as const;

/** Makes a key pair with `openssl genpkey` and `openssl pkey -pubout`. */
export function opensslKeyPair(kind: keyof typeof KEY_OPTIONS = "rsa2048"): PemKeyPair {
  const dir = mkdtempSync(path.join(tmpdir(), "cf-keys-"));
  try {
    const privatePath = path.join(dir, "private.pem");
    execFileSync("openssl", ["genpkey", ...KEY_OPTIONS[kind], "-out", privatePath], {
      stdio: "ignore",
    });
    const publicKeyPem = execFileSync("openssl", ["pkey", "-in", privatePath, "-pubout"], {
      encoding: "utf8",
    });
    return { privateKeyPem: readFileSync(privatePath, "utf8"), publicKeyPem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses a `Cookie` request header into name → value. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}

/** Why CloudFront would refuse a request, or undefined when it would serve it. */
export type CookieVerdict = undefined | "missing" | "key" | "signature" | "resource" | "expired";

const decode = (text: string) =>
  Buffer.from(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");

/** `*` matches any run of characters, everything else itself. */
const wildcard = (pattern: string) =>
  new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * CloudFront's check of a custom-policy signed cookie for one request: the three
 * cookies present, the key pair id one of the key group's, the signature valid for the
 * policy under that public key (SHA-1 unless `CloudFront-Hash-Algorithm` says SHA256),
 * the request URL matching the policy's Resource, and the time before DateLessThan.
 */
export function checkSignedCookies(args: {
  cookies: Record<string, string>;
  url: string;
  keys: Record<string, string>;
  now?: Date;
}): CookieVerdict {
  const { cookies, url, keys, now = new Date() } = args;
  const policyText = cookies["CloudFront-Policy"];
  const signature = cookies["CloudFront-Signature"];
  const keyPairId = cookies["CloudFront-Key-Pair-Id"];
  if (!policyText || !signature || !keyPairId) return "missing";
  const publicKeyPem = keys[keyPairId];
  if (!publicKeyPem) return "key";
  const algorithm = cookies["CloudFront-Hash-Algorithm"] === "SHA256" ? "sha256" : "sha1";
  const policy = decode(policyText);
  if (!verify(algorithm, policy, publicKeyPem, decode(signature))) return "signature";
  const statement = JSON.parse(policy.toString("utf8")).Statement[0];
  if (!wildcard(statement.Resource).test(url)) return "resource";
  const expires = statement.Condition.DateLessThan["AWS:EpochTime"];
  if (!(now.getTime() / 1000 < expires)) return "expired";
  return undefined;
}
