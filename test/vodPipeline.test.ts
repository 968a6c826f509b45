import * as assert from "node:assert/strict";
import { VodPipeline, VodPipelineArgs } from "../components/vodPipeline";
import { PlannedStack } from "../plan/mockCloud";
import { DEFAULT_LADDER } from "../shared/ladder";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";
import { AWS } from "./support/resourceTypes";

const BUCKET = AWS.s3.Bucket;
const PAB = AWS.s3.BucketPublicAccessBlock;
const SSE = AWS.s3.BucketServerSideEncryptionConfiguration;
const OWNERSHIP = AWS.s3.BucketOwnershipControls;
const BUCKET_POLICY = AWS.s3.BucketPolicy;
const CORS = AWS.s3.BucketCorsConfiguration;
const DISTRIBUTION = AWS.cloudfront.Distribution;
const OAI = AWS.cloudfront.OriginAccessIdentity;
const FUNCTION = AWS.lambda.Function;
const ROLE_POLICY = AWS.iam.RolePolicy;

/** A program with one VodPipeline; its public outputs become the stack's outputs. */
const pipeline =
  (args: Partial<VodPipelineArgs> = {}) =>
  () => {
    const vod = new VodPipeline("vod", { applicationName: "vod-test", ...args });
    return {
      uploadBucketName: vod.uploadBucketName,
      playbackDomain: vod.playbackDomain,
      playbackUrlPattern: vod.playbackUrlPattern,
      assetMetadataUrlPattern: vod.assetMetadataUrlPattern,
      notificationTopicArn: vod.notificationTopicArn,
      deadLetterQueueUrl: vod.deadLetterQueueUrl,
    };
  };

