/** The entitlement keys: read only with licenseTokens, checked, and a warning when only the default claim can grant. */
import * as assert from "node:assert/strict";
import {
  PROJECT,
  readConfig,
  TOKEN_SERVICE_SECRETS,
  TOKEN_SERVICE_VALUES,
  useConfigMocks,
} from "./support/stackConfig";

/** Reads the stack config with these values, its secrets set as secrets. */
const read = (values: Record<string, unknown>) =>
  readConfig(values, { secrets: TOKEN_SERVICE_SECRETS.filter((key) => key in values) });

describe("stack configuration: entitlements", () => {
  useConfigMocks();

  it("grants nothing by default, and warns that only the entitlements claim can grant", () => {
    const { config, warnings } = read(TOKEN_SERVICE_VALUES);
    assert.deepEqual(config?.licenseTokens?.entitlements, {
      grantAllSignedIn: false,
      claim: "entitlements",
      requiredScopes: [],
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /only users whose JWT carries an "entitlements" claim/);
    for (const key of [
      "licenseEntitlementClaim",
      "licenseEntitlementFunctionArn",
      "licenseGrantAllSignedIn",
    ]) {
      assert.ok(warnings[0].includes(`${PROJECT}:${key}`), key);
    }
    assert.match(warnings[0], /not for paid content/);
  });

  it("does not warn once the stack sets the claim, even to its default name", () => {
    const { config, warnings } = read({
      ...TOKEN_SERVICE_VALUES,
      licenseEntitlementClaim: "entitlements",
    });
    assert.equal(config?.licenseTokens?.entitlements?.claim, "entitlements");
    assert.deepEqual(warnings, []);
  });

  it("reads each key, and says nothing more once the stack chose how to grant", () => {
    const arn = "arn:aws:lambda:eu-west-1:123456789012:function:catalogue:live";
    const { config, warnings } = read({
      ...TOKEN_SERVICE_VALUES,
      licenseEntitlementClaim: "custom:catalogue",
      licenseRequiredScopes: ["video/watch"],
      licenseEntitlementFunctionArn: arn,
    });
    assert.deepEqual(config?.licenseTokens?.entitlements, {
      grantAllSignedIn: false,
      claim: "custom:catalogue",
      requiredScopes: ["video/watch"],
      functionArn: arn,
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(read({ ...TOKEN_SERVICE_VALUES, licenseGrantAllSignedIn: true }).warnings, []);
  });

  it("refuses values that cannot work, naming each key", () => {
    const { problems } = read({
      ...TOKEN_SERVICE_VALUES,
      licenseGrantAllSignedIn: true,
      licenseEntitlementFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:catalogue",
      licenseEntitlementClaim: "my claim",
      licenseRequiredScopes: ["video watch"],
    });
    assert.deepEqual(problems, [
      `${PROJECT}:licenseEntitlementClaim: "my claim" must be a JWT claim name: 1-256 printable characters, no spaces`,
      `${PROJECT}:licenseRequiredScopes: must be a list of OAuth scope names (no spaces or quotes), such as ["video/watch"]`,
      `${PROJECT}:licenseGrantAllSignedIn: cannot be combined with ${PROJECT}:licenseEntitlementFunctionArn: with it, the function would never be asked`,
    ]);
    assert.match(
      read({ ...TOKEN_SERVICE_VALUES, licenseEntitlementFunctionArn: "catalogue" }).problems.join(
        "\n",
      ),
      /licenseEntitlementFunctionArn: "catalogue" must be a Lambda function ARN/,
    );
  });

  it("refuses an entitlement key without licenseTokens, and reads none", () => {
    const { problems } = read({ licenseGrantAllSignedIn: true });
    assert.deepEqual(problems, [
      `${PROJECT}:licenseGrantAllSignedIn: needs ${PROJECT}:licenseTokens set to true: it configures the token service`,
    ]);
    assert.equal(read({}).config?.licenseTokens?.entitlements, undefined);
  });
});
