/**
 * CloudFront signed cookies: the signing algorithm against the openssl command line,
 * and the session route of the token function.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { createServiceHandler } from "../functions/licenseToken/handler";
import { createKeyStore, parseKeys } from "../functions/licenseToken/keys";
import { readTokenServiceEnvironment } from "../functions/licenseToken/environment";
import {
  cloudFrontBase64,
  COOKIE_ATTRIBUTES,
  customPolicy,
  fromCloudFrontBase64,
  isKeyPair,
  assetResource,
  setCookieHeaders,
  SignedCookieError,
  signedCookies,
  SignedCookiesInput,
  validatePublicKeyPem,
} from "../shared/signedCookies";
import { CapturedOutput, startCapture } from "./support/logCapture";
import { TEST_ACCESS_KEY, TEST_SITE_ID, TEST_SITE_KEY } from "./support/pallyCon";
import {
  checkSignedCookies,
  opensslKeyPair,
  PemKeyPair,
  TEST_KEY_PAIR_ID,
} from "./support/playerCookies";

const DOMAIN = "d111111abcdef8.cloudfront.net";
const RESOURCE = `https://${DOMAIN}/*`;
/** 2026-01-01T00:00:00Z. */
const EXPIRES = new Date(Date.UTC(2026, 0, 1));

/** Runs openssl with files in a scratch folder; returns stdout. */
function openssl(files: Record<string, string | Buffer>, args: string[]): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), "cf-openssl-"));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(path.join(dir, name), content);
    }
    // stderr is piped: a refused verification is an expected outcome, not noise.
    return execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CloudFront's documented pipeline: `openssl dgst -sign | openssl base64 -A | tr '+=/' '-_~'`. */
function opensslSignature(policy: string, privateKeyPem: string, digest: "sha1" | "sha256") {
  const raw = openssl({ "policy.json": policy, "key.pem": privateKeyPem }, [
    "dgst",
    `-${digest}`,
    "-sign",
    "key.pem",
    "policy.json",
  ]);
  return raw.toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~");
}

/** Whether `openssl dgst -verify` accepts a signature. */
function opensslVerifies(
  policy: string,
  publicKeyPem: string,
  signature: Buffer,
  digest: "sha1" | "sha256",
): boolean {
  try {
    const out = openssl({ "policy.json": policy, "pub.pem": publicKeyPem, "sig.bin": signature }, [
      "dgst",
      `-${digest}`,
      "-verify",
      "pub.pem",
      "-signature",
      "sig.bin",
      "policy.json",
    ]);
    return /Verified OK/.test(out.toString());
  } catch {
    return false;
  }
}

