import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PallyConGateway, PallyConGatewayArgs } from "../components/pallyConGateway";
import {
  definitionDigest,
  kmsRequestParameters,
  SIGV4_HEADERS,
} from "../components/pallyConGateway/definition";
import { isSecret, PlannedStack } from "../plan/mockCloud";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";
import { AWS } from "./support/resourceTypes";

const TOKEN = "ENC-TOKEN-fixture-3f9a";
const API = AWS.apigateway.RestApi;
const METHOD = AWS.apigateway.Method;
const INTEGRATION = AWS.apigateway.Integration;
const DEPLOYMENT = AWS.apigateway.Deployment;
const STAGE = AWS.apigateway.Stage;
const METHOD_SETTINGS = AWS.apigateway.MethodSettings;
const LOG_GROUP = AWS.cloudwatch.LogGroup;

/** A program with one gateway; its public outputs become the stack's outputs. */
const gatewayProgram =
  (args: Partial<PallyConGatewayArgs> = {}) =>
  () => {
    const gateway = new PallyConGateway("kms", { encToken: pulumi.secret(TOKEN), ...args });
    return {
      spekeUrl: gateway.spekeUrl,
      heartbeatUrl: gateway.heartbeatUrl,
      executeApiArn: gateway.executeApiArn,
    };
  };

/** The value inside a secret-wrapped input. */
const revealed = (value: any) => (isSecret(value) ? value.value : value);

