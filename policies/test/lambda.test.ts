import * as assert from "node:assert/strict";
import { changed, convertFunction, messagesOf } from "./fixtures";

describe("lambda-supported-runtime", () => {
  const rule = "lambda-supported-runtime";

  it("passes Node.js 22", async () => {
    assert.deepEqual(await messagesOf(rule, [convertFunction()]), []);
  });

  it("flags an end-of-life runtime", async () => {
    const old = changed(convertFunction(), { runtime: "nodejs18.x" });
    assert.deepEqual(await messagesOf(rule, [old]), [
      "The runtime nodejs18.x is not one of nodejs22.x, nodejs24.x.",
    ]);
  });

  it("takes the supported runtimes from config", async () => {
    const config = { [rule]: { runtimes: ["nodejs24.x"] } };
    assert.deepEqual(await messagesOf(rule, [convertFunction()], config), [
      "The runtime nodejs22.x is not one of nodejs24.x.",
    ]);
  });

  it("passes a container image, which has no managed runtime", async () => {
    const image = changed(convertFunction(), { runtime: undefined, packageType: "Image" });
    assert.deepEqual(await messagesOf(rule, [image]), []);
  });
});

describe("lambda-no-plaintext-secrets", () => {
  const rule = "lambda-no-plaintext-secrets";
  const flagged = async (variables: Record<string, string>) =>
    messagesOf(rule, [convertFunction(variables)]);

  it("passes settings and references to secrets", async () => {
    assert.deepEqual(
      await flagged({
        KMS_TOKEN_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:enc-token",
        LICENSE_SITE_KEY_SECRET_ID: "vod/pallycon/site-key",
        API_KEY_PARAMETER: "/vod/api-key",
        OUTPUT_DIGEST: "3f786850e387550fdab836ed7e6dc881de23001b",
      }),
      [],
    );
  });

  it("flags a PallyCon enc-token variable", async () => {
    assert.deepEqual(await flagged({ PALLYCON_ENC_TOKEN: "abc" }), [
      "The environment variable PALLYCON_ENC_TOKEN is named like a secret.",
    ]);
  });

  it("flags an AWS access key id variable", async () => {
    assert.deepEqual(await flagged({ AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" }), [
      "The environment variable AWS_ACCESS_KEY_ID is named like a secret.",
    ]);
  });

  it("flags a KMS URL that carries the enc-token", async () => {
    assert.deepEqual(
      await flagged({ KMS_URL: "https://kms.pallycon.com/cpix/getKey?enc-token=eyJhY2Nlc3Nfa2V5" }),
      ["The environment variable KMS_URL holds what looks like a PallyCon enc-token."],
    );
  });

  it("flags an AWS secret access key under an innocent name", async () => {
    assert.deepEqual(await flagged({ UPSTREAM: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }), [
      "The environment variable UPSTREAM holds what looks like an AWS secret access key.",
    ]);
  });

  it("flags a JWT", async () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGF5ZXIifQ.c2lnbmF0dXJl";
    assert.deepEqual(await flagged({ PLAYER_AUTH: jwt }), [
      "The environment variable PLAYER_AUTH holds what looks like a JWT.",
    ]);
  });

  it("flags a long base64 blob", async () => {
    const blob = Buffer.from("x".repeat(24) + "site-key-0123456789-ABCDEFGHIJ-abcdefghij").toString(
      "base64",
    );
    assert.deepEqual(await flagged({ LICENSE_CONFIG: blob }), [
      "The environment variable LICENSE_CONFIG holds what looks like a long base64 blob.",
    ]);
  });
});
