/**
 * What the local servers share: listening on 127.0.0.1 (HTTPS when given a key and
 * certificate), reading a request body, and closing.
 */
import {
  createServer as createHttpServer,
  IncomingMessage,
  RequestListener,
  Server,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

/** A TLS key and certificate, PEM. */
export interface TlsOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

/** A server listening on 127.0.0.1 (on a free port unless `port` is given), and its origin. */
export async function listenLocally(
  handler: RequestListener,
  tls?: TlsOptions,
  port = 0,
): Promise<{ server: Server; origin: string; close(): Promise<void> }> {
  const server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    server,
    origin: `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most a request body may hold: a CPIX request or a license request is far smaller. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as UTF-8 text; rejects past {@link MAX_BODY_BYTES}. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`The request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
