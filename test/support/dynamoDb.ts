/**
 * A real DynamoDB-protocol server in this process (dynalite, on LevelDB in memory),
 * with the idempotency table created as the component creates it.
 */
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { IDEMPOTENCY_KEY_ATTRIBUTE } from "../../shared/idempotencyTable";

// dynalite ships no types.
const dynalite = require("dynalite") as (options: {
  createTableMs: number;
}) => import("node:http").Server;

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Creates a table keyed like the idempotency table (`id`, a string). */
  createIdempotencyTable(name: string): Promise<void>;
  /** Every item of a table. */
  items(table: string): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

export const TEST_CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };

export async function startDynamoDb(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
  });
  return {
    endpoint,
    client,
    async createIdempotencyTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_KEY_ATTRIBUTE, AttributeType: "S" }],
          KeySchema: [{ AttributeName: IDEMPOTENCY_KEY_ATTRIBUTE, KeyType: "HASH" }],
        }),
      );
    },
    async items(table) {
      const documents = DynamoDBDocumentClient.from(client);
      const { Items = [] } = await documents.send(new ScanCommand({ TableName: table }));
      return Items;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