describe("VodPipeline", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(pipeline());
  });

  describe("buckets", () => {
    for (const bucket of ["vod-source", "vod-output"]) {
      it(`blocks every kind of public access to ${bucket}`, () => {
        const block = named(plan, PAB, bucket).inputs;
        assert.equal(block.bucket, named(plan, BUCKET, bucket).inputs.bucket ?? block.bucket);
        for (const setting of [
          "blockPublicAcls",
          "blockPublicPolicy",
          "ignorePublicAcls",
          "restrictPublicBuckets",
        ]) {
          assert.equal(block[setting], true, setting);
        }
      });

      it(`encrypts ${bucket} at rest and disables its ACLs`, () => {
        const sse = named(plan, SSE, bucket).inputs;
        assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        assert.equal(
          named(plan, OWNERSHIP, bucket).inputs.rule.objectOwnership,
          "BucketOwnerEnforced",
        );
      });

      it(`denies every request to ${bucket} that is not made over TLS`, () => {
        const [deny] = statementsOf(named(plan, BUCKET_POLICY, bucket).inputs.policy);
        assert.equal(deny.Effect, "Deny");
        assert.equal(deny.Principal, "*");
        assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.equal(deny.Resource.length, 2, "the bucket and its objects");
      });
    }

    it("versions uploads but not the regenerable output", () => {
      const versioned = ofType(plan, AWS.s3.BucketVersioning).map((r) => r.name);
      assert.deepEqual(versioned, ["vod-source"]);
    });

    it("keeps uploads unless an expiry is configured", async () => {
      const rules = (p: PlannedStack) =>
        named(p, AWS.s3.BucketLifecycleConfiguration, "vod-source").inputs.rules;
      assert.deepEqual(
        rules(plan).map((r: any) => r.id),
        ["abort-incomplete-multipart-uploads"],
      );
      const expiring = await runProgram(pipeline({ uploadExpirationDays: 30 }));
      const expire = rules(expiring).find((r: any) => r.id === "expire-objects");
      assert.equal(expire.expiration.days, 30);
      assert.equal(expire.noncurrentVersionExpiration.noncurrentDays, 30);
    });
  });

  describe("CloudFront", () => {
    it("reads the output bucket through the Origin Access Identity", () => {
      const [origin] = named(plan, DISTRIBUTION, "vod-cdn").inputs.origins;
      const output = named(plan, BUCKET, "vod-output");
      assert.match(origin.domainName, /\.s3\.us-east-1\.amazonaws\.com$/);
      assert.ok(origin.domainName.startsWith(output.inputs.bucket ?? "vod-output"));
      assert.match(
        origin.s3OriginConfig.originAccessIdentity,
        /^origin-access-identity\/cloudfront\/E[0-9A-F]+$/,
      );
    });

    it("lets the OAI read and list the output bucket (so missing objects answer 404), nothing else", () => {
      const statements = statementsOf(named(plan, BUCKET_POLICY, "vod-output").inputs.policy);
      const allows = statements.filter((s) => s.Effect === "Allow");
      assert.deepEqual(
        allows.map((s) => [actionsOf(s), s.Principal]),
        [
          [["s3:GetObject"], { AWS: expectedOaiArn(plan) }],
          [["s3:ListBucket"], { AWS: expectedOaiArn(plan) }],
        ],
      );
      assert.match(allows[0].Resource, /^arn:aws:s3:::.+\/\*$/);
      assert.match(allows[1].Resource, /^arn:aws:s3:::[^/]+$/);
    });

    it("grants nothing on the source bucket beyond the TLS deny", () => {
      const statements = statementsOf(named(plan, BUCKET_POLICY, "vod-source").inputs.policy);
      assert.deepEqual(
        statements.map((s) => s.Effect),
        ["Deny"],
      );
    });

    it("never serves plain HTTP to viewers", () => {
      const distribution = named(plan, DISTRIBUTION, "vod-cdn").inputs;
      const behaviours = [distribution.defaultCacheBehavior, ...distribution.orderedCacheBehaviors];
      for (const behaviour of behaviours) {
        assert.equal(behaviour.viewerProtocolPolicy, "redirect-to-https");
        assert.equal(behaviour.compress, true);
      }
    });

    it("caches manifests briefly and media segments long", () => {
      const distribution = named(plan, DISTRIBUTION, "vod-cdn").inputs;
      const policies = ofType(plan, AWS.cloudfront.CachePolicy);
      const ttlOf = (policyId: string) => {
        const policy = policies.find((p) => `${p.name}-` === policyId.slice(0, p.name.length + 1));
        assert.ok(policy, `cache policy ${policyId}`);
        return policy.inputs;
      };
      const manifest = distribution.orderedCacheBehaviors.find(
        (b: any) => b.pathPattern === "*.m3u8",
      );
      assert.ok(distribution.orderedCacheBehaviors.some((b: any) => b.pathPattern === "*.mpd"));
      assert.ok(ttlOf(manifest.cachePolicyId).maxTtl <= 60);
      assert.ok(ttlOf(distribution.defaultCacheBehavior.cachePolicyId).defaultTtl >= 86_400);
    });

    it("uses the configured price class, PriceClass_100 by default", async () => {
      assert.equal(named(plan, DISTRIBUTION, "vod-cdn").inputs.priceClass, "PriceClass_100");
      const all = await runProgram(pipeline({ delivery: { cdnPriceClass: "PriceClass_All" } }));
      assert.equal(named(all, DISTRIBUTION, "vod-cdn").inputs.priceClass, "PriceClass_All");
    });

    it("allows CORS only from the distribution's own origin by default", () => {
      const [rule] = named(plan, CORS, "vod-output").inputs.corsRules;
      assert.match(String(plan.outputs.playbackDomain), /^d[0-9a-f]+\.cloudfront\.net$/);
      assert.deepEqual(rule.allowedOrigins, [`https://${plan.outputs.playbackDomain}`]);
      assert.deepEqual(rule.allowedMethods, ["GET", "HEAD"]);
    });

    it("allows CORS from the configured origins only", async () => {
      const origins = ["https://app.example.com", "https://localhost:8443"];
      const configured = await runProgram(
        pipeline({ delivery: { cdnCorsAllowedOrigins: origins } }),
      );
      assert.deepEqual(
        named(configured, CORS, "vod-output").inputs.corsRules[0].allowedOrigins,
        origins,
      );
    });
  });

  describe("the convert trigger", () => {
    it("fires on every ObjectCreated, with no suffix filter: the function tells videos apart, in any case", () => {
      const notification = named(plan, AWS.s3.BucketNotification, "vod-source").inputs;
      assert.equal(notification.lambdaFunctions.length, 1);
      const [target] = notification.lambdaFunctions;
      assert.deepEqual(target.events, ["s3:ObjectCreated:*"]);
      assert.match(target.lambdaFunctionArn, /:function:vod-convert/);
      assert.equal(target.filterPrefix, undefined);
      assert.equal(target.filterSuffix, undefined);
    });

    it("lets only the source bucket in this account invoke the convert function", () => {
      const permission = named(plan, AWS.lambda.Permission, "vod-convert-s3").inputs;
      assert.equal(permission.principal, "s3.amazonaws.com");
      assert.equal(permission.action, "lambda:InvokeFunction");
      assert.match(permission.sourceArn, /^arn:aws:s3:::/);
      assert.equal(permission.sourceAccount, "123456789012");
    });

    it("passes its settings as environment variables, with the seed ladder by default", () => {
      const env = named(plan, FUNCTION, "vod-convert").inputs.environment.variables;
      assert.deepEqual(Object.keys(env).sort(), [
        "ACCELERATION_MODE",
        "APPLICATION_NAME",
        "DESTINATION_BUCKET",
        "IDEMPOTENCY_TABLE",
        "JOB_PRIORITY",
        "JOB_QUEUE_ARN",
        "LADDER",
        "LADDER_MODE",
        "MEDIACONVERT_ROLE_ARN",
        "QVBR_QUALITY_LEVEL",
        "RATE_CONTROL",
      ]);
      assert.match(
        env.JOB_QUEUE_ARN,
        /^arn:aws:mediaconvert:us-east-1:123456789012:queues\/vod-queue/,
      );
      assert.equal(env.JOB_PRIORITY, "0");
      assert.equal(env.ACCELERATION_MODE, "DISABLED");
      assert.equal(env.LADDER_MODE, "fixed");
    });

    it("tells the convert function the automated ABR limits that are set, and only those", async () => {
      const automated = await runProgram(
        pipeline({ transcoding: { ladderMode: "automated", ladderAuto: { maxRenditions: 6 } } }),
      );
      const env = named(automated, FUNCTION, "vod-convert").inputs.environment.variables;
      assert.equal(env.LADDER_MODE, "automated");
      assert.equal(env.AUTOMATED_ABR_MAX_RENDITIONS, "6");
      assert.equal(env.AUTOMATED_ABR_MIN_BITRATE, undefined);
      assert.equal(env.APPLICATION_NAME, "vod-test");
      assert.match(env.MEDIACONVERT_ROLE_ARN, /^arn:aws:iam::123456789012:role\/vod-mediaconvert/);
      assert.deepEqual(JSON.parse(env.LADDER), DEFAULT_LADDER);
      assert.equal(env.RATE_CONTROL, "CBR");
    });

    it("runs a bundled Node.js 22 handler", () => {
      const fn = named(plan, FUNCTION, "vod-convert").inputs;
      assert.equal(fn.runtime, "nodejs22.x");
      assert.equal(fn.handler, "index.handler");
      assert.deepEqual(fn.loggingConfig.logFormat, "JSON");
    });
  });

  describe("IAM", () => {
    const rolePolicies = () =>
      ofType(plan, ROLE_POLICY).map((p) => ({
        name: p.name,
        statements: statementsOf(p.inputs.policy),
      }));

    it("grants no wildcard action in any role policy", () => {
      for (const { name, statements } of rolePolicies()) {
        for (const action of statements.flatMap(actionsOf)) {
          assert.doesNotMatch(action, /\*$/, `${name}: ${action}`);
        }
      }
    });

    it("grants nothing on resource * in any role policy", () => {
      for (const { name, statements } of rolePolicies()) {
        for (const statement of statements) {
          assert.ok(![statement.Resource].flat().includes("*"), `${name}: ${statement.Sid}`);
        }
      }
    });

    it("lets MediaConvert read uploads and write outputs only", () => {
      const { statements } = rolePolicies().find((p) => p.name === "vod-mediaconvert")!;
      assert.deepEqual(
        statements.map((s) => [actionsOf(s), s.Resource]),
        [
          [["s3:GetObject"], `${bucketArn(plan, "vod-source")}/*`],
          [["s3:PutObject"], `${bucketArn(plan, "vod-output")}/*`],
        ],
      );
    });

    it("lets the convert function pass only the MediaConvert role, only to MediaConvert", () => {
      const { statements } = rolePolicies().find((p) => p.name === "vod-convert")!;
      const passRole = statements.find((s) => actionsOf(s).includes("iam:PassRole"))!;
      assert.match(passRole.Resource, /^arn:aws:iam::123456789012:role\/vod-mediaconvert/);
      assert.deepEqual(passRole.Condition, {
        StringEquals: { "iam:PassedToService": "mediaconvert.amazonaws.com" },
      });
      const createJob = statements.find((s) => actionsOf(s).includes("mediaconvert:CreateJob"))!;
      const queue = named(plan, AWS.mediaconvert.Queue, "vod-queue");
      assert.equal(createJob.Resource, queue.outputs.arn, "this stack's queue, not Default");
    });

    it("trusts mediaconvert.amazonaws.com with the MediaConvert role", () => {
      const role = named(plan, AWS.iam.Role, "vod-mediaconvert").inputs;
      assert.deepEqual(statementsOf(role.assumeRolePolicy)[0].Principal, {
        Service: "mediaconvert.amazonaws.com",
      });
    });
  });

  describe("notifications and failures", () => {
    it("sends this application's COMPLETE and ERROR job events to the topic", () => {
      const rule = named(plan, AWS.cloudwatch.EventRule, "vod-job-state").inputs;
      assert.deepEqual(JSON.parse(rule.eventPattern), {
        source: ["aws.mediaconvert"],
        "detail-type": ["MediaConvert Job State Change"],
        detail: { status: ["COMPLETE", "ERROR"], userMetadata: { application: ["vod-test"] } },
      });
      const target = named(plan, AWS.cloudwatch.EventTarget, "vod-job-state").inputs;
      assert.match(target.arn, /^arn:aws:sns:/);
    });

    it("encrypts the topic with a rotating customer-managed key that EventBridge may use", () => {
      const topic = named(plan, AWS.sns.Topic, "vod-notifications").inputs;
      const key = named(plan, AWS.kms.Key, "vod-notifications").inputs;
      assert.match(topic.kmsMasterKeyId, /^arn:aws:kms:/);
      assert.equal(key.enableKeyRotation, true);
      const publishers = statementsOf(key.policy).find(
        (s) => s.Sid === "PublishersEncryptMessages",
      )!;
      assert.ok(publishers.Principal.Service.includes("events.amazonaws.com"));
    });

    it("subscribes the configured email address, and none by default", async () => {
      assert.equal(ofType(plan, AWS.sns.TopicSubscription).length, 0);
      const mailing = await runProgram(pipeline({ notificationEmail: "ops@example.com" }));
      const [subscription] = ofType(mailing, AWS.sns.TopicSubscription);
      assert.equal(subscription.inputs.protocol, "email");
      assert.equal(subscription.inputs.endpoint, "ops@example.com");
    });

    it("dead-letters events that fail after Lambda's retries, in an encrypted queue", () => {
      const queue = named(plan, AWS.sqs.Queue, "vod-dlq").inputs;
      assert.equal(queue.sqsManagedSseEnabled, true);
      for (const fn of ["vod-convert", "vod-metadata"]) {
        const config = named(plan, AWS.lambda.FunctionEventInvokeConfig, fn).inputs;
        assert.equal(config.maximumRetryAttempts, 2);
        assert.match(
          config.destinationConfig.onFailure.destination,
          /^arn:aws:sqs:us-east-1:123456789012:vod-dlq/,
        );
      }
    });

    it("dead-letters job events EventBridge cannot deliver", () => {
      for (const target of ofType(plan, AWS.cloudwatch.EventTarget)) {
        assert.match(target.inputs.deadLetterConfig.arn, /:vod-dlq/, target.name);
      }
    });

    it("raises an alarm on the topic as soon as the dead-letter queue holds anything", () => {
      const alarm = named(plan, AWS.cloudwatch.MetricAlarm, "vod-dlq-not-empty").inputs;
      assert.equal(alarm.metricName, "ApproximateNumberOfMessagesVisible");
      assert.equal(alarm.threshold, 0);
      assert.equal(alarm.comparisonOperator, "GreaterThanThreshold");
      assert.match(alarm.alarmActions[0], /^arn:aws:sns:/);
    });

    it("reads and writes asset metadata files only, on COMPLETE and ERROR events", () => {
      const statements = statementsOf(named(plan, ROLE_POLICY, "vod-metadata").inputs.policy);
      const assetFiles = statements.find((s) => actionsOf(s).includes("s3:PutObject"))!;
      assert.deepEqual(actionsOf(assetFiles), ["s3:GetObject", "s3:PutObject"]);
      assert.match(assetFiles.Resource, /^arn:aws:s3:::.+\/\*\/asset\.json$/);
      const rule = named(plan, AWS.cloudwatch.EventRule, "vod-asset-status").inputs;
      assert.deepEqual(JSON.parse(rule.eventPattern).detail.status, ["COMPLETE", "ERROR"]);
      const target = named(plan, AWS.cloudwatch.EventTarget, "vod-asset-status");
      assert.match(target.inputs.arn, /:function:vod-metadata/);
    });

    it("lets the convert function read uploads (to probe them), and read and write only asset files", () => {
      const statements = statementsOf(named(plan, ROLE_POLICY, "vod-convert").inputs.policy);
      const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("s3:")));
      assert.deepEqual(
        s3.map((s) => [actionsOf(s), s.Resource.replace(/-[0-9a-f]{8}/, "")]),
        [
          [["s3:GetObject"], "arn:aws:s3:::vod-source/*"],
          [["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::vod-output/*/asset.json"],
        ],
      );
    });
  });

  describe("DRM", () => {
    const drm = {
      spekeUrl: "https://abc123.execute-api.us-east-1.amazonaws.com/Production/cpix/getKey",
      executeApiArn:
        "arn:aws:execute-api:us-east-1:123456789012:abc123/Production/POST/cpix/getKey",
    };
    let encrypted: PlannedStack;
    before(async () => {
      encrypted = await runProgram(pipeline({ drm }));
    });

    it("lets MediaConvert invoke the KMS gateway's SPEKE route only, and only with DRM on", () => {
      const grants = (p: PlannedStack) =>
        statementsOf(named(p, ROLE_POLICY, "vod-mediaconvert").inputs.policy).filter((s) =>
          actionsOf(s).includes("execute-api:Invoke"),
        );
      assert.deepEqual(grants(plan), []);
      const [grant] = grants(encrypted);
      assert.deepEqual(actionsOf(grant), ["execute-api:Invoke"]);
      assert.equal(grant.Resource, drm.executeApiArn);
    });

    it("tells the convert function the gateway's SPEKE URL, and keeps clear outputs off by default", async () => {
      const env = (p: PlannedStack) =>
        named(p, FUNCTION, "vod-convert").inputs.environment.variables;
      assert.equal(env(encrypted).SPEKE_URL, drm.spekeUrl);
      assert.equal(env(encrypted).DRM_CLEAR_OUTPUTS, "false");
      assert.equal(env(plan).SPEKE_URL, undefined);
      const keep = await runProgram(pipeline({ drm: { ...drm, clearOutputs: true } }));
      assert.equal(env(keep).DRM_CLEAR_OUTPUTS, "true");
    });

    it("tells the convert function the DRM packaging: separate by default, or cmaf", async () => {
      const env = (p: PlannedStack) =>
        named(p, FUNCTION, "vod-convert").inputs.environment.variables;
      assert.equal(env(encrypted).DRM_PACKAGING, "separate");
      assert.equal(env(plan).DRM_PACKAGING, undefined);
      const cmaf = await runProgram(pipeline({ drm: { ...drm, packaging: "cmaf" } }));
      assert.equal(env(cmaf).DRM_PACKAGING, "cmaf");
    });
  });

  it("exposes the upload bucket, playback URL patterns, topic and dead-letter queue", () => {
    const {
      uploadBucketName,
      playbackDomain,
      assetMetadataUrlPattern,
      playbackUrlPattern,
      notificationTopicArn,
      deadLetterQueueUrl,
    } = plan.outputs as Record<string, string>;
    assert.match(uploadBucketName, /^vod-source/);
    assert.equal(playbackUrlPattern, `https://${playbackDomain}/<key>/hls/index.m3u8`);
    assert.equal(assetMetadataUrlPattern, `https://${playbackDomain}/<key>/asset.json`);
    assert.match(notificationTopicArn, /^arn:aws:sns:us-east-1:123456789012:vod-notifications/);
    assert.match(
      deadLetterQueueUrl,
      /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/vod-dlq/,
    );
  });

  describe("ordering AWS needs", () => {
    const dependsOn = (type: string, name: string) => named(plan, type, name).options.dependsOn;

    it("creates the upload trigger after S3 may invoke the function", () => {
      assert.ok(
        dependsOn(AWS.s3.BucketNotification, "vod-source").includes(
          "aws:lambda/permission:Permission::vod-convert-s3",
        ),
      );
    });

    it("adds event targets after their permissions and the dead-letter queue's policy", () => {
      const TARGET = AWS.cloudwatch.EventTarget;
      assert.deepEqual(dependsOn(TARGET, "vod-asset-status").sort(), [
        "aws:lambda/permission:Permission::vod-metadata-events",
        "aws:sqs/queuePolicy:QueuePolicy::vod-dlq",
      ]);
      assert.deepEqual(dependsOn(TARGET, "vod-job-state").sort(), [
        "aws:sns/topicPolicy:TopicPolicy::vod-notifications",
        "aws:sqs/queuePolicy:QueuePolicy::vod-dlq",
      ]);
    });

    it("creates each function after its role's policy", () => {
      for (const fn of ["vod-convert", "vod-metadata"]) {
        assert.deepEqual(dependsOn(FUNCTION, fn), [`${ROLE_POLICY}::${fn}`]);
      }
    });

    it("writes each bucket policy after the bucket's public access block", () => {
      for (const bucket of ["vod-source", "vod-output"]) {
        assert.deepEqual(dependsOn(BUCKET_POLICY, bucket), [`${PAB}::${bucket}`]);
      }
    });
  });

  describe("trust", () => {
    it("lets MediaConvert assume its role only for this account's queues", () => {
      const [trust] = statementsOf(
        named(plan, AWS.iam.Role, "vod-mediaconvert").inputs.assumeRolePolicy,
      );
      assert.deepEqual(trust.Principal, { Service: "mediaconvert.amazonaws.com" });
      assert.deepEqual(trust.Condition, {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:mediaconvert:us-east-1:123456789012:queues/*" },
      });
    });

    it("scopes every service permission and resource policy to this stack's sources", () => {
      const permission = named(plan, AWS.lambda.Permission, "vod-convert-s3").inputs;
      assert.match(permission.sourceArn, /^arn:aws:s3:::vod-source/);
      assert.equal(permission.sourceAccount, "123456789012");
      const events = named(plan, AWS.lambda.Permission, "vod-metadata-events").inputs;
      assert.match(events.sourceArn, /:rule\/vod-asset-status/);
      const queue = statementsOf(named(plan, AWS.sqs.QueuePolicy, "vod-dlq").inputs.policy);
      assert.equal(queue[0].Condition.ArnEquals["aws:SourceArn"].length, 2);
    });
  });

  it("parents every child to the component, named from the component's name", () => {
    const children = plan.resources.filter((r) => r.parent === "vod:index:VodPipeline::vod");
    assert.ok(children.length > 10);
    for (const resource of plan.resources.filter((r) => r.type !== "vod:index:VodPipeline")) {
      assert.ok(resource.parent, `${resource.type} ${resource.name} has a parent`);
      assert.match(resource.name, /^vod-/);
    }
  });
});

function bucketArn(plan: PlannedStack, name: string): string {
  const policy = statementsOf(named(plan, BUCKET_POLICY, name).inputs.policy)[0];
  return policy.Resource[0];
}

function expectedOaiArn(plan: PlannedStack): string {
  const oai = named(plan, OAI, "vod-oai");
  assert.ok(oai);
  const [origin] = named(plan, DISTRIBUTION, "vod-cdn").inputs.origins;
  const id = origin.s3OriginConfig.originAccessIdentity.split("/").pop();
  return `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ${id}`;
}
