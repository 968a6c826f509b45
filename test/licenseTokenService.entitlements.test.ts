/** LicenseTokenService's entitlement arguments: what the function is told, may call, and what API Gateway requires. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  EntitlementArgs,
  LicenseTokenService,
  LicenseTokenServiceArgs,
} from "../components/licenseTokenService";
import { PlannedStack } from "../plan/mockCloud";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";
import { TEST_ACCESS_KEY, TEST_SITE_ID, TEST_SITE_KEY } from "./support/pallyCon";
import { opensslKeyPair, TEST_KEY_PAIR_ID } from "./support/playerCookies";

const FUNCTION = "aws:lambda/function:Function";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROUTE = "aws:apigatewayv2/route:Route";
const ENTITLEMENT_FUNCTION =
  "arn:aws:lambda:us-east-1:123456789012:function:catalogue-entitlements";

const baseArgs = (): LicenseTokenServiceArgs => ({
  siteId: TEST_SITE_ID,
  siteKey: pulumi.secret(TEST_SITE_KEY),
  accessKey: pulumi.secret(TEST_ACCESS_KEY),
  jwtIssuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
  jwtAudience: ["player-client-id"],
  allowedOrigins: [],
});

const service = (args: Partial<LicenseTokenServiceArgs>) => () => {
  const tokens = new LicenseTokenService("tokens", { ...baseArgs(), ...args });
  return { tokenUrl: tokens.tokenUrl };
};

const environmentOf = (plan: PlannedStack) =>
  named(plan, FUNCTION, "tokens-licenseToken").inputs.environment.variables;
const statementsIn = (plan: PlannedStack) =>
  statementsOf(named(plan, ROLE_POLICY, "tokens-licenseToken").inputs.policy);

describe("LicenseTokenService: entitlements", () => {
  it("grants nothing by default: the default claim, no grant-all, no function, no scopes", async () => {
    const plan = await runProgram(service({}));
    const env = environmentOf(plan);
    assert.equal(env.ENTITLEMENT_GRANT_ALL, "false");
    assert.equal(env.ENTITLEMENT_CLAIM, "entitlements");
    assert.equal(env.ENTITLEMENT_FUNCTION_ARN, undefined);
    assert.ok(!statementsIn(plan).flatMap(actionsOf).includes("lambda:InvokeFunction"));
    for (const route of ofType(plan, ROUTE)) {
      assert.equal(route.inputs.authorizationScopes, undefined);
    }
  });

  it("tells the function the claim and grant-all when the stack says so", async () => {
    const plan = await runProgram(
      service({ entitlements: { grantAllSignedIn: true, claim: "custom:catalogue" } }),
    );
    assert.equal(environmentOf(plan).ENTITLEMENT_GRANT_ALL, "true");
    assert.equal(environmentOf(plan).ENTITLEMENT_CLAIM, "custom:catalogue");
  });

  it("may invoke the entitlement function, and no other", async () => {
    const plan = await runProgram(service({ entitlements: { functionArn: ENTITLEMENT_FUNCTION } }));
    assert.equal(environmentOf(plan).ENTITLEMENT_FUNCTION_ARN, ENTITLEMENT_FUNCTION);
    const invoke = statementsIn(plan).filter((s) => actionsOf(s).includes("lambda:InvokeFunction"));
    assert.equal(invoke.length, 1);
    assert.equal(invoke[0].Sid, "AskTheEntitlementFunction");
    assert.deepEqual(actionsOf(invoke[0]), ["lambda:InvokeFunction"]);
    assert.equal(invoke[0].Resource, ENTITLEMENT_FUNCTION);
  });

  it("requires the scopes on both routes, so API Gateway refuses tokens without them", async () => {
    const keys = opensslKeyPair("rsa2048");
    const plan = await runProgram(
      service({
        entitlements: { requiredScopes: ["video/watch"] },
        signedCookies: {
          keyPairId: TEST_KEY_PAIR_ID,
          privateKeyPem: pulumi.secret(keys.privateKeyPem),
          playbackDomain: "d111111abcdef8.cloudfront.net",
          sessionSeconds: 3600,
        },
      }),
    );
    const routes = ofType(plan, ROUTE);
    assert.equal(routes.length, 2);
    for (const route of routes) {
      assert.deepEqual(route.inputs.authorizationScopes, ["video/watch"], route.name);
      assert.equal(route.inputs.authorizationType, "JWT");
    }
  });

  describe("argument validation", () => {
    const invalid: Array<[string, EntitlementArgs, RegExp]> = [
      [
        "grant-all with a function",
        { grantAllSignedIn: true, functionArn: ENTITLEMENT_FUNCTION },
        /Only one of `entitlements.grantAllSignedIn` or `entitlements.functionArn`/,
      ],
      ["a claim name with a space", { claim: "my claim" }, /`entitlements.claim` must be/],
      ["an ARN that is no function's", { functionArn: "catalogue" }, /`entitlements.functionArn`/],
      [
        "a scope with a space",
        { requiredScopes: ["video watch"] },
        /`entitlements.requiredScopes`/,
      ],
    ];
    for (const [what, entitlements, message] of invalid) {
      it(`refuses ${what}, naming the field`, () => {
        assert.throws(
          () => new LicenseTokenService("tokens", { ...baseArgs(), entitlements }),
          message,
        );
      });
    }
  });
});
