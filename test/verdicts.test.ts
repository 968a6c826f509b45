import * as assert from "node:assert/strict";
import { NO_OPTIONS, PlannedStack } from "../plan/mockCloud";
import { planVerdicts, renderVerdicts, toEvaluatedResources } from "../plan/verdicts";

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
      resources: [planned("aws:s3/bucket:Bucket", "up", {}, { bucket: "up-1a2b" })],
      outputs: {},
    };
    assert.equal(toEvaluatedResources(plan)[0].props.bucket, "up-1a2b");
  });

  it("print each violation with its resource and the fix", async () => {
    const plan: PlannedStack = {
      resources: [planned("aws:sqs/queue:Queue", "dlq", {})],
      outputs: {},
    };
    const violations = await planVerdicts(plan);
    assert.deepEqual(
      violations.map((v) => [v.enforcementLevel, v.policyName, v.resourceName]),
      [["mandatory", "sqs-queue-encrypted", "dlq"]],
    );
    assert.equal(
      renderVerdicts(violations, 18),
      [
        "Policy verdicts (18 policies): 1 mandatory, 0 advisory violations",
        "  [mandatory] sqs-queue-encrypted: aws:sqs/queue:Queue dlq",
        "      The queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId.",
        "      fix: Requires every SQS queue to set sqsManagedSseEnabled: true or a kmsMasterKeyId.",
      ].join("\n"),
    );
  });
});