describe("CloudFront signed cookies: the algorithm", function () {
  this.timeout(30_000);
  let rsa: PemKeyPair;
  let ec: PemKeyPair;
  const input = (change: Partial<SignedCookiesInput> = {}): SignedCookiesInput => ({
    resource: RESOURCE,
    expires: EXPIRES,
    keyPairId: TEST_KEY_PAIR_ID,
    privateKeyPem: rsa.privateKeyPem,
    ...change,
  });

  before(() => {
    rsa = opensslKeyPair("rsa2048");
    ec = opensslKeyPair("p256");
  });

  it("writes the custom policy with CloudFront's field names and order, and no whitespace", () => {
    assert.equal(
      customPolicy(RESOURCE, EXPIRES),
      `{"Statement":[{"Resource":"https://${DOMAIN}/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767225600}}}]}`,
    );
    assert.doesNotMatch(customPolicy(RESOURCE, EXPIRES), /\s/);
  });

  it("puts the expiry in whole seconds, rounded down", () => {
    const policy = customPolicy(RESOURCE, new Date(EXPIRES.getTime() + 999));
    assert.equal(
      JSON.parse(policy).Statement[0].Condition.DateLessThan["AWS:EpochTime"],
      1767225600,
    );
  });

  it("encodes the policy as openssl base64 does, with CloudFront's substitutions", () => {
    const cookies = signedCookies(input());
    const policy = customPolicy(RESOURCE, EXPIRES);
    const expected = openssl({ "policy.json": policy }, ["base64", "-A", "-in", "policy.json"])
      .toString()
      .trim()
      .replace(/\+/g, "-")
      .replace(/=/g, "_")
      .replace(/\//g, "~");
    assert.equal(cookies["CloudFront-Policy"], expected);
    assert.equal(fromCloudFrontBase64(cookies["CloudFront-Policy"]).toString(), policy);
  });

  it("replaces +, = and / with -, _ and ~, and nothing else", () => {
    // 0xfb 0xff 0xbf is "+/+/" in base64; one byte more leaves "==" of padding.
    const bytes = Buffer.from([0xfb, 0xef, 0xbe, 0xff]);
    assert.equal(bytes.toString("base64"), "++++/w==");
    assert.equal(cloudFrontBase64(bytes), "----~w__");
    assert.deepEqual(fromCloudFrontBase64("----~w__"), bytes);
  });

  it("signs with RSA SHA-256 exactly as `openssl dgst -sha256 -sign` does", () => {
    const cookies = signedCookies(input());
    const policy = customPolicy(RESOURCE, EXPIRES);
    assert.equal(
      cookies["CloudFront-Signature"],
      opensslSignature(policy, rsa.privateKeyPem, "sha256"),
    );
    assert.equal(cookies["CloudFront-Hash-Algorithm"], "SHA256");
  });

  it("signs with RSA SHA-1 exactly as `openssl dgst -sha1 -sign` does, without the hash algorithm cookie", () => {
    const cookies = signedCookies(input({ hashAlgorithm: "SHA1" }));
    const policy = customPolicy(RESOURCE, EXPIRES);
    assert.equal(
      cookies["CloudFront-Signature"],
      opensslSignature(policy, rsa.privateKeyPem, "sha1"),
    );
    assert.equal(cookies["CloudFront-Hash-Algorithm"], undefined);
  });

  it("makes signatures `openssl dgst -verify` accepts with the public key, RSA and ECDSA", () => {
    for (const [keys, hashAlgorithm, digest] of [
      [rsa, "SHA256", "sha256"],
      [rsa, "SHA1", "sha1"],
      [ec, "SHA256", "sha256"],
      [ec, "SHA1", "sha1"],
    ] as const) {
      const cookies = signedCookies(input({ privateKeyPem: keys.privateKeyPem, hashAlgorithm }));
      const policy = fromCloudFrontBase64(cookies["CloudFront-Policy"]).toString();
      const signature = fromCloudFrontBase64(cookies["CloudFront-Signature"]);
      assert.ok(opensslVerifies(policy, keys.publicKeyPem, signature, digest), digest);
      const other = opensslKeyPair("rsa2048");
      assert.ok(!opensslVerifies(policy, other.publicKeyPem, signature, digest), "another key");
    }
  });

  it("passes CloudFront's check for URLs under the resource until it expires", () => {
    const cookies = signedCookies(input());
    const keys = { [TEST_KEY_PAIR_ID]: rsa.publicKeyPem };
    const check = (url: string, now: Date) => checkSignedCookies({ cookies, url, keys, now });
    const before = new Date(EXPIRES.getTime() - 1000);
    assert.equal(check(`https://${DOMAIN}/uploads/a/hls/index.m3u8`, before), undefined);
    assert.equal(check(`https://${DOMAIN}/uploads/a/asset.json`, before), undefined);
    assert.equal(check(`https://other.example.com/uploads/a/asset.json`, before), "resource");
    assert.equal(check(`https://${DOMAIN}/uploads/a/asset.json`, EXPIRES), "expired");
  });

  it("sends the cookie names CloudFront reads, in its order", () => {
    assert.deepEqual(Object.keys(signedCookies(input())), [
      "CloudFront-Policy",
      "CloudFront-Signature",
      "CloudFront-Key-Pair-Id",
      "CloudFront-Hash-Algorithm",
    ]);
    assert.equal(signedCookies(input())["CloudFront-Key-Pair-Id"], TEST_KEY_PAIR_ID);
  });

  it("sets each cookie Secure, HttpOnly and SameSite=Strict on the whole host, for the browser session only", () => {
    const headers = setCookieHeaders(signedCookies(input()));
    assert.equal(headers.length, 4);
    assert.equal(COOKIE_ATTRIBUTES, "Path=/; Secure; HttpOnly; SameSite=Strict");
    for (const header of headers) {
      assert.match(
        header,
        /^CloudFront-[A-Za-z-]+=[A-Za-z0-9_~-]+; Path=\/; Secure; HttpOnly; SameSite=Strict$/,
      );
      assert.doesNotMatch(header, /Domain=|Expires=|Max-Age=/i);
    }
  });

  it("grants one asset's folder, percent-encoded as the player requests it, never the whole domain", () => {
    assert.equal(
      assetResource(DOMAIN, "trailers/My Movie.mp4"),
      `https://${DOMAIN}/trailers/My%20Movie.mp4/*`,
    );
    assert.equal(
      assetResource(DOMAIN, "Café/a@b;c=d,e (1).mp4"),
      `https://${DOMAIN}/Caf%C3%A9/a%40b%3Bc%3Dd%2Ce%20(1).mp4/*`,
    );
    assert.equal(assetResource(DOMAIN, "odd/__~0a1b2c3d"), `https://${DOMAIN}/odd/__~0a1b2c3d/*`);
    assert.throws(() => assetResource(DOMAIN, ""), /resource must name an asset folder/);
    assert.throws(() => assetResource(DOMAIN, "a/*"), /resource must name an asset folder/);
  });

  describe("validation", () => {
    const invalid: Array<[string, () => Partial<SignedCookiesInput>, RegExp]> = [
      [
        "a key that is not PEM",
        () => ({ privateKeyPem: "not a key" }),
        /^privateKeyPem is not a PEM private key$/,
      ],
      [
        "an RSA 1024 key",
        () => ({ privateKeyPem: opensslKeyPair("rsa1024").privateKeyPem }),
        /^privateKeyPem must be an RSA 2048 or ECDSA P-256 key$/,
      ],
      [
        "a P-384 key",
        () => ({ privateKeyPem: opensslKeyPair("p384").privateKeyPem }),
        /^privateKeyPem must be an RSA 2048/,
      ],
      [
        "a public key given as the private key",
        () => ({ privateKeyPem: rsa.publicKeyPem }),
        /^privateKeyPem is not a PEM private key$/,
      ],
      [
        "a lower-case key pair id",
        () => ({ keyPairId: "k2jcjmdehxqw5f" }),
        /^keyPairId must be a CloudFront public key id/,
      ],
      ["a key pair id with a separator", () => ({ keyPairId: "K2JC;Path=/" }), /^keyPairId/],
      [
        "a resource that is not a URL",
        () => ({ resource: "d111111abcdef8.cloudfront.net/*" }),
        /^resource must be an http\(s\) URL/,
      ],
      ["a resource with a space", () => ({ resource: "https://a.example.com/a b" }), /^resource/],
      [
        "an invalid date",
        () => ({ expires: new Date(Number.NaN) }),
        /^expires must be a valid Date/,
      ],
      [
        "an unknown hash algorithm",
        () => ({ hashAlgorithm: "MD5" as never }),
        /^hashAlgorithm must be one of SHA1, SHA256$/,
      ],
    ];
    for (const [what, change, message] of invalid) {
      it(`refuses ${what}, naming the field`, () => {
        assert.throws(
          () => signedCookies(input(change())),
          (error: Error) => {
            assert.ok(error instanceof SignedCookieError);
            assert.match(error.message, message);
            return true;
          },
        );
      });
    }

    it("never quotes the key in an error", () => {
      const broken = rsa.privateKeyPem.replace(/[A-Za-z]{10}/, "!!!!!!!!!!");
      assert.throws(
        () => signedCookies(input({ privateKeyPem: broken })),
        (error: Error) =>
          !error.message.includes(broken.split("\n")[1]) && !/BEGIN/.test(error.message),
      );
    });

    it("checks a public key for the key group, and whether a private key matches it", () => {
      validatePublicKeyPem(rsa.publicKeyPem, "publicKeyPem");
      validatePublicKeyPem(ec.publicKeyPem, "publicKeyPem");
      assert.throws(
        () => validatePublicKeyPem("nope", "publicKeyPem"),
        /^Error: publicKeyPem is not a PEM public key$/,
      );
      assert.throws(
        () => validatePublicKeyPem(opensslKeyPair("rsa1024").publicKeyPem, "publicKeyPem"),
        /publicKeyPem must be an RSA 2048 or ECDSA P-256 key/,
      );
      assert.throws(
        () => validatePublicKeyPem(rsa.privateKeyPem, "publicKeyPem"),
        (error: Error) =>
          /^publicKeyPem holds a private key/.test(error.message) &&
          !error.message.includes(rsa.privateKeyPem.split("\n")[1]),
      );
      assert.equal(isKeyPair(rsa.privateKeyPem, rsa.publicKeyPem), true);
      assert.equal(isKeyPair(rsa.privateKeyPem, ec.publicKeyPem), false);
      assert.equal(isKeyPair("nope", rsa.publicKeyPem), false);
    });
  });
});

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:vod-tokens-keys-AbCdEf";
const SESSION_SECONDS = 3600;
const NOW = new Date("2026-11-20T10:20:30.250Z");
const ENVIRONMENT = {
  PALLYCON_SECRET_ARN: SECRET_ARN,
  PALLYCON_SITE_ID: TEST_SITE_ID,
  CLOUDFRONT_KEY_PAIR_ID: TEST_KEY_PAIR_ID,
  PLAYBACK_DOMAIN: DOMAIN,
  SESSION_SECONDS: String(SESSION_SECONDS),
  // Entitlements have tests of their own (licenseToken.entitlement.test.ts).
  ENTITLEMENT_GRANT_ALL: "true",
};
/** The asset sessions are asked for, and the folder its outputs are in. */
const ASSET = "uploads/movie.mp4";

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A request as API Gateway passes it on once the JWT authorizer has accepted the caller. */
function apiRequest(
  routeKey: string,
  { sub = "user-123" as string | null, body = JSON.stringify({ asset: ASSET }) } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const claims: Record<string, string> = {
    iss: "https://issuer.example.com/",
    aud: "player",
    exp: String(Math.floor(NOW.getTime() / 1000) + 3600),
  };
  if (sub !== null) claims.sub = sub;
  const [method, rawPath] = routeKey.split(" ");
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString: "",
    headers: {},
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: "req-1",
      routeKey,
      http: { method, path: rawPath },
      authorizer: { principalId: "", integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

describe("license token service: the session route", function () {
  this.timeout(30_000);
  const secretsManager = mockClient(SecretsManagerClient);
  let keys: PemKeyPair;
  let secretString: string;
  const logLines: string[] = [];
  const issuedCookies: string[] = [];
  let capture: (CapturedOutput & { stop(): void }) | undefined;

  function freshHandler(env: Record<string, string | undefined> = ENVIRONMENT): Handler {
    const settings = readTokenServiceEnvironment(env);
    const store = createKeyStore(new SecretsManagerClient({ region: "us-east-1" }), SECRET_ARN);
    const handler = createServiceHandler({ settings, keys: store, now: () => NOW });
    return async (event) => {
      const response = await handler(event);
      issuedCookies.push(...(response.cookies ?? []).map((c) => c.split(";")[0].split("=")[1]));
      return response;
    };
  }
  const cookiesOf = (response: APIGatewayProxyStructuredResultV2) =>
    Object.fromEntries(
      (response.cookies ?? []).map((cookie) => {
        const [pair] = cookie.split(";");
        const index = pair.indexOf("=");
        return [pair.slice(0, index), pair.slice(index + 1)];
      }),
    );

  before(() => {
    keys = opensslKeyPair("rsa2048");
    secretString = JSON.stringify({
      siteKey: TEST_SITE_KEY,
      accessKey: TEST_ACCESS_KEY,
      cloudFrontPrivateKey: keys.privateKeyPem,
    });
  });
  beforeEach(() => {
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString });
    capture = startCapture();
  });
  afterEach(() => {
    capture?.stop();
    logLines.push(...(capture?.raw ?? []));
    capture = undefined;
  });
  after(() => secretsManager.restore());

  it("answers 204 with the signed cookies for the asset's folder, as Set-Cookie values", async () => {
    const response = await freshHandler()(apiRequest("POST /session"));
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, undefined);
    assert.equal(response.headers?.["Cache-Control"], "no-store");
    assert.equal(response.cookies?.length, 4);
    for (const cookie of response.cookies ?? [])
      assert.ok(cookie.endsWith(`; ${COOKIE_ATTRIBUTES}`));
    const cookies = cookiesOf(response);
    const verdict = checkSignedCookies({
      cookies,
      url: `https://${DOMAIN}/uploads/movie.mp4/hls/index.m3u8`,
      keys: { [TEST_KEY_PAIR_ID]: keys.publicKeyPem },
      now: NOW,
    });
    assert.equal(verdict, undefined);
    const elsewhere = checkSignedCookies({
      cookies,
      url: `https://${DOMAIN}/uploads/other.mp4/hls/index.m3u8`,
      keys: { [TEST_KEY_PAIR_ID]: keys.publicKeyPem },
      now: NOW,
    });
    assert.ok(elsewhere, "another asset's media is not granted");
  });

  it("grants https://<playback domain>/<asset folder>/* until now + the session lifetime", async () => {
    const cookies = cookiesOf(await freshHandler()(apiRequest("POST /session")));
    const policy = JSON.parse(fromCloudFrontBase64(cookies["CloudFront-Policy"]).toString());
    assert.deepEqual(policy, {
      Statement: [
        {
          Resource: `https://${DOMAIN}/uploads/movie.mp4/*`,
          Condition: {
            DateLessThan: { "AWS:EpochTime": Math.floor(NOW.getTime() / 1000) + SESSION_SECONDS },
          },
        },
      ],
    });
  });

  it("reads the private key from the secret, never from the environment", async () => {
    await freshHandler()(apiRequest("POST /session"));
    const [call] = secretsManager.commandCalls(GetSecretValueCommand);
    assert.equal(call.args[0].input.SecretId, SECRET_ARN);
    assert.ok(!JSON.stringify(ENVIRONMENT).includes("PRIVATE KEY"));
  });

  it("refuses a caller without a sub claim with 401, without reading the secret", async () => {
    const response = await freshHandler()(apiRequest("POST /session", { sub: null }));
    assert.equal(response.statusCode, 401);
    assert.equal(response.cookies, undefined);
    assert.match(JSON.parse(String(response.body)).error, /sub claim/);
    assert.equal(secretsManager.commandCalls(GetSecretValueCommand).length, 0);
  });

  it("refuses a body that names no asset with 400, without reading the secret", async () => {
    for (const body of ["", "{}", '{"asset":""}', '{"asset":7}', "[1]", "null"]) {
      const response = await freshHandler()(apiRequest("POST /session", { body }));
      assert.equal(response.statusCode, 400, body);
      assert.match(JSON.parse(String(response.body)).error, /"asset"/);
    }
    assert.equal(secretsManager.commandCalls(GetSecretValueCommand).length, 0);
  });

  it("answers 500 when the secret holds no private key, or Secrets Manager fails", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ siteKey: TEST_SITE_KEY, accessKey: TEST_ACCESS_KEY }),
    });
    const missing = await freshHandler()(apiRequest("POST /session"));
    assert.equal(missing.statusCode, 500);
    assert.deepEqual(JSON.parse(String(missing.body)), {
      error: "The playback session could not be started",
    });
    secretsManager.on(GetSecretValueCommand).rejects(new Error("AccessDeniedException"));
    const denied = await freshHandler()(apiRequest("POST /session"));
    assert.equal(denied.statusCode, 500);
    assert.ok(
      capture!.logs.some(
        (l) => l.message === "session not started" && /AccessDenied/.test(l.error),
      ),
    );
  });

  it("answers 500 when the private key is not one CloudFront accepts", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        siteKey: TEST_SITE_KEY,
        accessKey: TEST_ACCESS_KEY,
        cloudFrontPrivateKey: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n",
      }),
    });
    const response = await freshHandler()(apiRequest("POST /session"));
    assert.equal(response.statusCode, 500);
  });

  it("still issues license tokens on POST /token", async () => {
    const response = await freshHandler()(
      apiRequest("POST /token", { body: JSON.stringify({ cid: "movie", drmType: "Widevine" }) }),
    );
    assert.equal(response.statusCode, 200);
    assert.equal(response.cookies, undefined);
    assert.ok(JSON.parse(String(response.body)).token);
  });

  it("counts started, refused and failed sessions as embedded metrics", async () => {
    await freshHandler()(apiRequest("POST /session"));
    await freshHandler()(apiRequest("POST /session", { sub: null }));
    secretsManager.on(GetSecretValueCommand).rejects(new Error("Throttling"));
    await freshHandler()(apiRequest("POST /session"));
    assert.deepEqual(
      capture!.metrics.map((m) => Object.keys(m).filter((k) => !["_aws", "service"].includes(k))),
      [["SessionsStarted"], ["SessionsRefused"], ["SessionsFailed"]],
    );
  });

  describe("settings", () => {
    it("reads the key pair id, the playback domain and the lifetime from the environment", () => {
      assert.deepEqual(readTokenServiceEnvironment(ENVIRONMENT).signedCookies, {
        keyPairId: TEST_KEY_PAIR_ID,
        playbackDomain: DOMAIN,
        sessionSeconds: SESSION_SECONDS,
      });
    });

    it("issues no cookies when none of the variables is set", () => {
      const {
        CLOUDFRONT_KEY_PAIR_ID,
        PLAYBACK_DOMAIN,
        SESSION_SECONDS: _,
        ...tokensOnly
      } = ENVIRONMENT;
      assert.equal(readTokenServiceEnvironment(tokensOnly).signedCookies, undefined);
    });

    const invalid: Array<[string, Record<string, string | undefined>, RegExp]> = [
      [
        "a missing key pair id",
        { CLOUDFRONT_KEY_PAIR_ID: undefined },
        /CLOUDFRONT_KEY_PAIR_ID is not set/,
      ],
      ["a missing playback domain", { PLAYBACK_DOMAIN: undefined }, /PLAYBACK_DOMAIN is not set/],
      ["a missing lifetime", { SESSION_SECONDS: undefined }, /SESSION_SECONDS is not set/],
      [
        "a lower-case key pair id",
        { CLOUDFRONT_KEY_PAIR_ID: "k1" },
        /CLOUDFRONT_KEY_PAIR_ID is invalid/,
      ],
      [
        "a URL as the domain",
        { PLAYBACK_DOMAIN: `https://${DOMAIN}` },
        /PLAYBACK_DOMAIN is invalid/,
      ],
      [
        "a lifetime under a minute",
        { SESSION_SECONDS: "30" },
        /SESSION_SECONDS is invalid: not a whole number of seconds from 60 to 604800/,
      ],
      ["a fractional lifetime", { SESSION_SECONDS: "90.5" }, /SESSION_SECONDS is invalid/],
    ];
    for (const [what, change, message] of invalid) {
      it(`fails at cold start on ${what}, naming the variable`, () => {
        assert.throws(() => readTokenServiceEnvironment({ ...ENVIRONMENT, ...change }), message);
      });
    }

    it("reads the private key from the secret's JSON, and refuses a non-string one", () => {
      assert.equal(parseKeys(secretString).cloudFrontPrivateKey, keys.privateKeyPem);
      assert.equal(
        parseKeys(JSON.stringify({ siteKey: "s", accessKey: "a" })).cloudFrontPrivateKey,
        undefined,
      );
      assert.throws(
        () => parseKeys(JSON.stringify({ siteKey: "s", accessKey: "a", cloudFrontPrivateKey: 1 })),
        /^Error: The secret's cloudFrontPrivateKey is not a PEM string$/,
      );
    });
  });

  it("never logs the private key, the secret or a cookie", () => {
    assert.ok(logLines.length > 5, "the handler logged its decisions");
    assert.ok(issuedCookies.length >= 8, "cookies were issued");
    const keyBody = keys.privateKeyPem.split("\n")[1];
    for (const line of logLines) {
      for (const value of [keyBody, secretString, ...issuedCookies.filter((c) => c.length > 20)]) {
        assert.ok(!line.includes(value), `a log line leaks: ${line}`);
      }
    }
  });
});
