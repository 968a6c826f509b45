import * as assert from "node:assert/strict";
import { VodPipeline } from "../components/vodPipeline";
import { LAMBDA_MAX_EVENT_AGE_SECONDS } from "../components/common/lambdaFunction";
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE, UPLOAD_RECORD_SECONDS } from "../shared/idempotencyTable";
import type { PlannedStack } from "../plan/mockCloud";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";
import { AWS } from "./support/resourceTypes";

const TABLE = AWS.dynamodb.Table;

describe("VodPipeline: the idempotency table", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(() => {
      new VodPipeline("vod", { applicationName: "vod-test" });
    });
  });
  const table = () => named(plan, TABLE, "vod-idempotency");
  const recordStatements = () =>
    statementsOf(named(plan, AWS.iam.RolePolicy, "vod-convert").inputs.policy).filter((s) =>
      actionsOf(s).some((action) => action.startsWith("dynamodb:")),
    );

  it("is the only table, owned by the component", () => {
    assert.deepEqual(
      ofType(plan, TABLE).map((t) => [t.name, t.parent]),
      [["vod-idempotency", "vod:index:VodPipeline::vod"]],
    );
  });

  it("bills on demand", () => {
    assert.equal(table().inputs.billingMode, "PAY_PER_REQUEST");
    assert.equal(table().inputs.readCapacity, undefined);
    assert.equal(table().inputs.writeCapacity, undefined);
  });

  it("is keyed as Powertools keys its records: a string partition key `id`, no sort key", () => {
    assert.equal(table().inputs.hashKey, "id");
    assert.equal(table().inputs.rangeKey, undefined);
    assert.deepEqual(table().inputs.attributes, [{ name: "id", type: "S" }]);
  });

  it("expires records through a TTL on Powertools' `expiration` attribute", () => {
    assert.deepEqual(table().inputs.ttl, { attributeName: "expiration", enabled: true });
    assert.equal(IDEMPOTENCY_EXPIRY_ATTRIBUTE, "expiration");
  });

  it("encrypts records with the AWS managed KMS key", () => {
    assert.deepEqual(table().inputs.serverSideEncryption, { enabled: true });
  });

  it("keeps point-in-time recovery on", () => {
    assert.deepEqual(table().inputs.pointInTimeRecovery, { enabled: true });
  });

  it("keeps records longer than any copy of an event can arrive, dead-lettered ones included", () => {
    const retention = named(plan, AWS.sqs.Queue, "vod-dlq").inputs.messageRetentionSeconds;
    assert.ok(UPLOAD_RECORD_SECONDS > LAMBDA_MAX_EVENT_AGE_SECONDS);
    assert.ok(UPLOAD_RECORD_SECONDS > retention, `${UPLOAD_RECORD_SECONDS} > ${retention}`);
  });

  it("tells the convert function the table's name", () => {
    const env = named(plan, AWS.lambda.Function, "vod-convert").inputs.environment.variables;
    assert.equal(env.IDEMPOTENCY_TABLE, table().outputs.name);
  });

  it("lets the convert function get, put, update and delete items in that table, nothing more", () => {
    const [statement, ...others] = recordStatements();
    assert.deepEqual(others, []);
    assert.equal(statement.Effect, "Allow");
    assert.deepEqual(actionsOf(statement), [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
    ]);
    assert.equal(statement.Resource, table().outputs.arn);
    assert.equal(statement.Condition, undefined);
  });

  it("grants no other role anything in DynamoDB", () => {
    for (const policy of ofType(plan, AWS.iam.RolePolicy)) {
      if (policy.name === "vod-convert") continue;
      const actions = statementsOf(policy.inputs.policy).flatMap(actionsOf);
      assert.ok(!actions.some((a) => a.startsWith("dynamodb:")), policy.name);
    }
  });
});
