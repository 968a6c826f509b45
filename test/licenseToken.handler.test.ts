import * as assert from "node:assert/strict";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { createTokenHandler } from "../functions/licenseToken/handler";
import { createKeyStore, KEY_CACHE_TTL_MS } from "../functions/licenseToken/keys";
import { DEFAULT_LICENSE_POLICY, parseLicensePolicy } from "../shared/pallyCon";
import { MAX_BODY_BYTES } from "../functions/licenseToken/request";
import { readTokenServiceEnvironment } from "../functions/licenseToken/environment";
import { CapturedOutput, startCapture } from "./support/logCapture";
import { setEnvironment } from "./support/processEnvironment";
import {
  decodeToken,
  opensslLicenseToken,
  TEST_ACCESS_KEY,
  TEST_SITE_ID,
  TEST_SITE_KEY,
} from "./support/pallyCon";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:vod-pallycon-AbCdEf";
const SECRET_STRING = JSON.stringify({ siteKey: TEST_SITE_KEY, accessKey: TEST_ACCESS_KEY });
const ENVIRONMENT = {
  PALLYCON_SECRET_ARN: SECRET_ARN,
  PALLYCON_SITE_ID: TEST_SITE_ID,
  LICENSE_POLICY: JSON.stringify({ persistent: false, licenseDurationSeconds: 3600 }),
  // Entitlements have tests of their own (licenseToken.entitlement.test.ts).
  ENTITLEMENT_GRANT_ALL: "true",
};
const NOW = new Date("2026-11-20T10:20:30.250Z");

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A request as API Gateway passes it on once the JWT authorizer has accepted the caller. */
function tokenRequest(
  body: unknown,
  { sub = "user-123" as string | null, isBase64Encoded = false } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const claims: Record<string, string> = {
    iss: "https://issuer.example.com/",
    aud: "player",
    // Far ahead: the tests move the clock forward by more than an hour.
    exp: String(Math.floor(NOW.getTime() / 1000) + 30 * 24 * 3600),
  };
  if (sub !== null) claims.sub = sub;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return {
    version: "2.0",
    routeKey: "POST /token",
    rawPath: "/token",
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    body: isBase64Encoded ? Buffer.from(text).toString("base64") : text,
    isBase64Encoded,
    requestContext: {
      requestId: "req-1",
      routeKey: "POST /token",
      http: { method: "POST", path: "/token" },
      authorizer: { principalId: "", integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const bodyOf = (response: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(String(response.body)) as Record<string, any>;

describe("license token service", () => {
  const secretsManager = mockClient(SecretsManagerClient);
  /** Every line the function printed (logs and metrics), across every test. */
  const logLines: string[] = [];
  const issuedTokens: string[] = [];
  let capture: (CapturedOutput & { stop(): void }) | undefined;

  /** A handler with its own key cache and a fixed clock; `clock.now` can be moved. */
  function freshHandler(clock = { now: NOW.getTime() }): Handler {
    const settings = readTokenServiceEnvironment(ENVIRONMENT);
    const keys = createKeyStore(new SecretsManagerClient({ region: "us-east-1" }), SECRET_ARN, {
      now: () => clock.now,
    });
    const handler = createTokenHandler({ settings, keys, now: () => new Date(clock.now) });
    return async (event) => {
      const response = await handler(event);
      if (response.statusCode === 200) issuedTokens.push(bodyOf(response).token);
      return response;
    };
  }

  let restoreEnvironment: () => void;
  before(() => {
    restoreEnvironment = setEnvironment({ ...ENVIRONMENT, AWS_REGION: "us-east-1" });
  });
  after(() => restoreEnvironment());
  beforeEach(() => {
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_STRING });
    capture = startCapture();
  });
  afterEach(() => {
    capture?.stop();
    logLines.push(...(capture?.raw ?? []));
    capture = undefined;
  });
  /** The lines printed so far in this test. */
  const linesOfThisTest = () => capture?.raw ?? [];
  after(() => secretsManager.restore());

  describe("issuing a token", () => {
    it("answers the deployed entry point with a token for the JWT's subject", async () => {
      const { handler } =
        require("../functions/licenseToken/index") as typeof import("../functions/licenseToken/index");
      const response = await handler(tokenRequest({ cid: "big-buck-bunny", drmType: "Widevine" }));
      assert.equal(response.statusCode, 200);
      const body = bodyOf(response);
      issuedTokens.push(body.token);
      assert.deepEqual(
        { drmType: body.drmType, cid: body.cid },
        { drmType: "Widevine", cid: "big-buck-bunny" },
      );
      const fields = decodeToken(body.token);
      assert.equal(fields.user_id, "user-123");
      assert.equal(fields.site_id, TEST_SITE_ID);
      assert.equal(fields.cid, "big-buck-bunny");
      assert.equal(fields.drm_type, "Widevine");
      const [call] = secretsManager.commandCalls(GetSecretValueCommand);
      assert.equal(call.args[0].input.SecretId, SECRET_ARN);
    });

    it("signs the token exactly as openssl does, with the configured policy", async () => {
      const response = await freshHandler()(
        tokenRequest({ cid: "trailer_2", drmType: "FairPlay" }, { sub: "auth0|abc" }),
      );
      const expected = opensslLicenseToken({
        drmType: "FairPlay",
        siteId: TEST_SITE_ID,
        siteKey: TEST_SITE_KEY,
        accessKey: TEST_ACCESS_KEY,
        userId: "auth0|abc",
        cid: "trailer_2",
        policyJson:
          '{"policy_version":2,"playback_policy":{"persistent":false,"license_duration":3600}}',
        timestamp: "2026-11-20T10:20:30Z",
      });
      assert.equal(bodyOf(response).token, expected);
    });

    it("says when PallyCon stops accepting the token: 600 s after its timestamp", async () => {
      const body = bodyOf(await freshHandler()(tokenRequest({ cid: "a", drmType: "PlayReady" })));
      assert.equal(body.expiresAt, "2026-11-20T10:30:30Z");
    });

    it("forbids any cache from keeping the answer", async () => {
      const response = await freshHandler()(tokenRequest({ cid: "a", drmType: "Widevine" }));
      assert.equal(response.headers?.["Cache-Control"], "no-store");
      assert.equal(response.headers?.["Content-Type"], "application/json");
    });

    it("takes the user from the JWT, never from the body", async () => {
      const response = await freshHandler()(
        tokenRequest({ cid: "a", drmType: "Widevine", userId: "admin", user_id: "admin" }),
      );
      assert.equal(decodeToken(bodyOf(response).token).user_id, "user-123");
    });

    it("reads a base64-encoded body", async () => {
      const response = await freshHandler()(
        tokenRequest({ cid: "a", drmType: "Widevine" }, { isBase64Encoded: true }),
      );
      assert.equal(response.statusCode, 200);
    });
  });

  describe("refusing a request", () => {
    const refusals: Array<[string, APIGatewayProxyEventV2WithJWTAuthorizer, number, RegExp]> = [
      ["a body that is not JSON", tokenRequest("cid=a&drmType=Widevine"), 400, /must be JSON/],
      ["an empty body", tokenRequest(""), 400, /must be JSON/],
      ["a JSON array", tokenRequest([{ cid: "a" }]), 400, /must be a JSON object/],
      ["a missing cid", tokenRequest({ drmType: "Widevine" }), 400, /^cid must be 1–200/],
      ["a cid with a path", tokenRequest({ cid: "../a", drmType: "Widevine" }), 400, /^cid /],
      [
        "a 201-character cid",
        tokenRequest({ cid: "a".repeat(201), drmType: "Widevine" }),
        400,
        /^cid /,
      ],
      ["a numeric cid", tokenRequest({ cid: 42, drmType: "Widevine" }), 400, /^cid /],
      [
        "a lower-case drmType",
        tokenRequest({ cid: "a", drmType: "widevine" }),
        400,
        /^drmType must be one of Widevine, PlayReady, FairPlay/,
      ],
      ["a missing drmType", tokenRequest({ cid: "a" }), 400, /^drmType /],
      [
        "a JWT without a sub claim",
        tokenRequest({ cid: "a", drmType: "Widevine" }, { sub: null }),
        401,
        /sub claim/,
      ],
      [
        "a blank sub claim",
        tokenRequest({ cid: "a", drmType: "Widevine" }, { sub: " " }),
        401,
        /sub claim/,
      ],
      [
        "an oversized body",
        tokenRequest({ cid: "a", drmType: "Widevine", pad: "x".repeat(MAX_BODY_BYTES) }),
        413,
        /larger than/,
      ],
    ];
    for (const [what, event, status, message] of refusals) {
      it(`answers ${what} with ${status} and a JSON error, without reading the secret`, async () => {
        const response = await freshHandler()(event);
        assert.equal(response.statusCode, status);
        assert.match(bodyOf(response).error, message);
        assert.equal(response.headers?.["Cache-Control"], "no-store");
        assert.equal(secretsManager.commandCalls(GetSecretValueCommand).length, 0);
      });
    }

    it("answers 500 when Secrets Manager fails, and logs why", async () => {
      secretsManager.on(GetSecretValueCommand).rejects(new Error("AccessDeniedException: denied"));
      const response = await freshHandler()(tokenRequest({ cid: "a", drmType: "Widevine" }));
      assert.equal(response.statusCode, 500);
      assert.deepEqual(bodyOf(response), { error: "The license token could not be issued" });
      const line = linesOfThisTest()
        .map((l) => JSON.parse(l))
        .find((l) => l.message === "token not issued");
      assert.match(line.error, /AccessDeniedException/);
      assert.equal(line.level, "ERROR");
      assert.equal(line.service, "licenseToken");
    });

    it("answers 500 when the secret is not the expected JSON, without quoting it", async () => {
      for (const SecretString of [
        "siteKey=" + TEST_SITE_KEY,
        JSON.stringify({ siteKey: TEST_SITE_KEY }),
      ]) {
        secretsManager.on(GetSecretValueCommand).resolves({ SecretString });
        const response = await freshHandler()(tokenRequest({ cid: "a", drmType: "Widevine" }));
        assert.equal(response.statusCode, 500);
      }
      assert.ok(linesOfThisTest().some((line) => line.includes("The PallyCon secret is not")));
    });

    it("answers 500 when the secret holds a site key of the wrong length", async () => {
      secretsManager.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ siteKey: "short", accessKey: TEST_ACCESS_KEY }),
      });
      const response = await freshHandler()(tokenRequest({ cid: "a", drmType: "Widevine" }));
      assert.equal(response.statusCode, 500);
      assert.ok(
        linesOfThisTest().some((line) => line.includes("siteKey must be exactly 32 ASCII")),
      );
    });
  });

  describe("the key cache", () => {
    it("reads the secret once while it is fresh", async () => {
      const handler = freshHandler();
      for (let i = 0; i < 3; i++) await handler(tokenRequest({ cid: "a", drmType: "Widevine" }));
      assert.equal(secretsManager.commandCalls(GetSecretValueCommand).length, 1);
    });

    it("reads it again after the TTL, so a rotated key is used within minutes", async () => {
      const clock = { now: NOW.getTime() };
      const handler = freshHandler(clock);
      const first = bodyOf(await handler(tokenRequest({ cid: "a", drmType: "Widevine" })));
      const rotated = "Rotated0Site1Key2For3The4Test567";
      secretsManager.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ siteKey: rotated, accessKey: TEST_ACCESS_KEY }),
      });
      clock.now += KEY_CACHE_TTL_MS - 1;
      const cached = bodyOf(await handler(tokenRequest({ cid: "a", drmType: "Widevine" })));
      assert.equal(decodeToken(cached.token).policy, decodeToken(first.token).policy);
      clock.now += 1;
      const fresh = bodyOf(await handler(tokenRequest({ cid: "a", drmType: "Widevine" })));
      assert.notEqual(decodeToken(fresh.token).policy, decodeToken(first.token).policy);
      assert.equal(secretsManager.commandCalls(GetSecretValueCommand).length, 2);
    });

    it("does not cache a failed read: the next request tries again", async () => {
      secretsManager
        .on(GetSecretValueCommand)
        .rejectsOnce(new Error("ThrottlingException"))
        .resolves({ SecretString: SECRET_STRING });
      const handler = freshHandler();
      assert.equal(
        (await handler(tokenRequest({ cid: "a", drmType: "Widevine" }))).statusCode,
        500,
      );
      assert.equal(
        (await handler(tokenRequest({ cid: "a", drmType: "Widevine" }))).statusCode,
        200,
      );
    });
  });

  describe("settings", () => {
    it("reads the secret ARN, site id and policy from the environment", () => {
      assert.deepEqual(readTokenServiceEnvironment(ENVIRONMENT), {
        secretArn: SECRET_ARN,
        siteId: TEST_SITE_ID,
        policy: {
          policy_version: 2,
          playback_policy: { persistent: false, license_duration: 3600 },
        },
        entitlements: { grantAllSignedIn: true, claim: "entitlements" },
      });
    });

    it("issues one-day streaming licenses when no policy is set", () => {
      const { LICENSE_POLICY: _, ...withoutPolicy } = ENVIRONMENT;
      assert.deepEqual(readTokenServiceEnvironment(withoutPolicy).policy.playback_policy, {
        persistent: false,
        license_duration: 86_400,
      });
      assert.deepEqual(parseLicensePolicy('{"persistent":true}'), {
        ...DEFAULT_LICENSE_POLICY,
        persistent: true,
      });
    });

    const invalid: Array<[string, Record<string, string | undefined>, RegExp]> = [
      [
        "a missing secret ARN",
        { PALLYCON_SECRET_ARN: undefined },
        /PALLYCON_SECRET_ARN is not set/,
      ],
      ["a missing site id", { PALLYCON_SITE_ID: undefined }, /PALLYCON_SITE_ID is not set/],
      ["a lower-case site id", { PALLYCON_SITE_ID: "test" }, /PALLYCON_SITE_ID is invalid/],
      [
        "a policy that is not JSON",
        { LICENSE_POLICY: "{" },
        /LICENSE_POLICY is invalid: licensePolicy is not valid JSON/,
      ],
      [
        "an unlimited license",
        { LICENSE_POLICY: '{"licenseDurationSeconds":0}' },
        /licenseDurationSeconds must be a whole number from 1/,
      ],
      [
        "a misspelt policy field",
        { LICENSE_POLICY: '{"duration":60}' },
        /unknown fields: duration/,
      ],
      [
        "a non-boolean persistent",
        { LICENSE_POLICY: '{"persistent":"yes"}' },
        /persistent must be true or false/,
      ],
    ];
    for (const [what, change, message] of invalid) {
      it(`fails at cold start on ${what}, naming the variable`, () => {
        assert.throws(() => readTokenServiceEnvironment({ ...ENVIRONMENT, ...change }), message);
      });
    }
  });

  describe("logging", () => {
    it("counts issued, refused and failed requests as embedded metrics", async () => {
      const handler = freshHandler();
      await handler(tokenRequest({ cid: "a", drmType: "Widevine" }));
      await handler(tokenRequest({ cid: "a", drmType: "widevine" }));
      secretsManager.on(GetSecretValueCommand).rejects(new Error("AccessDeniedException"));
      await freshHandler()(tokenRequest({ cid: "a", drmType: "Widevine" }));
      const metrics = linesOfThisTest()
        .map((line) => JSON.parse(line))
        .filter((line) => line._aws);
      assert.deepEqual(
        metrics.map((m) => [m._aws.CloudWatchMetrics[0].Namespace, m.service]),
        [
          ["VodMultiDrm", "licenseToken"],
          ["VodMultiDrm", "licenseToken"],
          ["VodMultiDrm", "licenseToken"],
        ],
      );
      assert.deepEqual(
        metrics.map((m) => Object.keys(m).filter((k) => !["_aws", "service"].includes(k))),
        [["TokensIssued"], ["RequestsRefused"], ["TokensFailed"]],
      );
    });

    it("never logs a key, the secret or a token", () => {
      assert.ok(logLines.length > 10, "the handler logged its decisions");
      assert.ok(issuedTokens.length > 5, "tokens were issued");
      const forbidden = [TEST_SITE_KEY, TEST_ACCESS_KEY, SECRET_STRING, ...issuedTokens];
      for (const line of logLines) {
        for (const value of forbidden)
          assert.ok(!line.includes(value), `a log line leaks: ${line}`);
        // Nor any recognisable piece of a token's JSON.
        assert.doesNotMatch(line, /"(hash|policy)":/);
      }
    });
  });
});
