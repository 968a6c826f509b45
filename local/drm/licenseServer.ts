/**
 * A local license server standing in for PallyCon's
 * (`https://license-global.pallycon.com/ri/licenseManager.do`), answering the ClearKey
 * requests videojs-contrib-eme sends for `org.w3.clearkey`: the token in the
 * `pallycon-customdata-v2` header is checked as PallyCon checks it, and the keys come
 * from the local key server's store. Called cross-origin from the player page, so it
 * answers CORS for that one origin.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LICENSE_TOKEN_HEADER } from "../../player/src/drm";
import { listenLocally, readBody, TlsOptions } from "../http";
import type { KeyStore } from "./keyStore";
import {
  checkLicenseToken,
  clearKeyLicense,
  isRefusal,
  LicenseErrorCode,
  parseClearKeyRequest,
  SiteCredentials,
} from "./licenseCheck";

export const LICENSE_PATH = "/ri/licenseManager.do";

/** One license request the server answered. */
export interface LicenseRequestRecord {
  readonly origin?: string;
  readonly drmType?: string;
  readonly cid?: string;
  /** The base64url key ids asked for. */
  readonly kids?: readonly string[];
  /** `"license"`, or the refusal's code. */
  readonly outcome: "license" | LicenseErrorCode;
}

export interface LicenseServer {
  readonly origin: string;
  /** What the player's `keySystems[...].url` is. */
  readonly licenseUrl: string;
  readonly requests: LicenseRequestRecord[];
  close(): Promise<void>;
}

export interface LicenseServerOptions extends SiteCredentials {
  readonly keys: KeyStore;
  /** The player page's origin, the one origin CORS allows. */
  readonly pageOrigin: string;
  readonly tls?: TlsOptions;
  readonly now?: () => Date;
}

/** Starts the license server on 127.0.0.1. */
export async function startLicenseServer(options: LicenseServerOptions): Promise<LicenseServer> {
  const { keys, pageOrigin, tls, now = () => new Date() } = options;
  const site = { siteId: options.siteId, siteKey: options.siteKey, accessKey: options.accessKey };
  const requests: LicenseRequestRecord[] = [];

  const { origin, close } = await listenLocally(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://local").pathname;
    const cors = corsHeaders(request, pageOrigin);
    if (path !== LICENSE_PATH) return reply(response, 404, cors, { message: "Not Found" });
    if (request.method === "OPTIONS") {
      response.writeHead(204, cors);
      return void response.end();
    }
    if (request.method !== "POST") {
      return reply(
        response,
        405,
        { ...cors, allow: "POST, OPTIONS" },
        { message: "Method Not Allowed" },
      );
    }
    const body = await readBody(request).catch(() => "");
    let seen: Omit<LicenseRequestRecord, "outcome"> = { origin: request.headers.origin };
    const answer = (result: object) => {
      requests.push({ ...seen, outcome: isRefusal(result) ? result.errorCode : "license" });
      // PallyCon answers refusals with HTTP 200 too.
      reply(response, 200, cors, result);
    };

    const header = request.headers[LICENSE_TOKEN_HEADER];
    const token = checkLicenseToken(typeof header === "string" ? header : undefined, site, now());
    if (isRefusal(token)) return answer(token);
    seen = { ...seen, drmType: token.drmType, cid: token.cid };
    const clearKeyRequest = parseClearKeyRequest(body);
    if (isRefusal(clearKeyRequest)) return answer(clearKeyRequest);
    seen = { ...seen, kids: clearKeyRequest.kids };
    answer(clearKeyLicense(token, clearKeyRequest, keys));
  }, tls);

  return { origin, licenseUrl: `${origin}${LICENSE_PATH}`, requests, close };
}

/**
 * CORS for the page origin only: another origin gets no `Access-Control-Allow-Origin`,
 * so its browser withholds the answer. The player sends the token header and
 * `content-type`, which make every license request preflighted.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
function corsHeaders(request: IncomingMessage, pageOrigin: string): Record<string, string> {
  if (request.headers.origin !== pageOrigin) return { vary: "Origin" };
  return {
    vary: "Origin",
    "access-control-allow-origin": pageOrigin,
    "access-control-allow-methods": "POST",
    "access-control-allow-headers": `content-type, ${LICENSE_TOKEN_HEADER}`,
    "access-control-max-age": "600",
  };
}

function reply(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  response.writeHead(status, { ...headers, "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
