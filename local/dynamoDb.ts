/**
 * DynamoDB on this machine: dynalite, a DynamoDB-protocol server on LevelDB in memory,
 * with tables created as the stack declares them. The idempotency records live as long
 * as the preview runs, which is as long as they matter: a restart re-reads the buckets.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

// dynalite ships no types.
const dynalite = require("dynalite") as (options: { createTableMs: number }) => Server;

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Creates an on-demand table keyed by one string attribute, as the stack declares its tables. */
  createTable(name: string, hashKey: string): Promise<void>;
  close(): Promise<void>;
}

export const LOCAL_DYNAMODB_CREDENTIALS = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" };

export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: LOCAL_DYNAMODB_CREDENTIALS,
  });
  return {
    endpoint,
    client,
    async createTable(name, hashKey) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
          KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
        }),
      );
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
