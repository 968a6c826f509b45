/**
 * A local SPEKE v1 key server standing in for PallyCon's KMS
 * (`https://kms.pallycon.com/cpix/getKey`): `POST /cpix/getKey` answers a CPIX request
 * (see cpix.ts), and `GET /cpix/getKey/heartbeat` answers `SUCCESS` as PallyCon's
 * health check does. The query string (PallyCon's `enc-token`) is not checked: the
 * KMS gateway in front of it is what the deployment secures.
 * @see https://docs.aws.amazon.com/speke/latest/documentation/the-speke-api.html
 */
import type { ServerResponse } from "node:http";
import { answerCpixRequest } from "./cpix";
import { listenLocally, readBody, TlsOptions } from "../http";
import type { KeyStore } from "./keyStore";

export const SPEKE_PATH = "/cpix/getKey";
export const HEARTBEAT_PATH = `${SPEKE_PATH}/heartbeat`;

/** One request the key server answered. */
export interface SpekeRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** For key requests answered 200: the CPIX id, and what was asked for. */
  readonly contentId?: string;
  readonly keyIds?: readonly string[];
  readonly systemIds?: readonly string[];
  /** Why a request was refused. */
  readonly message?: string;
}

export interface SpekeServer {
  /** The SPEKE URL for a job: `https://127.0.0.1:<port>/cpix/getKey` (http without TLS). */
  readonly url: string;
  readonly heartbeatUrl: string;
  readonly requests: SpekeRequestRecord[];
  close(): Promise<void>;
}

/** What identifies this key server in `Speke-User-Agent`, for the encryptor's logs. */
const USER_AGENT = "vod-multidrm local SPEKE stand-in";

/**
 * Starts the key server on 127.0.0.1. MediaConvert's job settings take only an https
 * SPEKE URL, so the pipeline gives it `tls`; plain http is for tests.
 */
export async function startSpekeServer({
  keys,
  tls,
}: {
  keys: KeyStore;
  tls?: TlsOptions;
}): Promise<SpekeServer> {
  const requests: SpekeRequestRecord[] = [];
  const { origin, close } = await listenLocally(async (request, response) => {
    const method = request.method ?? "";
    const path = new URL(request.url ?? "/", "http://local").pathname;
    const answer = (
      status: number,
      contentType: string,
      body: string,
      record: Partial<SpekeRequestRecord> = {},
      headers: Record<string, string> = {},
    ) => {
      requests.push({ method, path, status, ...record });
      reply(response, status, { "content-type": contentType, ...headers }, body);
    };

    if (path === HEARTBEAT_PATH) {
      if (method !== "GET")
        return answer(405, "text/plain", "Method Not Allowed", {}, { allow: "GET" });
      return answer(200, "text/plain", "SUCCESS");
    }
    if (path !== SPEKE_PATH) return answer(404, "text/plain", "Not Found");
    if (method !== "POST")
      return answer(405, "text/plain", "Method Not Allowed", {}, { allow: "POST" });

    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      return answer(413, "text/plain", String((error as Error).message));
    }
    const result = answerCpixRequest(body, keys);
    if (result.status !== 200) {
      return answer(400, "text/plain", result.message, { message: result.message });
    }
    const { contentId, keyIds, systemIds } = result;
    answer(
      200,
      "application/xml",
      result.body,
      { contentId, keyIds, systemIds },
      {
        "speke-user-agent": USER_AGENT,
      },
    );
  }, tls);
  return {
    url: `${origin}${SPEKE_PATH}`,
    heartbeatUrl: `${origin}${HEARTBEAT_PATH}`,
    requests,
    close,
  };
}

function reply(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  response.writeHead(status, headers);
  response.end(body);
}
