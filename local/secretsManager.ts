/**
 * A local Secrets Manager that answers GetSecretValue (AWS JSON 1.1, `X-Amz-Target:
 * secretsmanager.GetSecretValue`) for the secrets the stack declares, as the API
 * Reference describes it: by ARN or name, and ResourceNotFoundException for any other.
 */
import { listenLocally } from "./http";

export interface LocalSecretsManager {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** `secrets`: secret strings by ARN. */
export async function startSecretsManager(
  secrets: Readonly<Record<string, string>>,
): Promise<LocalSecretsManager> {
  const server = await listenLocally(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify(body));
    };
    if (request.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") {
      return reply(400, { __type: "UnknownOperationException", message: "Only GetSecretValue" });
    }
    const { SecretId } = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    const arn = Object.keys(secrets).find(
      (candidate) => candidate === SecretId || candidate.split(":")[6]?.startsWith(`${SecretId}-`),
    );
    if (!arn) {
      return reply(400, {
        __type: "ResourceNotFoundException",
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    reply(200, {
      ARN: arn,
      Name: arn.split(":")[6],
      SecretString: secrets[arn],
      VersionId: "00000000-0000-0000-0000-000000000001",
      VersionStages: ["AWSCURRENT"],
      CreatedDate: Math.floor(Date.now() / 1000),
    });
  });
  return { endpoint: server.origin, close: server.close };
}
