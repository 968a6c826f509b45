/**
 * Entitlements: a license token or a session only for a signed-in user entitled to the
 * content, decided before anything is signed. Mostly against the function as deployed
 * (its bundle in a fresh process, Secrets Manager and the entitlement function on a
 * local server).
 */
import * as assert from "node:assert/strict";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import {
  claimEntries,
  claimsUnexpired,
  createEntitlementCheck,
  ENTITLEMENT_CACHE_TTL_MS,
  entryGrants,
  lambdaEntitlementFunction,
} from "../functions/licenseToken/entitlement";
import { readTokenServiceEnvironment } from "../functions/licenseToken/environment";
import { contentIdFor } from "../shared/contentId";
import { fromCloudFrontBase64 } from "../shared/signedCookies";
import { opensslKeyPair, TEST_KEY_PAIR_ID } from "./support/playerCookies";
import { TEST_ACCESS_KEY, TEST_SITE_ID, TEST_SITE_KEY } from "./support/pallyCon";
import {
  BundledResponse,
  LocalAws,
  runTokenBundle,
  startLocalAws,
  writeTokenBundle,
} from "./support/tokenBundle";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:vod-tokens-keys-AbCdEf";
const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:catalogue-entitlements";
const DOMAIN = "d111111abcdef8.cloudfront.net";
const USER = "user-123";
const TRAILER = "trailers_Teaser-0123456789ab";
const FILM = "films_Le_Film-0123456789ab";
/** An access token that must never appear in a log line. */
const JWT_MARKER = "eyJhbGciOiJSUzI1NiJ9.secret-payload.signature";

const inAnHour = () => String(Math.floor(Date.now() / 1000) + 3600);

