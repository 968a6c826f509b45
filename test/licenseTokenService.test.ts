import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { LicenseTokenService, LicenseTokenServiceArgs } from "../components/licenseTokenService";
import { PlannedStack } from "../plan/mockCloud";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";
import { TEST_ACCESS_KEY, TEST_SITE_ID, TEST_SITE_KEY } from "./support/pallyCon";
import { opensslKeyPair, PemKeyPair, TEST_KEY_PAIR_ID } from "./support/playerCookies";
import { AWS } from "./support/resourceTypes";

const API = AWS.apigatewayv2.Api;
const AUTHORIZER = AWS.apigatewayv2.Authorizer;
const INTEGRATION = AWS.apigatewayv2.Integration;
const ROUTE = AWS.apigatewayv2.Route;
const STAGE = AWS.apigatewayv2.Stage;
const SECRET = AWS.secretsmanager.Secret;
const SECRET_VERSION = AWS.secretsmanager.SecretVersion;
const FUNCTION = AWS.lambda.Function;
const ROLE_POLICY = AWS.iam.RolePolicy;
const PERMISSION = AWS.lambda.Permission;
const LOG_GROUP = AWS.cloudwatch.LogGroup;

const ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example";
const PLAYER_ORIGIN = "https://d111111abcdef8.cloudfront.net";

