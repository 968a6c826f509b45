import * as assert from "node:assert/strict";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { EvaluatedResource, evaluatePolicies, PolicyConfig } from "../rules";
import {
  BUCKET,
  changed,
  corsConfiguration,
  encryptedQueue,
  privateBucketWithout,
  PUBLIC_ACCESS_BLOCK,
  resource,
  seedPublicBucket,
  seedWildcardCors,
} from "./fixtures";

const plainQueue = () => changed(encryptedQueue(), { sqsManagedSseEnabled: false });
const levels = async (resources: EvaluatedResource[], config: PolicyConfig) =>
  (await evaluatePolicies(resources, config)).map((v) => `${v.enforcementLevel} ${v.policyName}`);

describe("evaluatePolicies", () => {
  it("reports each violation with its policy, level, resource and fix", async () => {
    assert.deepEqual(await evaluatePolicies([plainQueue()]), [
      {
        policyName: "sqs-queue-encrypted",
        enforcementLevel: "mandatory",
        resourceType: "aws:sqs/queue:Queue",
        resourceName: "dlq",
        resourceUrn: "urn:pulumi:stack::project::aws:sqs/queue:Queue::dlq",
        message: "The queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId.",
        fix: "Requires every SQS queue to set sqsManagedSseEnabled: true or a kmsMasterKeyId.",
      },
    ]);
  });

  it("reports a stack rule's violation against the bucket it concerns", async () => {
    const [violation] = await evaluatePolicies(privateBucketWithout(PUBLIC_ACCESS_BLOCK));
    assert.equal(violation.policyName, "s3-bucket-public-access-blocked");
    assert.equal(violation.resourceType, BUCKET);
    assert.equal(violation.resourceName, "uploads");
  });

  it("makes a policy advisory with its level as the config entry", async () => {
    assert.deepEqual(await levels([plainQueue()], { "sqs-queue-encrypted": "advisory" }), [
      "advisory sqs-queue-encrypted",
    ]);
  });

  it("disables a policy with enforcementLevel disabled", async () => {
    const config = { "sqs-queue-encrypted": { enforcementLevel: "disabled" as const } };
    assert.deepEqual(await levels([plainQueue()], config), []);
  });

  it("sets every policy's level with all, which a policy's own entry overrides", async () => {
    const config: PolicyConfig = {
      all: "advisory",
      "s3-cors-allowed-origins": { enforcementLevel: "mandatory" },
    };
    assert.deepEqual(await levels([plainQueue(), seedWildcardCors()], config), [
      "mandatory s3-cors-allowed-origins",
      "advisory sqs-queue-encrypted",
    ]);
  });

  it("passes configured settings to the rule, in place of the defaults", async () => {
    const config = {
      "s3-cors-allowed-origins": { allowedOrigins: ["https://player.example.com"] },
    };
    const cors = corsConfiguration("https://player.example.com", "http://localhost:8080");
    assert.deepEqual(
      (await evaluatePolicies([cors], config)).map((v) => v.message),
      ['CORS allows "http://localhost:8080", which is not in the allowed origins.'],
    );
  });

  it("rejects a config entry for a policy the pack does not have", async () => {
    await assert.rejects(evaluatePolicies([], { "s3-cors-origins": "advisory" }), {
      message: 'Policy config: the pack has no policy "s3-cors-origins".',
    });
  });

  it("rejects a setting the policy does not declare", async () => {
    const config = { "s3-cors-allowed-origins": { allowedOrigin: ["https://a.example"] } };
    await assert.rejects(evaluatePolicies([], config), {
      message:
        "Policy config: s3-cors-allowed-origins.allowedOrigin is not a setting of this policy.",
    });
  });

  it("rejects a setting outside its schema", async () => {
    const config = { "cloudfront-viewer-https": { minimumProtocolVersion: "TLSv1.2" } };
    await assert.rejects(evaluatePolicies([], config), {
      message:
        'Policy config: cloudfront-viewer-https.minimumProtocolVersion must be one of SSLv3, TLSv1, TLSv1_2016, TLSv1.1_2016, TLSv1.2_2018, TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025, not "TLSv1.2".',
    });
  });

  it("rejects an enforcement level that does not exist", async () => {
    const config = { all: "warn" } as unknown as PolicyConfig;
    await assert.rejects(evaluatePolicies([], config), {
      message:
        'Policy config: "all" has enforcement level "warn"; use advisory, mandatory, remediate, disabled.',
    });
  });

  it("gives a rule the engine's arguments: isType, asType, getConfig and notApplicable", async () => {
    class FakeBucket {
      static readonly __pulumiType = BUCKET;
    }
    const seen: unknown[] = [];
    const probe: ResourceValidationPolicy = {
      name: "probe-resource-args",
      description: "Checks whether the evaluator builds the engine's arguments.",
      configSchema: { properties: { limit: { type: "integer", default: 3 } } },
      validateResource: (args, report) => {
        const cls = FakeBucket as never;
        if (!args.isType(cls)) args.notApplicable("not a bucket");
        // A copy: rules see props through the engine's unknown-checking proxy.
        seen.push({ ...args.asType(cls) }, args.getConfig(), args.urn);
        report("seen");
      },
    };
    const bucket = resource(BUCKET, "uploads", { bucket: "uploads" });
    const violations = await evaluatePolicies(
      [bucket, plainQueue()],
      { [probe.name]: { limit: 5 } },
      [probe],
    );
    assert.deepEqual(
      violations.map((v) => [v.resourceName, v.enforcementLevel]),
      [["uploads", "mandatory"]],
    );
    assert.deepEqual(seen, [
      { bucket: "uploads" },
      { limit: 5 },
      "urn:pulumi:stack::project::aws:s3/bucket:Bucket::uploads",
    ]);
  });

  it("links parents and property dependencies for stack rules", async () => {
    const parentUrn = "urn:pulumi:dev::vod::vod:index:PrivateBucket::uploads";
    const bucketUrn = `${parentUrn}$aws:s3/bucket:Bucket::uploads`;
    const probe: StackValidationPolicy = {
      name: "probe-stack-args",
      description: "Checks whether the evaluator links resources.",
      validateStack: ({ resources }, report) => {
        for (const r of resources) {
          const sources = r.propertyDependencies.bucket?.map((d) => d.name) ?? [];
          report(
            `${r.name}: parent ${r.parent?.name ?? "-"}, bucket from ${sources.join() || "-"}`,
            r.urn,
          );
        }
      },
    };
    const resources: EvaluatedResource[] = [
      { ...resource("vod:index:PrivateBucket", "uploads", {}), urn: parentUrn },
      { ...resource(BUCKET, "uploads", {}), urn: bucketUrn, parent: parentUrn },
      {
        ...resource(PUBLIC_ACCESS_BLOCK, "uploads-pab", {}),
        parent: parentUrn,
        propertyDependencies: { bucket: [bucketUrn] },
      },
    ];
    assert.deepEqual(
      (await evaluatePolicies(resources, {}, [probe])).map((v) => v.message),
      [
        "uploads: parent -, bucket from -",
        "uploads: parent uploads, bucket from -",
        "uploads-pab: parent uploads, bucket from uploads",
      ],
    );
  });

  it("names the policy and resource when a rule fails", async () => {
    const broken: ResourceValidationPolicy = {
      name: "probe-broken",
      description: "Checks whether failures are named.",
      validateResource: () => {
        throw new Error("boom");
      },
    };
    await assert.rejects(evaluatePolicies([plainQueue()], {}, [broken]), {
      message: "Policy probe-broken failed on aws:sqs/queue:Queue dlq: Error: boom",
    });
  });

  it("evaluates the source design's public bucket with every rule at mandatory", async () => {
    const violations = await evaluatePolicies(seedPublicBucket());
    assert.ok(violations.length > 0 && violations.every((v) => v.enforcementLevel === "mandatory"));
  });
});
