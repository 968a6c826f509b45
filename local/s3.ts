/**
 * A local S3: the part of the S3 REST API the functions, the stand-ins and an upload use,
 * on a free loopback port (the SDK addresses an IP endpoint path-style: `/<bucket>/<key>`).
 * The tests run the functions against it, and the local preview keeps the stack's buckets
 * in it. It models, as the S3 User Guide and API Reference document them:
 *
 * - conditional writes: PutObject with `If-None-Match: *` fails with 412
 *   PreconditionFailed when the key exists, and with `If-Match: <etag>` when the key
 *   is missing or has another ETag;
 * - GetObject of a missing key: 404 NoSuchKey (as S3 answers a caller with
 *   s3:ListBucket); with `If-Match` and another ETag: 412 PreconditionFailed;
 * - ranged GetObject (one range per request): 206 with `Content-Range`; a range that
 *   starts past the end is 416 InvalidRange; a header that is not one range is ignored;
 * - versioning: every write of a key makes a new current version, whose id PutObject,
 *   GetObject and HeadObject answer in `x-amz-version-id`;
 * - HeadObject: GetObject's headers without a body; a missing key is 404 with no body;
 * - multipart upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload), as
 *   `aws s3 cp` sends a large file: the ETag is the MD5 of the parts' MD5s, `-<parts>`;
 * - with `buckets` given, only those buckets exist (404 NoSuchBucket for the rest);
 * - ObjectCreated event notifications (`onObjectCreated`): the record S3 delivers to
 *   Lambda (event structure 2.1), with the key form-encoded and a sequencer that grows
 *   with each write (User Guide, "Event message structure").
 *
 * Why not an S3 server from the registry: the maintained ones need Docker or Java, and
 * s3rver (last released 2021) has no versioning or conditional writes, which the
 * functions rely on. A store kinder than S3 would hide exactly those bugs.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { S3EventRecord } from "aws-lambda";
import { listenLocally } from "./http";
import { ObjectFolder, StoredObject } from "./objectFolder";

export type { StoredObject } from "./objectFolder";

/** A failure to answer with instead of serving a request. */
export interface InjectedS3Failure {
  readonly status: number;
  readonly code: string;
}
/** S3's throttling answer: the SDK retries it. */
export const SLOW_DOWN: InjectedS3Failure = { status: 503, code: "SlowDown" };
/** Not retried by the SDK. */
export const ACCESS_DENIED: InjectedS3Failure = { status: 403, code: "AccessDenied" };

export interface LocalS3Options {
  /** Decides, per request (numbered from 1), whether to fail it instead. */
  readonly failure?: (
    call: number,
    request: { method: string; path: string },
  ) => InjectedS3Failure | undefined;
  /** The buckets that exist. @default any bucket a request names */
  readonly buckets?: readonly string[];
  /** Keeps the objects on disk here, across restarts. @default in memory */
  readonly folder?: string;
  /** Told of every object created, as S3 notifies a bucket's subscribers. */
  readonly onObjectCreated?: (record: S3EventRecord) => void;
  /** @default "us-east-1" */
  readonly region?: string;
}

export interface LocalS3 {
  readonly endpoint: string;
  /** Objects by `bucket/key`. */
  readonly objects: ReadonlyMap<string, StoredObject>;
  /** Every request, in arrival order. */
  readonly calls: Array<{ method: string; path: string; headers: IncomingMessage["headers"] }>;
  /** Stores an object directly, as an upload would: `path` is `bucket/key`. */
  put(path: string, content: Buffer | string): StoredObject;
  close(): Promise<void>;
}

const etagOf = (bytes: Buffer) => `"${createHash("md5").update(bytes).digest("hex")}"`;

/**
 * A single byte range of an object of `size` bytes, as S3 reads the `Range` header
 * (RFC 9110 §14.1.2: `bytes=first-last`, `bytes=first-`, `bytes=-suffix`; a last byte
 * past the end is cut to the end). `"unsatisfiable"` when it starts past the end (or
 * the object is empty); undefined when the header is not one range S3 serves.
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
 * An event key as S3 writes it: form-encoded (a space is `+`, and everything but letters,
 * digits and `. - _ *` is escaped, as `application/x-www-form-urlencoded` does), with the
 * `/` between path segments kept.
 */
export const eventKeyOf = (key: string): string =>
  key
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, "+"),
    )
    .join("/");