/** How the mock runtime hands over a secret input: wrapped in Pulumi's secret signature. */
function unwrapSecret(value: unknown): unknown {
  const wrapped = value as Record<string, unknown> | undefined;
  assert.ok(wrapped && typeof wrapped === "object", "a secret arrives wrapped");
  assert.equal(wrapped[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
  return wrapped.value;
}

const baseArgs = (): LicenseTokenServiceArgs => ({
  siteId: TEST_SITE_ID,
  siteKey: pulumi.secret(TEST_SITE_KEY),
  accessKey: pulumi.secret(TEST_ACCESS_KEY),
  jwtIssuer: ISSUER,
  jwtAudience: ["player-client-id"],
  allowedOrigins: [PLAYER_ORIGIN],
});

/** A program with one LicenseTokenService; its outputs become the stack's outputs. */
const service =
  (args: Partial<LicenseTokenServiceArgs> = {}) =>
  () => {
    const tokens = new LicenseTokenService("tokens", { ...baseArgs(), ...args });
    return {
      tokenUrl: tokens.tokenUrl,
      sessionUrl: tokens.sessionUrl,
      apiId: tokens.apiId,
      apiHost: tokens.apiHost,
    };
  };

describe("LicenseTokenService", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(service());
  });

  describe("the API", () => {
    it("is an HTTP API whose one route, POST /token, requires a JWT", () => {
      const routes = ofType(plan, ROUTE);
      assert.equal(routes.length, 1);
      const route = routes[0].inputs;
      assert.equal(route.routeKey, "POST /token");
      assert.equal(route.authorizationType, "JWT");
      const authorizer = named(plan, AUTHORIZER, "tokens-jwt");
      assert.equal(route.authorizerId, authorizer.outputs.id);
      assert.equal(route.apiId, named(plan, API, "tokens").outputs.id);
      assert.equal(named(plan, API, "tokens").inputs.protocolType, "HTTP");
    });

    it("checks the JWT's issuer and audience from the bearer header", () => {
      const authorizer = named(plan, AUTHORIZER, "tokens-jwt").inputs;
      assert.equal(authorizer.authorizerType, "JWT");
      assert.deepEqual(authorizer.identitySources, ["$request.header.Authorization"]);
      assert.deepEqual(authorizer.jwtConfiguration, {
        issuer: ISSUER,
        audiences: ["player-client-id"],
      });
    });

    it("proxies the route to the token function with payload format 2.0", () => {
      const integration = named(plan, INTEGRATION, "tokens-token");
      assert.equal(integration.inputs.integrationType, "AWS_PROXY");
      assert.equal(integration.inputs.payloadFormatVersion, "2.0");
      assert.equal(
        integration.inputs.integrationUri,
        named(plan, FUNCTION, "tokens-licenseToken").outputs.invokeArn,
      );
      assert.equal(
        named(plan, ROUTE, "tokens-token").inputs.target,
        `integrations/${integration.outputs.id}`,
      );
    });

    it("allows CORS from the player's origins only, for POST with a bearer token", () => {
      const cors = named(plan, API, "tokens").inputs.corsConfiguration;
      assert.deepEqual(cors.allowOrigins, [PLAYER_ORIGIN]);
      assert.deepEqual(cors.allowMethods, ["POST", "OPTIONS"]);
      assert.deepEqual(cors.allowHeaders.map((h: string) => h.toLowerCase()).sort(), [
        "authorization",
        "content-type",
      ]);
      assert.notEqual(cors.allowCredentials, true);
    });

    it("answers no CORS at all without other origins: the player calls it on its own origin", async () => {
      const sameOrigin = await runProgram(service({ allowedOrigins: [] }));
      assert.equal(named(sameOrigin, API, "tokens").inputs.corsConfiguration, undefined);
    });

    it("deploys a throttled $default stage that logs each request", () => {
      const stage = named(plan, STAGE, "tokens").inputs;
      assert.equal(stage.name, "$default");
      assert.equal(stage.autoDeploy, true);
      assert.deepEqual(stage.defaultRouteSettings, {
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      });
      const accessLogs = named(plan, LOG_GROUP, "tokens-access");
      assert.equal(stage.accessLogSettings.destinationArn, accessLogs.outputs.arn);
      assert.equal(accessLogs.inputs.retentionInDays, 30);
      const format = JSON.parse(stage.accessLogSettings.format);
      assert.equal(format.status, "$context.status");
      assert.ok(
        !/header|claims|body/i.test(stage.accessLogSettings.format),
        "no header, claim or body is logged",
      );
    });

    it("uses the configured throttling limits", async () => {
      const custom = await runProgram(
        service({ throttlingRateLimit: 5, throttlingBurstLimit: 10 }),
      );
      assert.deepEqual(named(custom, STAGE, "tokens").inputs.defaultRouteSettings, {
        throttlingRateLimit: 5,
        throttlingBurstLimit: 10,
      });
    });

    it("lets only this API's token route invoke the function", () => {
      const permission = named(plan, PERMISSION, "tokens-apigateway").inputs;
      const api = named(plan, API, "tokens").outputs;
      assert.equal(permission.principal, "apigateway.amazonaws.com");
      assert.equal(permission.action, "lambda:InvokeFunction");
      assert.equal(permission.function, named(plan, FUNCTION, "tokens-licenseToken").outputs.name);
      assert.equal(permission.sourceArn, `${api.executionArn}/*/POST/token`);
    });

    it("exports the token URL and the API id", () => {
      const api = named(plan, API, "tokens").outputs;
      assert.equal(plan.outputs.apiId, api.id);
      assert.equal(
        plan.outputs.tokenUrl,
        `https://${api.id}.execute-api.us-east-1.amazonaws.com/token`,
      );
    });

    it("names every child after the component and parents it there", () => {
      for (const resource of plan.resources.filter((r) => r.parent !== undefined)) {
        assert.match(resource.name, /^tokens(-|$)/, resource.urn);
      }
      for (const type of [API, AUTHORIZER, INTEGRATION, ROUTE, STAGE, SECRET, SECRET_VERSION]) {
        for (const resource of ofType(plan, type)) {
          assert.equal(resource.parent, "vod:index:LicenseTokenService::tokens", resource.urn);
        }
      }
    });
  });

  describe("the keys", () => {
    it("are stored in Secrets Manager as JSON, marked secret", () => {
      const version = named(plan, SECRET_VERSION, "tokens-keys").inputs;
      assert.equal(version.secretId, named(plan, SECRET, "tokens-keys").outputs.id);
      assert.deepEqual(JSON.parse(String(unwrapSecret(version.secretString))), {
        siteKey: TEST_SITE_KEY,
        accessKey: TEST_ACCESS_KEY,
      });
    });

    // The aws SDK wraps secretString in pulumi.secret too; the component does not rely on it.
    it("are marked secret even when given as plain strings", async () => {
      const plain = await runProgram(
        service({ siteKey: TEST_SITE_KEY, accessKey: TEST_ACCESS_KEY }),
      );
      const version = named(plain, SECRET_VERSION, "tokens-keys").inputs;
      assert.match(String(unwrapSecret(version.secretString)), /siteKey/);
    });

    it("appear in no other resource's inputs, the function's environment included", async () => {
      const plain = await runProgram(
        service({ siteKey: TEST_SITE_KEY, accessKey: TEST_ACCESS_KEY }),
      );
      for (const stack of [plan, plain]) {
        for (const resource of stack.resources) {
          if (resource.type === SECRET_VERSION) continue;
          const inputs = JSON.stringify(resource.inputs);
          for (const value of [TEST_SITE_KEY, TEST_ACCESS_KEY]) {
            assert.ok(!inputs.includes(value), `${resource.urn} holds a key`);
          }
        }
      }
    });

    it("reach the function only as the secret's ARN, beside the site id and the policy", () => {
      const env = named(plan, FUNCTION, "tokens-licenseToken").inputs.environment.variables;
      assert.deepEqual(Object.keys(env).sort(), [
        "ENTITLEMENT_CLAIM",
        "ENTITLEMENT_GRANT_ALL",
        "LICENSE_POLICY",
        "PALLYCON_SECRET_ARN",
        "PALLYCON_SITE_ID",
      ]);
      assert.equal(env.PALLYCON_SECRET_ARN, named(plan, SECRET, "tokens-keys").outputs.arn);
      assert.equal(env.PALLYCON_SITE_ID, TEST_SITE_ID);
      assert.deepEqual(JSON.parse(env.LICENSE_POLICY), {
        persistent: false,
        licenseDurationSeconds: 86_400,
      });
    });

    it("may be read by the function's role, and nothing else is granted but its logs", () => {
      const statements = statementsOf(
        named(plan, ROLE_POLICY, "tokens-licenseToken").inputs.policy,
      );
      const read = statements.find((s) => s.Sid === "ReadThePallyConKeys");
      assert.ok(read);
      assert.deepEqual(actionsOf(read), ["secretsmanager:GetSecretValue"]);
      assert.equal(read.Resource, named(plan, SECRET, "tokens-keys").outputs.arn);
      assert.deepEqual(statements.flatMap(actionsOf).sort(), [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "secretsmanager:GetSecretValue",
      ]);
    });
  });

  describe("the function", () => {
    it("is synchronous: no dead-letter queue and no async retries", () => {
      assert.equal(ofType(plan, AWS.sqs.Queue).length, 0);
      assert.equal(ofType(plan, AWS.lambda.FunctionEventInvokeConfig).length, 0);
      assert.ok(named(plan, FUNCTION, "tokens-licenseToken").inputs.timeout <= 29);
    });

    it("issues the configured license policy", async () => {
      const offline = await runProgram(
        service({ licensePolicy: { persistent: true, licenseDurationSeconds: 3600 } }),
      );
      const env = named(offline, FUNCTION, "tokens-licenseToken").inputs.environment.variables;
      assert.deepEqual(JSON.parse(env.LICENSE_POLICY), {
        persistent: true,
        licenseDurationSeconds: 3600,
      });
    });
  });

  describe("signed cookies", () => {
    const PLAYBACK_DOMAIN = "d111111abcdef8.cloudfront.net";
    let keys: PemKeyPair;
    let cookies: PlannedStack;
    const withCookies = (
      change: Partial<NonNullable<LicenseTokenServiceArgs["signedCookies"]>> = {},
    ) =>
      service({
        signedCookies: {
          keyPairId: TEST_KEY_PAIR_ID,
          privateKeyPem: pulumi.secret(keys.privateKeyPem),
          playbackDomain: PLAYBACK_DOMAIN,
          sessionSeconds: 7200,
          ...change,
        },
      });
    /** A line from the middle of the PEM: in any copy of the key, whatever its framing. */
    const keyLine = () => keys.privateKeyPem.split("\n")[3];

    before(async () => {
      keys = opensslKeyPair("rsa2048");
      cookies = await runProgram(withCookies());
    });

    it("adds POST /session behind the same JWT authorizer and function as /token", () => {
      const session = named(cookies, ROUTE, "tokens-session").inputs;
      const token = named(cookies, ROUTE, "tokens-token").inputs;
      assert.equal(session.routeKey, "POST /session");
      assert.equal(session.authorizationType, "JWT");
      assert.equal(session.authorizerId, named(cookies, AUTHORIZER, "tokens-jwt").outputs.id);
      assert.equal(session.target, token.target);
      assert.equal(session.apiId, token.apiId);
      assert.equal(ofType(cookies, ROUTE).length, 2);
    });

    it("deploys the stage after both routes", () => {
      assert.deepEqual(named(cookies, STAGE, "tokens").options.dependsOn.sort(), [
        `${ROUTE}::tokens-session`,
        `${ROUTE}::tokens-token`,
      ]);
    });

    it("lets API Gateway invoke the function for the session route too, and only it", () => {
      const api = named(cookies, API, "tokens").outputs;
      const permission = named(cookies, PERMISSION, "tokens-apigateway-session").inputs;
      assert.equal(permission.principal, "apigateway.amazonaws.com");
      assert.equal(permission.sourceArn, `${api.executionArn}/*/POST/session`);
      assert.deepEqual(
        ofType(plan, PERMISSION).map((p) => p.name),
        ["tokens-apigateway"],
        "without signed cookies there is no session permission",
      );
    });

    it("keeps the private key in the secret, beside the PallyCon keys, marked secret", () => {
      const version = named(cookies, SECRET_VERSION, "tokens-keys").inputs;
      assert.deepEqual(JSON.parse(String(unwrapSecret(version.secretString))), {
        siteKey: TEST_SITE_KEY,
        accessKey: TEST_ACCESS_KEY,
        cloudFrontPrivateKey: keys.privateKeyPem,
      });
    });

    it("puts the private key in no other resource's inputs, nor in the stack's outputs", async () => {
      const plain = await runProgram(withCookies({ privateKeyPem: keys.privateKeyPem }));
      for (const stack of [cookies, plain]) {
        for (const resource of stack.resources) {
          if (resource.type === SECRET_VERSION) continue;
          assert.ok(
            !JSON.stringify(resource.inputs).includes(keyLine()),
            `${resource.urn} holds the key`,
          );
        }
        assert.ok(!JSON.stringify(stack.outputs).includes(keyLine()));
      }
      const version = named(plain, SECRET_VERSION, "tokens-keys").inputs;
      assert.match(String(unwrapSecret(version.secretString)), /cloudFrontPrivateKey/);
    });

    it("tells the function the key pair id, the playback domain and the lifetime, and no key", () => {
      const env = named(cookies, FUNCTION, "tokens-licenseToken").inputs.environment.variables;
      assert.deepEqual(Object.keys(env).sort(), [
        "CLOUDFRONT_KEY_PAIR_ID",
        "ENTITLEMENT_CLAIM",
        "ENTITLEMENT_GRANT_ALL",
        "LICENSE_POLICY",
        "PALLYCON_SECRET_ARN",
        "PALLYCON_SITE_ID",
        "PLAYBACK_DOMAIN",
        "SESSION_SECONDS",
      ]);
      assert.equal(env.CLOUDFRONT_KEY_PAIR_ID, TEST_KEY_PAIR_ID);
      assert.equal(env.PLAYBACK_DOMAIN, PLAYBACK_DOMAIN);
      assert.equal(env.SESSION_SECONDS, "7200");
    });

    it("still grants the function that one secret only", () => {
      const statements = statementsOf(
        named(cookies, ROLE_POLICY, "tokens-licenseToken").inputs.policy,
      );
      assert.deepEqual(statements.flatMap(actionsOf).sort(), [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "secretsmanager:GetSecretValue",
      ]);
    });

    it("exports the session URL, and the API's host for a CloudFront origin", () => {
      const api = named(cookies, API, "tokens").outputs;
      const host = `${api.id}.execute-api.us-east-1.amazonaws.com`;
      assert.equal(cookies.outputs.sessionUrl, `https://${host}/session`);
      assert.equal(cookies.outputs.apiHost, host);
      assert.equal(plan.outputs.sessionUrl, undefined);
    });

    it("refuses a session shorter than a minute or longer than a week", () => {
      for (const sessionSeconds of [59, 604_801, 90.5]) {
        assert.throws(
          () =>
            new LicenseTokenService("bad", {
              ...baseArgs(),
              signedCookies: {
                keyPairId: TEST_KEY_PAIR_ID,
                privateKeyPem: "pem",
                playbackDomain: PLAYBACK_DOMAIN,
                sessionSeconds,
              },
            }),
          /^Error: LicenseTokenService: `signedCookies.sessionSeconds` must be a whole number of seconds from 60 to 604800/,
        );
      }
    });
  });

  describe("argument validation", () => {
    const invalid: Array<[string, Partial<LicenseTokenServiceArgs>, RegExp]> = [
      [
        "an http issuer",
        { jwtIssuer: "http://issuer.example.com" },
        /`jwtIssuer` must be an https URL/,
      ],
      ["an issuer that is not a URL", { jwtIssuer: "issuer" }, /`jwtIssuer` must be an https URL/],
      ["no audience", { jwtAudience: [] }, /`jwtAudience` must name at least one audience/],
      ["an empty audience", { jwtAudience: [""] }, /`jwtAudience` must not contain an empty/],
      ["a lower-case site id", { siteId: "test" }, /`siteId` must be the 4 uppercase/],
      [
        "a wildcard origin",
        { allowedOrigins: ["*"] },
        /`allowedOrigins` entry "\*" is not an origin/,
      ],
      [
        "an origin with a path",
        { allowedOrigins: [`${PLAYER_ORIGIN}/player`] },
        /is not an origin/,
      ],
      [
        "an origin with a trailing slash",
        { allowedOrigins: [`${PLAYER_ORIGIN}/`] },
        /is not an origin/,
      ],
      [
        "an unlimited license",
        { licensePolicy: { persistent: false, licenseDurationSeconds: 0 } },
        /licenseDurationSeconds must be a whole number from 1/,
      ],
      [
        "a zero rate limit",
        { throttlingRateLimit: 0 },
        /`throttlingRateLimit` must be a positive number/,
      ],
      [
        "a negative log retention",
        { logRetentionDays: -1 },
        /`logRetentionDays` must be a positive number/,
      ],
    ];
    for (const [what, change, message] of invalid) {
      it(`refuses ${what}, naming the argument`, () => {
        assert.throws(
          () => new LicenseTokenService("bad", { ...baseArgs(), ...change }),
          (error: Error) => {
            assert.match(error.message, /^LicenseTokenService: /);
            assert.match(error.message, message);
            return true;
          },
        );
      });
    }
  });
});
