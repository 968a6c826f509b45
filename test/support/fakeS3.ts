import { createHash, randomBytes } from "node:crypto";
import { createServer, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One stored object. */
export interface FakeObject {
  /** The content as UTF-8 text (asset files). */
  readonly body: string;
  /** The content as stored (media). */
  readonly bytes: Buffer;
  readonly etag: string;
  /** A new id for every write of the key: the buckets version their objects. */
  readonly versionId: string;
  readonly headers: IncomingMessage["headers"];
}

/** A failure to answer with instead of serving a request. */
export interface InjectedS3Failure {
  readonly status: number;
  readonly code: string;
}
/** S3's throttling answer: the SDK retries it. */
export const SLOW_DOWN: InjectedS3Failure = { status: 503, code: "SlowDown" };
/** Not retried by the SDK. */
export const ACCESS_DENIED: InjectedS3Failure = { status: 403, code: "AccessDenied" };

export interface FakeS3Options {
  /** Decides, per request (numbered from 1), whether to fail it instead. */
  readonly failure?: (
    call: number,
    request: { method: string; path: string },
  ) => InjectedS3Failure | undefined;
}

/** A local HTTP server that speaks the part of the S3 REST API the functions use. */
export interface FakeS3 {
  readonly endpoint: string;
  /** Objects by `bucket/key`. */
  readonly objects: Map<string, FakeObject>;
  /** Every request, in arrival order. */
  readonly calls: Array<{ method: string; path: string; headers: IncomingMessage["headers"] }>;
  /** Stores an object directly, as an upload would: `path` is `bucket/key`. */
  put(path: string, content: Buffer | string): FakeObject;
  close(): Promise<void>;
}

const etagOf = (bytes: Buffer) => `"${createHash("md5").update(bytes).digest("hex")}"`;

/**
 * A single byte range of an object of `size` bytes, as S3 reads the `Range` header
 * (RFC 9110 §14.1.2: `bytes=first-last`, `bytes=first-`, `bytes=-suffix`; a last byte
 * past the end is cut to the end). `"unsatisfiable"` when it starts past the end (or
 * the object is empty); undefined when the header is not one range S3 serves (S3
 * ignores it then and returns the whole object, as it does for multiple ranges).
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { first: number; last: number } | "unsatisfiable" | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? "");
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { first: Math.max(0, size - suffix), last: size - 1 };
  }
  const first = Number(match[1]);
  const last = match[2] === "" ? size - 1 : Number(match[2]);
  if (last < first) return undefined;
  if (first >= size) return "unsatisfiable";
  return { first, last: Math.min(last, size - 1) };
}

/**
 * Starts the fake on a free loopback port (the SDK addresses an IP endpoint
 * path-style: `/<bucket>/<key>`). It models, as the S3 User Guide and API Reference
 * document them:
 *
 * - conditional writes: PutObject with `If-None-Match: *` fails with 412
 *   PreconditionFailed when the key exists, and with `If-Match: <etag>` when the key
 *   is missing or has another ETag;
 * - GetObject of a missing key: 404 NoSuchKey (as S3 answers a caller with
 *   s3:ListBucket); with `If-Match` and another ETag: 412 PreconditionFailed;
 * - ranged GetObject (API Reference, GetObject `Range`; one range per request): 206
 *   Partial Content with `Content-Range: bytes first-last/size`; a range that starts
 *   past the end (any range of an empty object) is 416 InvalidRange with
 *   `Content-Range: bytes *\/size`; a header that is not one range is ignored (200,
 *   the whole object);
 * - versioning (User Guide, "Retaining multiple versions of objects"): every write of a
 *   key makes a new current version, whose id PutObject, GetObject and HeadObject answer
 *   in `x-amz-version-id`; reads without a version id read the current version;
 * - HeadObject (API Reference): GetObject's headers without a body; a missing key is 404
 *   with no body (the SDK names it NotFound).
 */
export async function startFakeS3(options: FakeS3Options = {}): Promise<FakeS3> {
  const fake: Omit<FakeS3, "endpoint" | "close" | "put"> = { objects: new Map(), calls: [] };
  const store = (path: string, bytes: Buffer, headers: IncomingMessage["headers"]) => {
    const versionId = randomBytes(16).toString("base64url");
    const object = { body: bytes.toString("utf8"), bytes, etag: etagOf(bytes), versionId, headers };
    fake.objects.set(path, object);
    return object;
  };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname).slice(1);
    const method = request.method ?? "";
    fake.calls.push({ method, path, headers: request.headers });
    const error = (status: number, code: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/xml", ...headers });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    };
    const failure = options.failure?.(fake.calls.length, { method, path });
    if (failure) return error(failure.status, failure.code);

    const existing = fake.objects.get(path);
    if (method === "PUT") {
      const ifNoneMatch = request.headers["if-none-match"];
      const ifMatch = request.headers["if-match"];
      if (ifNoneMatch === "*" && existing) return error(412, "PreconditionFailed");
      if (ifMatch !== undefined && existing?.etag !== ifMatch) {
        return error(existing ? 412 : 404, existing ? "PreconditionFailed" : "NoSuchKey");
      }
      const { etag, versionId } = store(path, Buffer.concat(chunks), request.headers);
      response.writeHead(200, { etag, "x-amz-version-id": versionId });
      return response.end();
    }
    if (method === "HEAD") {
      if (!existing) {
        response.writeHead(404);
        return response.end();
      }
      response.writeHead(200, {
        etag: existing.etag,
        "x-amz-version-id": existing.versionId,
        "content-type": String(existing.headers["content-type"] ?? "application/octet-stream"),
        "content-length": String(existing.bytes.length),
        "accept-ranges": "bytes",
      });
      return response.end();
    }
    if (method === "GET") {
      if (!existing) return error(404, "NoSuchKey");
      const ifMatch = request.headers["if-match"];
      if (ifMatch !== undefined && ifMatch !== existing.etag) {
        return error(412, "PreconditionFailed");
      }
      const size = existing.bytes.length;
      const headers = {
        etag: existing.etag,
        "x-amz-version-id": existing.versionId,
        "content-type": String(existing.headers["content-type"] ?? "application/octet-stream"),
        "accept-ranges": "bytes",
      };
      const range = byteRange(request.headers.range, size);
      if (range === "unsatisfiable") {
        return error(416, "InvalidRange", { "content-range": `bytes */${size}` });
      }
      if (range) {
        const part = existing.bytes.subarray(range.first, range.last + 1);
        response.writeHead(206, {
          ...headers,
          "content-range": `bytes ${range.first}-${range.last}/${size}`,
          "content-length": String(part.length),
        });
        return response.end(part);
      }
      response.writeHead(200, { ...headers, "content-length": String(size) });
      return response.end(existing.bytes);
    }
    error(405, "MethodNotAllowed");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}`,
    put: (path: string, content: Buffer | string) =>
      store(path, Buffer.isBuffer(content) ? content : Buffer.from(content), {}),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
