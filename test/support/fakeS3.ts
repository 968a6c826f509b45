import { createHash } from "node:crypto";
import { createServer, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One stored object. */
export interface FakeObject {
  readonly body: string;
  readonly etag: string;
  readonly headers: IncomingMessage["headers"];
}

/** A local HTTP server that speaks the part of the S3 REST API the functions use. */
export interface FakeS3 {
  readonly endpoint: string;
  /** Objects by `bucket/key`. */
  readonly objects: Map<string, FakeObject>;
  /** Every request, in arrival order. */
  readonly calls: Array<{ method: string; path: string; headers: IncomingMessage["headers"] }>;
  close(): Promise<void>;
}

/**
 * Starts the fake on a free loopback port (the SDK addresses an IP endpoint
 * path-style: `/<bucket>/<key>`). It models S3 conditional writes as the S3 User
 * Guide's "conditional writes" page documents them: PutObject with
 * `If-None-Match: *` fails with 412 PreconditionFailed when the key exists, and
 * with `If-Match: <etag>` when the key is missing or has another ETag. GetObject
 * of a missing key answers 404 NoSuchKey (as S3 does for a caller with
 * s3:ListBucket).
 */
export async function startFakeS3(): Promise<FakeS3> {
  const fake: Omit<FakeS3, "endpoint" | "close"> = { objects: new Map(), calls: [] };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname).slice(1);
    fake.calls.push({ method: request.method ?? "", path, headers: request.headers });
    const error = (status: number, code: string) => {
      response.writeHead(status, { "content-type": "application/xml" });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    };
    const existing = fake.objects.get(path);
    if (request.method === "PUT") {
      const ifNoneMatch = request.headers["if-none-match"];
      const ifMatch = request.headers["if-match"];
      if (ifNoneMatch === "*" && existing) return error(412, "PreconditionFailed");
      if (ifMatch !== undefined && existing?.etag !== ifMatch) {
        return error(existing ? 412 : 404, existing ? "PreconditionFailed" : "NoSuchKey");
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const etag = `"${createHash("md5").update(body).digest("hex")}"`;
      fake.objects.set(path, { body, etag, headers: request.headers });
      response.writeHead(200, { etag });
      return response.end();
    }
    if (request.method === "GET") {
      if (!existing) return error(404, "NoSuchKey");
      response.writeHead(200, { etag: existing.etag, "content-type": "application/json" });
      return response.end(existing.body);
    }
    error(405, "MethodNotAllowed");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
