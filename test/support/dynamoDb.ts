/**
 * A real DynamoDB-protocol server in this process (the local preview's dynalite), with
 * the idempotency table created as the component creates it.
 */
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { IDEMPOTENCY_KEY_ATTRIBUTE } from "../../shared/idempotencyTable";
import { LocalDynamoDb, startLocalDynamoDb } from "../../local/dynamoDb";

export interface TestDynamoDb extends LocalDynamoDb {
  /** Creates a table keyed like the idempotency table (`id`, a string). */
  createIdempotencyTable(name: string): Promise<void>;
  /** Every item of a table. */
  items(table: string): Promise<Array<Record<string, any>>>;
}

export const TEST_CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };

export async function startDynamoDb(): Promise<TestDynamoDb> {
  const local = await startLocalDynamoDb();
  return {
    ...local,
    createIdempotencyTable: (name) => local.createTable(name, IDEMPOTENCY_KEY_ATTRIBUTE),
    async items(table) {
      const documents = DynamoDBDocumentClient.from(local.client);
      const { Items = [] } = await documents.send(new ScanCommand({ TableName: table }));
      return Items;
    },
  };
}