/** Starts the store on a free loopback port. */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const folder = options.folder ? new ObjectFolder(options.folder) : undefined;
  const objects = new Map<string, StoredObject>(folder?.load() ?? []);
  const calls: LocalS3["calls"] = [];
  const uploads = new Map<
    string,
    { path: string; headers: IncomingMessage["headers"]; parts: Map<number, Buffer> }
  >();
  let sequence = folder ? objects.size : 0;

  const store = (
    path: string,
    bytes: Buffer,
    headers: IncomingMessage["headers"],
    etag = etagOf(bytes),
  ) => {
    const versionId = randomBytes(16).toString("base64url");
    const contentType = String(headers["content-type"] ?? "application/octet-stream");
    const object: StoredObject = folder
      ? folder.write(path, bytes, { etag, versionId, contentType })
      : { body: bytes.toString("utf8"), bytes, etag, versionId, contentType, headers };
    objects.set(path, object);
    const slash = path.indexOf("/");
    options.onObjectCreated?.(
      createdRecord(path.slice(0, slash), path.slice(slash + 1), {
        size: bytes.length,
        etag,
        versionId,
        sequencer: (++sequence).toString(16).toUpperCase().padStart(18, "0"),
        multipart: etag.includes("-"),
        region: options.region ?? "us-east-1",
      }),
    );
    return object;
  };

  const server = await listenLocally(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname).slice(1);
    const method = request.method ?? "";
    calls.push({ method, path, headers: request.headers });
    const error = (status: number, code: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/xml", ...headers });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    };
    const xml = (body: string) => {
      response.writeHead(200, { "content-type": "application/xml" });
      response.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
    };
    const failure = options.failure?.(calls.length, { method, path });
    if (failure) return error(failure.status, failure.code);
    const bucket = path.split("/")[0];
    if (options.buckets && !options.buckets.includes(bucket)) {
      return method === "HEAD" ? void response.writeHead(404).end() : error(404, "NoSuchBucket");
    }

    // Multipart upload: CreateMultipartUpload, UploadPart, CompleteMultipartUpload.
    const uploadId = url.searchParams.get("uploadId");
    if (method === "POST" && url.searchParams.has("uploads")) {
      const id = randomBytes(12).toString("base64url");
      uploads.set(id, { path, headers: request.headers, parts: new Map() });
      const key = escapeXml(path.slice(bucket.length + 1));
      return xml(
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (uploadId !== null) {
      const upload = uploads.get(uploadId);
      if (!upload || upload.path !== path) return error(404, "NoSuchUpload");
      if (method === "PUT") {
        const part = Buffer.concat(chunks);
        upload.parts.set(Number(url.searchParams.get("partNumber")), part);
        response.writeHead(200, { etag: etagOf(part) });
        return void response.end();
      }
      if (method === "POST") {
        const numbers = [
          ...Buffer.concat(chunks)
            .toString("utf8")
            .matchAll(/<PartNumber>(\d+)<\/PartNumber>/g),
        ].map((m) => Number(m[1]));
        if (numbers.length === 0 || numbers.some((n) => !upload.parts.has(n))) {
          return error(400, "InvalidPart");
        }
        const parts = numbers.map((n) => upload.parts.get(n)!);
        const digest = createHash("md5");
        for (const part of parts) digest.update(createHash("md5").update(part).digest());
        uploads.delete(uploadId);
        const etag = `"${digest.digest("hex")}-${parts.length}"`;
        const stored = store(path, Buffer.concat(parts), upload.headers, etag);
        response.writeHead(200, {
          "content-type": "application/xml",
          "x-amz-version-id": stored.versionId,
        });
        return void response.end(
          `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><ETag>${escapeXml(etag)}</ETag></CompleteMultipartUploadResult>`,
        );
      }
      if (method === "DELETE") {
        uploads.delete(uploadId);
        response.writeHead(204);
        return void response.end();
      }
    }

    const existing = objects.get(path);
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
        "content-type": existing.contentType,
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
      const bytes = existing.bytes;
      const size = bytes.length;
      const headers = {
        etag: existing.etag,
        "x-amz-version-id": existing.versionId,
        "content-type": existing.contentType,
        "accept-ranges": "bytes",
      };
      const range = byteRange(request.headers.range, size);
      if (range === "unsatisfiable") {
        return error(416, "InvalidRange", { "content-range": `bytes */${size}` });
      }
      if (range) {
        const part = bytes.subarray(range.first, range.last + 1);
        response.writeHead(206, {
          ...headers,
          "content-range": `bytes ${range.first}-${range.last}/${size}`,
          "content-length": String(part.length),
        });
        return response.end(part);
      }
      response.writeHead(200, { ...headers, "content-length": String(size) });
      return response.end(bytes);
    }
    error(405, "MethodNotAllowed");
  });
  return {
    endpoint: server.origin,
    objects,
    calls,
    put: (path: string, content: Buffer | string) =>
      store(path, Buffer.isBuffer(content) ? content : Buffer.from(content), {}),
    close: server.close,
  };
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The ObjectCreated record S3 sends for a write. */
function createdRecord(
  bucket: string,
  key: string,
  object: {
    size: number;
    etag: string;
    versionId: string;
    sequencer: string;
    multipart: boolean;
    region: string;
  },
): S3EventRecord {
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: object.region,
    eventTime: new Date().toISOString(),
    eventName: object.multipart ? "ObjectCreated:CompleteMultipartUpload" : "ObjectCreated:Put",
    userIdentity: { principalId: "AWS:LOCAL" },
    requestParameters: { sourceIPAddress: "127.0.0.1" },
    responseElements: {
      "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(),
      "x-amz-id-2": "local",
    },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "convert",
      bucket: {
        name: bucket,
        ownerIdentity: { principalId: "LOCAL" },
        arn: `arn:aws:s3:::${bucket}`,
      },
      object: {
        key: eventKeyOf(key),
        size: object.size,
        eTag: object.etag.replace(/"/g, ""),
        versionId: object.versionId,
        sequencer: object.sequencer,
      },
    },
  };
}
