/**
 * SPEKE v1 as MediaConvert speaks it: a CPIX document naming the content (`id` = the
 * resource id), one content key id, and one DRM system per system id, POSTed to the key
 * server, whose answer carries the key (`pskc:PlainValue`, base64) and, per system, the
 * PSSH box for DASH and the `EXT-X-KEY` URI for HLS (both base64).
 * @see https://docs.aws.amazon.com/speke/latest/documentation/what-is-speke.html
 * @see https://github.com/awslabs/speke-reference-server (the key server's side)
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { KeyRequest } from "./plan";

const NAMESPACES =
  'xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" ' +
  'xmlns:speke="urn:aws:amazon:com:speke"';

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

/** The CPIX request for one content key (`kid`, a UUID) and the systems to signal. */
export function cpixRequest(key: KeyRequest, kid: string): string {
  const systems = key.systemIds
    .map(
      (systemId) =>
        `<cpix:DRMSystem kid="${kid}" systemId="${systemId}">` +
        "<cpix:PSSH/><cpix:ContentProtectionData/><cpix:URIExtXKey/>" +
        "<speke:KeyFormat/><speke:KeyFormatVersions/><speke:ProtectionHeader/>" +
        "</cpix:DRMSystem>",
    )
    .join("");
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<cpix:CPIX id="${escapeXml(key.resourceId)}" ${NAMESPACES}>` +
    `<cpix:ContentKeyList><cpix:ContentKey kid="${kid}"/></cpix:ContentKeyList>` +
    `<cpix:DRMSystemList>${systems}</cpix:DRMSystemList>` +
    "</cpix:CPIX>"
  );
}

/** A content key as the key server gave it. */
export interface ContentKey {
  /** 32 hex digits, as Shaka Packager takes them. */
  readonly keyIdHex: string;
  readonly keyHex: string;
  /** PSSH boxes (hex) the answer carried, for the DASH manifests and init segments. */
  readonly psshHex: readonly string[];
  /** The HLS key URI the answer carried for FairPlay (`skd://…`), if any. */
  readonly hlsKeyUri?: string;
}

/** The text of the first element `name` (any namespace prefix) inside `xml`. */
const element = (xml: string, name: string): string | undefined =>
  new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1]?.trim();

/** Each `DRMSystem` element of an answer, by system id. */
function drmSystems(xml: string): Map<string, string> {
  const systems = new Map<string, string>();
  const pattern = /<(?:\w+:)?DRMSystem\s([^>]*)>([\s\S]*?)<\/(?:\w+:)?DRMSystem>/g;
  for (const [, attributes, body] of xml.matchAll(pattern)) {
    const systemId = /systemId="([^"]+)"/.exec(attributes)?.[1];
    if (systemId) systems.set(systemId.toLowerCase(), body);
  }
  return systems;
}

/** Reads the key server's answer; throws when it carries no 16-byte key. */
export function parseCpixResponse(xml: string, kid: string, fairPlayId: string): ContentKey {
  const value = element(xml, "PlainValue");
  const key = value ? Buffer.from(value, "base64") : Buffer.alloc(0);
  if (key.length !== 16) {
    throw new Error(`the key server's answer has no 16-byte content key (pskc:PlainValue)`);
  }
  const psshHex: string[] = [];
  let hlsKeyUri: string | undefined;
  for (const [systemId, body] of drmSystems(xml)) {
    const pssh = element(body, "PSSH");
    if (pssh) psshHex.push(Buffer.from(pssh, "base64").toString("hex"));
    const uri = element(body, "URIExtXKey");
    if (uri && systemId === fairPlayId) hlsKeyUri = Buffer.from(uri, "base64").toString("utf8");
  }
  return { keyIdHex: kid.replace(/-/g, ""), keyHex: key.toString("hex"), psshHex, hlsKeyUri };
}

/** POSTs the CPIX request to the key server (trusting `ca` for TLS) and reads the key. */
export async function requestContentKey(
  key: KeyRequest,
  options: { readonly ca?: string; readonly fairPlayId: string },
): Promise<ContentKey> {
  const kid = randomUUID();
  const body = cpixRequest(key, kid);
  const url = new URL(key.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const answer = await new Promise<string>((resolve, reject) => {
    const call = send(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/xml", "content-length": Buffer.byteLength(body) },
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode !== 200) {
            reject(
              new Error(`the key server answered ${response.statusCode}: ${text.slice(0, 200)}`),
            );
          } else resolve(text);
        });
      },
    );
    call.on("timeout", () => call.destroy(new Error("the key server did not answer in 30 s")));
    call.on("error", reject);
    call.end(body);
  });
  return parseCpixResponse(answer, kid, options.fairPlayId);
}
