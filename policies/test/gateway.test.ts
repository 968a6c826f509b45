import * as assert from "node:assert/strict";
import { changed, httpsIntegration, iamMethod, loggedStage, messagesOf } from "./fixtures";

describe("apigateway-method-iam-authorization", () => {
  const rule = "apigateway-method-iam-authorization";

  it("passes a method that requires SigV4 (AWS_IAM)", async () => {
    assert.deepEqual(await messagesOf(rule, [iamMethod()]), []);
  });

  it("flags a method open to anyone", async () => {
    const open = changed(iamMethod(), { authorization: "NONE" });
    assert.deepEqual(await messagesOf(rule, [open]), [
      "Method ANY uses authorization NONE, not AWS_IAM.",
    ]);
  });

  it("flags an OPTIONS method too, unless it is exempted in config", async () => {
    const preflight = changed(iamMethod(), { httpMethod: "OPTIONS", authorization: "NONE" });
    assert.deepEqual(await messagesOf(rule, [preflight]), [
      "Method OPTIONS uses authorization NONE, not AWS_IAM.",
    ]);
    const config = { [rule]: { exemptHttpMethods: ["OPTIONS"] } };
    assert.deepEqual(await messagesOf(rule, [preflight], config), []);
  });
});

describe("apigateway-integration-https", () => {
  const rule = "apigateway-integration-https";

  it("passes an HTTPS proxy to the KMS", async () => {
    assert.deepEqual(await messagesOf(rule, [httpsIntegration()]), []);
  });

  it("flags a proxy over plain HTTP", async () => {
    const http = changed(httpsIntegration(), { uri: "http://kms.pallycon.com/{proxy}" });
    assert.deepEqual(await messagesOf(rule, [http]), [
      "The integration calls http://kms.pallycon.com/{proxy}, which is not https.",
    ]);
  });

  it("passes a Lambda proxy integration, whose URI is an ARN", async () => {
    const lambda = changed(httpsIntegration(), {
      type: "AWS_PROXY",
      uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn/invocations",
    });
    assert.deepEqual(await messagesOf(rule, [lambda]), []);
  });
});

describe("apigateway-stage-access-logging", () => {
  const rule = "apigateway-stage-access-logging";

  it("passes a stage with access logs", async () => {
    assert.deepEqual(await messagesOf(rule, [loggedStage()]), []);
  });

  it("flags a stage without access logs", async () => {
    const silent = changed(loggedStage(), { accessLogSettings: undefined });
    assert.deepEqual(await messagesOf(rule, [silent]), ["Stage Production has no access logging."]);
  });
});
