import * as assert from "node:assert/strict";
import { NO_OPTIONS, PlannedStack } from "../plan/mockCloud";
import {
  bindingMismatches,
  isCantRun,
  planVerdicts,
  previewResources,
  previewVerdicts,
  renderVerdicts,
  toEvaluatedResources,
} from "../plan/verdicts";
import { allPolicies, Violation } from "../policies/rules";
import { AWS } from "./support/resourceTypes";

/** The engine's sentinel for a string unknown at preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const planned = (type: string, name: string, inputs: object, outputs: object = {}) => ({
  type,
  name,
  inputs,
  outputs,
  custom: true,
  urn: `${type}::${name}`,
  options: NO_OPTIONS,
});

describe("plan verdicts", () => {
  it("give buckets their auto-name, as the provider does at preview", () => {
    const plan: PlannedStack = {
      resources: [planned(AWS.s3.Bucket, "up", {}, { bucket: "up-1a2b" })],
      outputs: {},
    };
    assert.equal(toEvaluatedResources(plan)[0].props.bucket, "up-1a2b");
  });

  it("print each violation with its resource and the fix", async () => {
    const plan: PlannedStack = {
      resources: [planned(AWS.sqs.Queue, "dlq", {})],
      outputs: {},
    };
    const violations = await planVerdicts(plan);
    assert.deepEqual(
      violations.map((v) => [v.enforcementLevel, v.policyName, v.resourceName]),
      [["mandatory", "sqs-queue-encrypted", "dlq"]],
    );
    assert.equal(
      renderVerdicts(violations, 18).split("\nBinding: ")[0],
      [
        "Policy verdicts (18 policies): 1 mandatory, 0 advisory violations",
        "  [mandatory] sqs-queue-encrypted: aws:sqs/queue:Queue dlq",
        "      The queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId.",
        "      fix: Requires every SQS queue to set sqsManagedSseEnabled: true or a kmsMasterKeyId.",
      ].join("\n"),
    );
  });

  it("print when each policy binds, after the violations", () => {
    const text = renderVerdicts([], allPolicies.length);
    const up = allPolicies.filter((p) => p.binds.at === "up");
    assert.match(
      text,
      new RegExp(
        `^Policy verdicts \\(${allPolicies.length} policies\\): 0 mandatory, 0 advisory violations\n` +
          `Binding: ${allPolicies.length - up.length} policies block at \`pulumi preview\`; ${up.length} only at \`pulumi up\``,
      ),
    );
    for (const policy of allPolicies) {
      assert.ok(
        text.includes(`\n  [${policy.binds.at}] ${policy.name}\n      ${policy.binds.reason}`),
        policy.name,
      );
    }
  });
});

describe("the first preview, in the plan", () => {
  const bucketArn = "arn:aws:s3:::uploads-1a2b3c4d";
  const plan: PlannedStack = {
    resources: [
      planned(
        AWS.s3.Bucket,
        "uploads",
        {},
        { id: "uploads-1a2b3c4d", bucket: "uploads-1a2b3c4d", arn: bucketArn },
      ),
      planned(
        AWS.s3.BucketPolicy,
        "uploads",
        {
          bucket: "uploads-1a2b3c4d",
          policy: JSON.stringify({ Statement: [{ Effect: "Deny", Resource: bucketArn }] }),
        },
        { id: "uploads-1a2b3c4d" },
      ),
      planned(AWS.sqs.Queue, "dlq", { sqsManagedSseEnabled: true }, { id: "dlq-9f8e7d6c" }),
    ],
    outputs: {},
  };

  it("makes unknown every input that holds an output of a resource not yet created, whole", () => {
    const [bucket, policy, queue] = previewResources(plan);
    assert.equal(bucket.props.bucket, "uploads-1a2b3c4d", "the provider auto-names at preview");
    assert.deepEqual(policy.props, { bucket: UNKNOWN, policy: UNKNOWN });
    assert.deepEqual(policy.propertyDependencies, {
      bucket: [`${AWS.s3.Bucket}::uploads`],
      policy: [`${AWS.s3.Bucket}::uploads`],
    });
    assert.deepEqual(queue.props, { sqsManagedSseEnabled: true });
  });

  it("reports the engine's can't-run advisory for a policy that reads such an input", async () => {
    const violations = await previewVerdicts(plan);
    const names = (vs: Violation[]) => [...new Set(vs.map((v) => v.policyName))].sort();
    assert.deepEqual(names(violations.filter(isCantRun)), [
      "s3-bucket-policy-not-public",
      "s3-bucket-tls-requests-only",
    ]);
    // What is known still binds: the bucket has no public access block or encryption.
    assert.deepEqual(names(violations.filter((v) => v.enforcementLevel === "mandatory")), [
      "s3-bucket-public-access-blocked",
      "s3-bucket-server-side-encryption",
    ]);
    assert.deepEqual(bindingMismatches(violations), new Map());
  });

  it("prints what the first preview leaves to up, and any binding claim it proves wrong", () => {
    const cantRun: Violation = {
      policyName: "sqs-queue-encrypted",
      enforcementLevel: "advisory",
      resourceType: AWS.sqs.Queue,
      resourceName: "dlq",
      message:
        "can't run policy 'sqs-queue-encrypted' during preview: string value at .kmsMasterKeyId can't be known during preview",
      fix: "",
    };
    const text = renderVerdicts([], allPolicies.length, [cantRun]);
    assert.match(
      text,
      /\nAt the first preview \(outputs of resources not yet created unknown\): 0 mandatory; 1 policies can't run until `pulumi up` on some resources: sqs-queue-encrypted \(1\)\n  \[mismatch\] sqs-queue-encrypted says it binds at preview, but can't decide on: dlq$/,
    );
  });
});