/** A request as API Gateway passes it on once the JWT authorizer has accepted the caller. */
function apiEvent(
  route: "/token" | "/session",
  body: unknown,
  claims: Record<string, unknown> = {},
): unknown {
  return {
    version: "2.0",
    routeKey: `POST ${route}`,
    rawPath: route,
    rawQueryString: "",
    headers: { authorization: `Bearer ${JWT_MARKER}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: "req-1",
      routeKey: `POST ${route}`,
      http: { method: "POST", path: route },
      authorizer: {
        principalId: "",
        integrationLatency: 0,
        jwt: {
          claims: { iss: "https://issuer.example.com/", sub: USER, exp: inAnHour(), ...claims },
          scopes: null,
        },
      },
    },
  };
}
const tokenEvent = (cid: string, claims: Record<string, unknown> = {}) =>
  apiEvent("/token", { cid, drmType: "Widevine" }, claims);

const bodyOf = (response: BundledResponse) => JSON.parse(String(response.body));

describe("entitlements", function () {
  this.timeout(60_000);

  describe("the claim", () => {
    it("reads every shape API Gateway's JWT authorizer passes a list claim in", () => {
      const expected = [TRAILER, "films_*"];
      // A real array (as the claim was in the JWT).
      assert.deepEqual(claimEntries([TRAILER, "films_*"]), expected);
      // A JSON array in a string (identity providers that only allow string claims).
      assert.deepEqual(claimEntries(JSON.stringify(expected)), expected);
      // The authorizer's flattened form of an array claim: bracketed, space-separated.
      assert.deepEqual(claimEntries(`[${TRAILER} films_*]`), expected);
      // One string, or several separated by spaces or commas.
      assert.deepEqual(claimEntries(TRAILER), [TRAILER]);
      assert.deepEqual(claimEntries(`${TRAILER}, films_*`), expected);
      assert.deepEqual(claimEntries("[]"), []);
      assert.deepEqual(claimEntries(undefined), []);
      assert.deepEqual(claimEntries(42), []);
    });

    it("grants a content id itself, or every id a prefix ending in * starts", () => {
      assert.equal(entryGrants(TRAILER, TRAILER), true);
      assert.equal(entryGrants("trailers_*", TRAILER), true);
      assert.equal(entryGrants("trailers_*", FILM), false);
      assert.equal(entryGrants("trailers_", TRAILER), false, "no * means the whole id");
      assert.equal(entryGrants(TRAILER.slice(0, -1), TRAILER), false);
    });

    it("trusts no claim set whose exp is missing, unreadable or past", () => {
      const now = new Date("2026-11-20T10:00:00Z");
      const at = (offset: number) => String(now.getTime() / 1000 + offset);
      assert.equal(claimsUnexpired({ exp: at(60) }, now), true);
      assert.equal(claimsUnexpired({ exp: Number(at(60)) }, now), true);
      assert.equal(claimsUnexpired({ exp: at(-1) }, now), false);
      assert.equal(claimsUnexpired({ exp: at(0) }, now), false);
      assert.equal(claimsUnexpired({}, now), false);
      assert.equal(claimsUnexpired({ exp: "soon" }, now), false);
    });

    it("grants nothing by default: the settings of an empty environment refuse everyone", async () => {
      const { entitlements } = readTokenServiceEnvironment({
        PALLYCON_SECRET_ARN: SECRET_ARN,
        PALLYCON_SITE_ID: TEST_SITE_ID,
      });
      assert.deepEqual(entitlements, { grantAllSignedIn: false, claim: "entitlements" });
      const decide = createEntitlementCheck({ settings: entitlements });
      assert.equal((await decide(USER, { exp: inAnHour() }, FILM)).outcome, "deny");
    });

    it("fails at cold start on an unreadable entitlement setting, naming the variable", () => {
      const base = { PALLYCON_SECRET_ARN: SECRET_ARN, PALLYCON_SITE_ID: TEST_SITE_ID };
      assert.throws(
        () => readTokenServiceEnvironment({ ...base, ENTITLEMENT_GRANT_ALL: "yes" }),
        /ENTITLEMENT_GRANT_ALL is invalid/,
      );
      assert.throws(
        () => readTokenServiceEnvironment({ ...base, ENTITLEMENT_CLAIM: "my claim" }),
        /ENTITLEMENT_CLAIM is invalid/,
      );
      assert.throws(
        () => readTokenServiceEnvironment({ ...base, ENTITLEMENT_FUNCTION_ARN: "catalogue" }),
        /ENTITLEMENT_FUNCTION_ARN is invalid/,
      );
    });
  });

  describe("the handler as deployed", () => {
    let aws: LocalAws;
    let bundle: string;
    let cookieKeys: { privateKeyPem: string; publicKeyPem: string };

    before(async () => {
      cookieKeys = opensslKeyPair("rsa2048");
      aws = await startLocalAws(
        JSON.stringify({
          siteKey: TEST_SITE_KEY,
          accessKey: TEST_ACCESS_KEY,
          cloudFrontPrivateKey: cookieKeys.privateKeyPem,
        }),
      );
      bundle = writeTokenBundle();
    });
    after(() => aws?.close());

    /** The deployed function's whole environment, every AWS endpoint on the local server. */
    const environment = (settings: Record<string, string> = {}) => ({
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test-secret",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: aws.endpoint,
      PALLYCON_SECRET_ARN: SECRET_ARN,
      PALLYCON_SITE_ID: TEST_SITE_ID,
      ENTITLEMENT_GRANT_ALL: "false",
      ENTITLEMENT_CLAIM: "entitlements",
      ...settings,
    });
    const run = (events: unknown[], settings?: Record<string, string>) =>
      runTokenBundle(bundle, events, environment(settings));

    /** The log lines (JSON) with `message`. */
    const logged = (lines: string[], message: string) =>
      lines.map((l) => JSON.parse(l)).filter((l) => l.message === message);
    /** The value of a metric across the embedded-metric lines. */
    const metric = (lines: string[], name: string) =>
      lines
        .map((l) => JSON.parse(l))
        .filter((l) => l._aws && name in l)
        .reduce((sum, l) => sum + Number(l[name]), 0);

    it("issues a token to a user whose claim names the content id", async () => {
      const { responses } = await run([tokenEvent(FILM, { entitlements: `[${FILM}]` })]);
      assert.equal(responses[0].statusCode, 200);
      assert.equal(bodyOf(responses[0]).cid, FILM);
      assert.ok(bodyOf(responses[0]).token);
    });

    it("refuses a user whose claim does not name it: 403 not_entitled with a reason, no token, logged and counted", async () => {
      const { responses, lines } = await run([
        tokenEvent(FILM, { entitlements: `[${TRAILER} trailers_*]` }),
      ]);
      assert.equal(responses[0].statusCode, 403);
      assert.equal(responses[0].headers?.["Cache-Control"], "no-store");
      const body = bodyOf(responses[0]);
      assert.deepEqual(Object.keys(body).sort(), ["error", "reason"]);
      assert.equal(body.error, "not_entitled");
      assert.match(body.reason, /entitlements claim does not name this content/);
      const [line] = logged(lines, "not entitled");
      assert.equal(line.userId, USER);
      assert.equal(line.cid, FILM);
      assert.equal(line.rule, "claim");
      assert.equal(metric(lines, "TokensRefused"), 1);
      assert.equal(metric(lines, "TokensIssued"), 0);
      for (const l of lines) {
        assert.ok(!l.includes(JWT_MARKER), `a log line holds the access token: ${l}`);
        assert.ok(!l.includes(TEST_ACCESS_KEY) && !l.includes(TEST_SITE_KEY), l);
      }
    });

    it("grants every content id a prefix ending in * starts, and only those", async () => {
      const claims = { entitlements: JSON.stringify(["trailers_*"]) };
      const { responses } = await run([tokenEvent(TRAILER, claims), tokenEvent(FILM, claims)]);
      assert.deepEqual(
        responses.map((r) => r.statusCode),
        [200, 403],
      );
    });

    it("refuses an expired claim set, even one that names the content", async () => {
      const expired = String(Math.floor(Date.now() / 1000) - 60);
      const { responses, lines } = await run([
        tokenEvent(FILM, { entitlements: `[${FILM}]`, exp: expired }),
        tokenEvent(FILM, { entitlements: `[${FILM}]`, exp: undefined }),
      ]);
      assert.deepEqual(
        responses.map((r) => r.statusCode),
        [403, 403],
      );
      assert.match(bodyOf(responses[0]).reason, /expired/);
      assert.ok(logged(lines, "not entitled").every((l) => l.rule === "expired"));
    });

    it("refuses everyone when no rule grants (no claim, no function, no grant-all)", async () => {
      const { responses } = await run([tokenEvent(FILM), tokenEvent(TRAILER)]);
      assert.deepEqual(
        responses.map((r) => r.statusCode),
        [403, 403],
      );
    });

    it("grants any signed-in user everything with ENTITLEMENT_GRANT_ALL, but not an expired one", async () => {
      const { responses } = await run(
        [tokenEvent(FILM), tokenEvent(FILM, { exp: String(Math.floor(Date.now() / 1000) - 1) })],
        { ENTITLEMENT_GRANT_ALL: "true" },
      );
      assert.deepEqual(
        responses.map((r) => r.statusCode),
        [200, 403],
      );
    });

    it("reads the claim the settings name", async () => {
      const { responses } = await run(
        [tokenEvent(FILM, { "custom:catalogue": FILM, entitlements: "[]" })],
        { ENTITLEMENT_CLAIM: "custom:catalogue" },
      );
      assert.equal(responses[0].statusCode, 200);
    });

    describe("with an entitlement function", () => {
      beforeEach(() => aws.invocations.splice(0));

      it("asks it with { sub, claims, cid } for what the claim does not grant, and follows its answer", async () => {
        aws.entitlement = ({ cid }) => ({
          payload: cid === FILM ? { allow: true } : { allow: false, reason: "Not in your plan" },
        });
        const { responses, lines } = await run(
          [
            tokenEvent(FILM, { entitlements: `[${TRAILER}]` }),
            tokenEvent("other-0123456789ab"),
            tokenEvent(TRAILER, { entitlements: `[${TRAILER}]` }),
          ],
          { ENTITLEMENT_FUNCTION_ARN: FUNCTION_ARN },
        );
        assert.deepEqual(
          responses.map((r) => r.statusCode),
          [200, 403, 200],
        );
        assert.deepEqual(bodyOf(responses[1]), {
          error: "not_entitled",
          reason: "Not in your plan",
        });
        // The claim granted the trailer: the function was asked twice, not three times.
        assert.equal(aws.invocations.length, 2);
        assert.equal(aws.invocations[0].functionName, FUNCTION_ARN);
        const { sub, cid, claims } = aws.invocations[0].payload;
        assert.equal(sub, USER);
        assert.equal(cid, FILM);
        assert.equal(claims.entitlements, `[${TRAILER}]`);
        assert.deepEqual(
          logged(lines, "not entitled").map((l) => l.rule),
          ["function"],
        );
      });

      it("reuses an answer for the same user and content within the warm container", async () => {
        aws.entitlement = () => ({ payload: { allow: true } });
        const { responses } = await run([tokenEvent(FILM), tokenEvent(FILM), tokenEvent(TRAILER)], {
          ENTITLEMENT_FUNCTION_ARN: FUNCTION_ARN,
        });
        assert.deepEqual(
          responses.map((r) => r.statusCode),
          [200, 200, 200],
        );
        assert.deepEqual(
          aws.invocations.map((i) => i.payload.cid),
          [FILM, TRAILER],
        );
      });

      it("answers 503 with a logged reason when the function fails or answers nonsense: never a grant", async () => {
        const answers = [
          { functionError: "Unhandled", payload: { errorMessage: "db down" } },
          { payload: { allowed: "yes" } },
        ];
        aws.entitlement = () => answers.shift()!;
        const { responses, lines } = await run([tokenEvent(FILM), tokenEvent(TRAILER)], {
          ENTITLEMENT_FUNCTION_ARN: FUNCTION_ARN,
        });
        assert.deepEqual(
          responses.map((r) => r.statusCode),
          [503, 503],
        );
        assert.equal(bodyOf(responses[0]).error, "entitlement_unavailable");
        assert.equal(bodyOf(responses[0]).token, undefined);
        const failures = logged(lines, "entitlement unknown");
        assert.match(failures[0].reason, /entitlement function failed \(Unhandled\)/);
        assert.match(failures[1].reason, /not \{ "allow": true\|false \}/);
        assert.equal(metric(lines, "EntitlementsFailed"), 2);
        assert.equal(metric(lines, "TokensIssued"), 0);
      });
    });

    describe("sessions", () => {
      const COOKIES = {
        CLOUDFRONT_KEY_PAIR_ID: TEST_KEY_PAIR_ID,
        PLAYBACK_DOMAIN: DOMAIN,
        SESSION_SECONDS: "3600",
      };
      const ASSET = "trailers/Teaser (2024).mp4";
      const policyOf = (response: BundledResponse) => {
        const cookie = response.cookies!.find((c) => c.startsWith("CloudFront-Policy="))!;
        const value = cookie.split(";")[0].slice("CloudFront-Policy=".length);
        return JSON.parse(fromCloudFrontBase64(value).toString("utf8"));
      };

      it("signs cookies for the asset's folder only, for a user entitled to its content id", async () => {
        const cid = contentIdFor(ASSET);
        assert.match(cid, /^trailers_Teaser_2024-/);
        const { responses } = await run(
          [apiEvent("/session", { asset: ASSET }, { entitlements: "[trailers_*]" })],
          COOKIES,
        );
        assert.equal(responses[0].statusCode, 204);
        assert.equal(
          policyOf(responses[0]).Statement[0].Resource,
          `https://${DOMAIN}/trailers/Teaser%20(2024).mp4/*`,
        );
      });

      it("refuses a user not entitled to the asset: 403 not_entitled and no cookies", async () => {
        const { responses, lines } = await run(
          [apiEvent("/session", { asset: "films/Le Film.mp4" }, { entitlements: "[trailers_*]" })],
          COOKIES,
        );
        assert.equal(responses[0].statusCode, 403);
        assert.equal(responses[0].cookies, undefined);
        assert.equal(bodyOf(responses[0]).error, "not_entitled");
        const [line] = logged(lines, "not entitled");
        assert.equal(line.route, "session");
        assert.equal(line.cid, contentIdFor("films/Le Film.mp4"));
        assert.equal(metric(lines, "TokensRefused"), 1);
      });
    });
  });

  describe("the entitlement function client", () => {
    const lambda = mockClient(LambdaClient);
    afterEach(() => lambda.reset());
    after(() => lambda.restore());
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

    it("invokes the configured function synchronously with { sub, claims, cid }", async () => {
      lambda
        .on(InvokeCommand)
        .resolves({ StatusCode: 200, Payload: encode({ allow: true }) } as any);
      const ask = lambdaEntitlementFunction(
        new LambdaClient({ region: "us-east-1" }),
        FUNCTION_ARN,
      );
      const claims = { sub: USER, exp: inAnHour() };
      assert.deepEqual(await ask({ sub: USER, claims, cid: FILM }), { allow: true });
      const [call] = lambda.commandCalls(InvokeCommand);
      assert.equal(call.args[0].input.FunctionName, FUNCTION_ARN);
      assert.equal(call.args[0].input.InvocationType, "RequestResponse");
      assert.deepEqual(
        JSON.parse(new TextDecoder().decode(call.args[0].input.Payload as Uint8Array)),
        { sub: USER, claims, cid: FILM },
      );
    });

    it("caches answers 60 s per (sub, cid) and never caches a failure", async () => {
      let now = new Date("2026-11-20T10:00:00Z").getTime();
      const claims = { exp: String(now / 1000 + 7200) };
      lambda
        .on(InvokeCommand)
        .rejectsOnce(new Error("TooManyRequestsException"))
        .resolves({ StatusCode: 200, Payload: encode({ allow: false }) } as any);
      const decide = createEntitlementCheck({
        settings: { grantAllSignedIn: false, claim: "entitlements", functionArn: FUNCTION_ARN },
        ask: lambdaEntitlementFunction(new LambdaClient({ region: "us-east-1" }), FUNCTION_ARN),
        now: () => new Date(now),
      });
      assert.equal((await decide(USER, claims, FILM)).outcome, "error");
      assert.equal((await decide(USER, claims, FILM)).outcome, "deny");
      assert.equal((await decide(USER, claims, FILM)).outcome, "deny");
      assert.equal((await decide("someone-else", claims, FILM)).outcome, "deny");
      assert.equal(lambda.commandCalls(InvokeCommand).length, 3);
      now += ENTITLEMENT_CACHE_TTL_MS;
      await decide(USER, claims, FILM);
      assert.equal(lambda.commandCalls(InvokeCommand).length, 4);
    });
  });
});