describe("PallyConGateway", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(gatewayProgram());
  });

  it("is a regional REST API, for callers in its own region", () => {
    assert.equal(named(plan, API, "kms").inputs.endpointConfiguration.types, "REGIONAL");
  });

  it("proxies ANY /{proxy+} and requires SigV4 (AWS_IAM) for it", () => {
    const resource = named(plan, AWS.apigateway.Resource, "kms-proxy").inputs;
    assert.equal(resource.pathPart, "{proxy+}");
    const [method] = ofType(plan, METHOD);
    assert.equal(method.inputs.httpMethod, "ANY");
    assert.equal(method.inputs.authorization, "AWS_IAM");
    assert.deepEqual(method.inputs.requestParameters, { "method.request.path.proxy": true });
    assert.equal(ofType(plan, METHOD).length, 1, "no other method, so nothing bypasses IAM");
  });

  it("forwards over HTTPS to the KMS, adding the enc-token server-side, as a secret", () => {
    const integration = named(plan, INTEGRATION, "kms-proxy-any").inputs;
    assert.equal(integration.type, "HTTP_PROXY");
    assert.equal(integration.integrationHttpMethod, "ANY");
    assert.equal(integration.uri, "https://kms.pallycon.com/{proxy}");
    assert.ok(isSecret(integration.requestParameters), "the parameters are a Pulumi secret");
    assert.deepEqual(integration.requestParameters.value, {
      "integration.request.path.proxy": "method.request.path.proxy",
      "integration.request.header.Authorization": "''",
      "integration.request.header.X-Amz-Date": "''",
      "integration.request.header.X-Amz-Security-Token": "''",
      "integration.request.header.X-Amz-Content-Sha256": "''",
      "integration.request.querystring.enc-token": `'${TOKEN}'`,
    });
  });

  it("does not forward the packagers' SigV4 signature or session token to the KMS", () => {
    const parameters = revealed(named(plan, INTEGRATION, "kms-proxy-any").inputs.requestParameters);
    assert.deepEqual(SIGV4_HEADERS, [
      "Authorization",
      "X-Amz-Date",
      "X-Amz-Security-Token",
      "X-Amz-Content-Sha256",
    ]);
    for (const header of SIGV4_HEADERS) {
      // An empty static literal: HTTP_PROXY forwards what it does not override.
      assert.equal(parameters[`integration.request.header.${header}`], "''", header);
    }
  });

  it("proxies to a configured KMS origin", async () => {
    const custom = await runProgram(gatewayProgram({ kmsUrl: "https://kms.example.com:8443" }));
    assert.equal(
      named(custom, INTEGRATION, "kms-proxy-any").inputs.uri,
      "https://kms.example.com:8443/{proxy}",
    );
  });

  it("deploys after the method and integration exist, and redeploys when the token changes", async () => {
    const deployment = named(plan, DEPLOYMENT, "kms");
    assert.deepEqual(deployment.options.dependsOn.sort(), [
      `${INTEGRATION}::kms-proxy-any`,
      `${METHOD}::kms-proxy-any`,
    ]);
    assert.ok(isSecret(deployment.inputs.triggers), "the trigger digest covers the token");
    const rotated = await runProgram(gatewayProgram({ encToken: pulumi.secret(`${TOKEN}-new`) }));
    const trigger = (p: PlannedStack) => revealed(named(p, DEPLOYMENT, "kms").inputs.triggers);
    assert.notEqual(trigger(rotated).redeployment, trigger(plan).redeployment);
    assert.doesNotMatch(JSON.stringify(trigger(plan)), new RegExp(TOKEN));
  });

  describe("the deployment trigger", () => {
    /** What the trigger digests: the resources' own definitions, less the ids they attach to. */
    const definitionsOf = (p: PlannedStack) => {
      const { restApi, resourceId, ...method } = named(p, METHOD, "kms-proxy-any").inputs;
      const integration = { ...named(p, INTEGRATION, "kms-proxy-any").inputs };
      delete integration.restApi;
      delete integration.resourceId;
      integration.requestParameters = revealed(integration.requestParameters);
      assert.ok(restApi && resourceId);
      const pathPart = named(p, "aws:apigateway/resource:Resource", "kms-proxy").inputs.pathPart;
      return { proxyPathPart: pathPart, method, integration };
    };

    it("is the digest of the whole method and integration the resources get", () => {
      const trigger = revealed(named(plan, DEPLOYMENT, "kms").inputs.triggers).redeployment;
      assert.equal(trigger, definitionDigest(definitionsOf(plan)));
    });

    const changes: Array<[string, (d: any) => void]> = [
      ["the proxy path", (d) => (d.proxyPathPart = "{path+}")],
      ["the method's HTTP method", (d) => (d.method.httpMethod = "POST")],
      ["the method's authorization", (d) => (d.method.authorization = "NONE")],
      [
        "the method's request parameters",
        (d) => (d.method.requestParameters["method.request.header.X-Trace"] = false),
      ],
      ["the integration type", (d) => (d.integration.type = "HTTP")],
      ["the integration's HTTP method", (d) => (d.integration.integrationHttpMethod = "POST")],
      ["the integration's method", (d) => (d.integration.httpMethod = "POST")],
      ["the KMS URI", (d) => (d.integration.uri = "https://kms.example.com/{proxy}")],
      [
        "the integration's request parameters",
        (d) => delete d.integration.requestParameters["integration.request.header.Authorization"],
      ],
    ];
    for (const [what, change] of changes) {
      it(`changes when ${what} changes`, () => {
        const definitions = definitionsOf(plan);
        const before = definitionDigest(definitions);
        change(definitions);
        assert.notEqual(definitionDigest(definitions), before);
      });
    }

    it("does not change when nothing does (keys in any order)", () => {
      const { proxyPathPart, method, integration } = definitionsOf(plan);
      const reordered = { integration, method, proxyPathPart };
      assert.equal(definitionDigest(reordered), definitionDigest(definitionsOf(plan)));
    });
  });

  it("serves the Production stage by default, and a configured one", async () => {
    assert.equal(named(plan, STAGE, "kms").inputs.stageName, "Production");
    const staged = await runProgram(gatewayProgram({ stageName: "drm" }));
    assert.equal(named(staged, STAGE, "kms").inputs.stageName, "drm");
    assert.match((staged.outputs as Record<string, string>).spekeUrl, /\/drm\/cpix\/getKey$/);
  });

  it("writes access logs, without bodies, to a retention-limited log group under its own key", () => {
    const stage = named(plan, STAGE, "kms").inputs;
    const logGroup = named(plan, LOG_GROUP, "kms-access");
    assert.equal(stage.accessLogSettings.destinationArn, logGroup.outputs.arn);
    const format = JSON.parse(stage.accessLogSettings.format);
    assert.equal(format.requestId, "$context.requestId");
    assert.ok(!JSON.stringify(format).includes("body"));
    assert.equal(logGroup.inputs.retentionInDays, 30);
    const key = named(plan, AWS.kms.Key, "kms-logs");
    assert.equal(logGroup.inputs.kmsKeyId, key.outputs.arn);
    assert.equal(key.inputs.enableKeyRotation, true);
    const logs = statementsOf(key.inputs.policy).find((s) => s.Sid?.includes("CloudWatchLogs"))!;
    assert.equal(logs.Principal.Service, "logs.us-east-1.amazonaws.com");
    assert.equal(
      logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"],
      `arn:aws:logs:us-east-1:123456789012:log-group:${logGroup.inputs.name}`,
    );
  });

  it("throttles every method and keeps execution logs and data traces off (SPEKE answers hold keys)", async () => {
    const settings = named(plan, METHOD_SETTINGS, "kms").inputs;
    assert.equal(settings.methodPath, "*/*");
    assert.deepEqual(settings.settings, {
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      metricsEnabled: true,
      loggingLevel: "OFF",
      dataTraceEnabled: false,
    });
    const tuned = await runProgram(
      gatewayProgram({ throttlingRateLimit: 5, throttlingBurstLimit: 10 }),
    );
    const { throttlingRateLimit, throttlingBurstLimit } = named(tuned, METHOD_SETTINGS, "kms")
      .inputs.settings;
    assert.deepEqual([throttlingRateLimit, throttlingBurstLimit], [5, 10]);
  });

  it("sets the account's CloudWatch role for API Gateway before the stage, and keeps it on destroy", () => {
    const account = named(plan, AWS.apigateway.Account, "kms-account");
    const role = named(plan, AWS.iam.Role, "kms-cloudwatch");
    assert.equal(account.inputs.cloudwatchRoleArn, role.outputs.arn);
    assert.ok(account.options.retainOnDelete && role.options.retainOnDelete);
    assert.deepEqual(statementsOf(role.inputs.assumeRolePolicy)[0].Principal, {
      Service: "apigateway.amazonaws.com",
    });
    const policy = named(plan, AWS.iam.RolePolicy, "kms-cloudwatch");
    assert.ok(policy.options.retainOnDelete);
    for (const statement of statementsOf(policy.inputs.policy)) {
      assert.ok(actionsOf(statement).every((action) => action.startsWith("logs:")));
    }
    assert.ok(
      named(plan, STAGE, "kms").options.dependsOn.includes(
        `${AWS.apigateway.Account}::kms-account`,
      ),
    );
  });

  it("leaves the account setting alone when another stack manages it", async () => {
    const unmanaged = await runProgram(gatewayProgram({ manageAccountLogRole: false }));
    assert.deepEqual(ofType(unmanaged, AWS.apigateway.Account), []);
    assert.deepEqual(named(unmanaged, STAGE, "kms").options.dependsOn, []);
  });

  it("exposes the SPEKE URL, the heartbeat URL and the ARN to grant, none holding the token", () => {
    const outputs = plan.outputs as Record<string, string>;
    assert.match(
      outputs.spekeUrl,
      /^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com\/Production\/cpix\/getKey$/,
    );
    assert.equal(outputs.heartbeatUrl, `${outputs.spekeUrl}/heartbeat`);
    assert.match(
      outputs.executeApiArn,
      /^arn:aws:execute-api:us-east-1:123456789012:\w+\/Production\/POST\/cpix\/getKey$/,
    );
    assert.doesNotMatch(JSON.stringify(outputs), new RegExp(TOKEN));
  });

  describe("arguments", () => {
    const construct = (args: Partial<PallyConGatewayArgs>) => () =>
      runProgram(gatewayProgram(args));

    it("rejects a KMS URL that is not an https origin", async () => {
      await assert.rejects(construct({ kmsUrl: "http://kms.pallycon.com" }), /`kmsUrl`/);
      await assert.rejects(construct({ kmsUrl: "https://kms.pallycon.com/cpix" }), /`kmsUrl`/);
    });

    it("rejects a stage name API Gateway would refuse", async () => {
      await assert.rejects(construct({ stageName: "prod-1" }), /`stageName`/);
    });

    it("rejects throttling limits that would stop every request", async () => {
      await assert.rejects(construct({ throttlingRateLimit: 0 }), /`throttlingRateLimit`/);
      await assert.rejects(construct({ throttlingBurstLimit: 1.5 }), /`throttlingBurstLimit`/);
    });

    it("rejects a token that would break API Gateway's literal, without echoing it", () => {
      assert.throws(
        () => kmsRequestParameters("kms", "abc'def"),
        (error: Error) => {
          assert.match(error.message, /enc-token is empty or malformed/);
          assert.ok(!error.message.includes("abc'def"));
          return true;
        },
      );
      assert.throws(() => kmsRequestParameters("kms", ""), /enc-token/);
    });
  });
});
