/**
 * The license token function as deployed: its bundle in a fresh Node process, with only
 * its environment, and Secrets Manager and Lambda (the entitlement function) on a local
 * server that records what it is asked.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleFunction } from "../../functions/bundle";
import { listenLocally, readBody } from "../../local/http";
import { runNode } from "./bundledFunction";

/** Writes the bundled token function to a fresh folder; returns `index.js`'s path. */
export function writeTokenBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "license-token-"));
  writeFileSync(path.join(dir, "index.js"), bundleFunction("licenseToken").code);
  return path.join(dir, "index.js");
}

/** What the entitlement function stand-in answers: a payload, or a function error. */
export type EntitlementAnswer =
  { readonly payload: unknown } | { readonly functionError: string; readonly payload: unknown };

/** Secrets Manager and Lambda on 127.0.0.1, as the SDK reaches them through endpoint overrides. */
export interface LocalAws {
  readonly endpoint: string;
  /** The secret's JSON string. */
  secretString: string;
  /** The entitlement function: its answer to one request. */
  entitlement: (request: {
    sub: string;
    claims: Record<string, unknown>;
    cid: string;
  }) => EntitlementAnswer;
  /** Every Invoke: the function name in the path, and the payload sent. */
  readonly invocations: Array<{ functionName: string; payload: any }>;
  close(): Promise<void>;
}

export async function startLocalAws(secretString: string): Promise<LocalAws> {
  const invocations: LocalAws["invocations"] = [];
  const state: Pick<LocalAws, "secretString" | "entitlement"> = {
    secretString,
    entitlement: () => ({ payload: { allow: false } }),
  };
  const server = await listenLocally(async (request, response) => {
    const body = await readBody(request);
    // Secrets Manager: JSON 1.1, the operation in X-Amz-Target.
    if (request.headers["x-amz-target"] === "secretsmanager.GetSecretValue") {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      return void response.end(
        JSON.stringify({ ARN: SecretId, Name: "keys", SecretString: state.secretString }),
      );
    }
    // Lambda Invoke: POST /2015-03-31/functions/<name>/invocations, the payload as the body.
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url ?? "");
    if (request.method === "POST" && invoke) {
      const payload = JSON.parse(body);
      invocations.push({ functionName: decodeURIComponent(invoke[1]), payload });
      const answer = state.entitlement(payload);
      response.writeHead(200, {
        "content-type": "application/json",
        "x-amz-executed-version": "$LATEST",
        ...("functionError" in answer ? { "x-amz-function-error": answer.functionError } : {}),
      });
      return void response.end(JSON.stringify(answer.payload));
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ message: `not served here: ${request.method} ${request.url}` }));
  });
  const endpoint = server.origin;
  return {
    endpoint,
    get secretString() {
      return state.secretString;
    },
    set secretString(value: string) {
      state.secretString = value;
    },
    get entitlement() {
      return state.entitlement;
    },
    set entitlement(answer: LocalAws["entitlement"]) {
      state.entitlement = answer;
    },
    invocations,
    close: server.close,
  };
}

/** One response of the bundled handler. */
export interface BundledResponse {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly cookies?: string[];
}

/**
 * Runs the bundle once, in a fresh process, with `events` handled one after another (one
 * warm container), and returns each response and every line the function printed.
 */
export async function runTokenBundle(
  bundlePath: string,
  events: unknown[],
  env: Record<string, string | undefined>,
): Promise<{ responses: BundledResponse[]; lines: string[]; stderr: string }> {
  const script = [
    `const { handler } = require(${JSON.stringify(bundlePath)});`,
    `const context = { functionName: "vod-tokens", awsRequestId: "r-" + process.pid, getRemainingTimeInMillis: () => 10000 };`,
    `(async () => { for (const event of ${JSON.stringify(events)}) {`,
    `  const response = await handler(event, context);`,
    `  process.stdout.write("RESPONSE " + JSON.stringify(response) + "\\n");`,
    `} })().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`,
  ].join("\n");
  const run = await runNode(["-e", script], { env });
  if (run.code !== 0) throw new Error(`The bundled function failed: ${run.stderr}`);
  // The logger writes errors and warnings to stderr, the rest to stdout.
  const lines = `${run.stdout}\n${run.stderr}`
    .split("\n")
    .filter((line) => line.startsWith("{") || line.startsWith("RESPONSE "));
  return {
    responses: lines
      .filter((line) => line.startsWith("RESPONSE "))
      .map((line) => JSON.parse(line.slice("RESPONSE ".length))),
    lines: lines.filter((line) => !line.startsWith("RESPONSE ")),
    stderr: run.stderr,
  };
}
