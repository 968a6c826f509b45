/**
 * The idempotency table: one record per upload, written by the convert function before
 * `CreateJob`, so a retried or late duplicate event never makes a second job.
 * MediaConvert's own `ClientRequestToken` dedupes for one minute only.
 *
 * The table's shape is Powertools for AWS Lambda's (its DynamoDB persistence layer):
 * a string partition key `id`, and a TTL on `expiration`.
 * @see https://docs.aws.amazon.com/powertools/typescript/latest/features/idempotency/
 */
import type * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  IDEMPOTENCY_EXPIRY_ATTRIBUTE,
  IDEMPOTENCY_KEY_ATTRIBUTE,
} from "../../shared/idempotencyTable";

export interface IdempotencyTableArgs {
  /** The owning component's name; the table is `${name}-idempotency`. */
  readonly name: string;
  readonly parent: pulumi.Resource;
}

/** What {@link createIdempotencyTable} made. */
export interface IdempotencyTable {
  readonly table: aws.dynamodb.Table;
  /** For the convert function's role: the record actions Powertools uses, on this table only. */
  readonly recordUploads: aws.iam.PolicyStatement;
}

/**
 * The item actions Powertools' DynamoDB persistence layer sends: a conditional PutItem
 * (the INPROGRESS record), GetItem (a consistent read of an existing record),
 * UpdateItem (COMPLETED, with the job id) and DeleteItem (when `CreateJob` failed).
 * No Query, Scan or batch access.
 */
export const IDEMPOTENCY_RECORD_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
];

/** The table, and the statement that lets the convert function use it. */
export function createIdempotencyTable({ name, parent }: IdempotencyTableArgs): IdempotencyTable {
  // One small item per upload, written once or twice: on-demand capacity costs nothing
  // idle and absorbs bursts of uploads without throttling.
  const table = new aws.dynamodb.Table(
    `${name}-idempotency`,
    {
      billingMode: "PAY_PER_REQUEST",
      hashKey: IDEMPOTENCY_KEY_ATTRIBUTE,
      attributes: [{ name: IDEMPOTENCY_KEY_ATTRIBUTE, type: "S" }],
      // DynamoDB deletes expired records (Powertools already ignores them).
      ttl: { attributeName: IDEMPOTENCY_EXPIRY_ATTRIBUTE, enabled: true },
      // Encrypted with the AWS managed key (aws/dynamodb): key use is visible in CloudTrail,
      // and no key policy needs tending, as only this account's convert role reads the
      // table. The items hold hashes, statuses and job ids, nothing secret.
      serverSideEncryption: { enabled: true },
      // Losing the records would let every late duplicate make a second job: keep 35 days
      // of point-in-time restores.
      pointInTimeRecovery: { enabled: true },
    },
    { parent },
  );
  return {
    table,
    recordUploads: {
      Sid: "RecordEachUploadOnce",
      Effect: "Allow",
      Action: IDEMPOTENCY_RECORD_ACTIONS,
      Resource: table.arn,
    },
  };
}
