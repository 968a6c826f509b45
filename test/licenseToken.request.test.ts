import * as assert from "node:assert/strict";
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { MAX_USER_ID_LENGTH, planTokenRequest } from "../functions/licenseToken/request";

/** A token request from a caller whose JWT has this `sub`. */
function requestFrom(sub: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    body: JSON.stringify({ cid: "trailer_1", drmType: "Widevine" }),
    isBase64Encoded: false,
    requestContext: { authorizer: { jwt: { claims: { sub }, scopes: [] } } },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

describe("the token request's user id (the JWT sub, PallyCon's user_id)", () => {
  for (const sub of [
    "0b6f7c1e-8a4d-4f7e-9a43-2f1c5e6d7a8b",
    "auth0|5f7c8ec7c33c6c004bbafe82",
    "viewer@example.com",
    "a".repeat(MAX_USER_ID_LENGTH),
  ]) {
    it(`accepts ${JSON.stringify(sub.slice(0, 40))}`, () => {
      const plan = planTokenRequest(requestFrom(sub));
      assert.equal(plan.action, "issue");
      assert.equal(plan.action === "issue" && plan.userId, sub);
    });
  }

  for (const [what, sub] of [
    [`more than ${MAX_USER_ID_LENGTH} characters`, "a".repeat(MAX_USER_ID_LENGTH + 1)],
    ["a newline", "viewer\nforged log line"],
    ["a NUL", "viewer\u0000"],
    ["a DEL", "viewer\u007f"],
    ["non-ASCII letters", "viewér"],
    ["an emoji", "viewer-\u{1f3ac}"],
  ]) {
    it(`refuses a sub with ${what} with 400, naming the claim without echoing it`, () => {
      const plan = planTokenRequest(requestFrom(sub));
      assert.equal(plan.action, "refuse");
      if (plan.action !== "refuse") return;
      assert.equal(plan.status, 400);
      assert.match(plan.error, /sub claim must be 1–256 printable ASCII characters/);
      assert.doesNotMatch(plan.error, /viewer|aaaa/);
    });
  }
});
