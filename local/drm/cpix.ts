/**
 * The answer of a SPEKE v1 key server to a CPIX request, as PallyCon's KMS gives it to
 * MediaConvert: the request document with each content key filled in
 * (`cpix:Data/pskc:Secret/pskc:PlainValue`) and each DRM system's signaling (a `pssh`
 * box, or the `EXT-X-KEY` URI for FairPlay).
 *
 * Follows AWS's "SPEKE API v1" specification: "Standard payload components" (the
 * request asks, per `cpix:DRMSystem`, for a `cpix:PSSH` or a `cpix:URIExtXKey`),
 * "Customizations and constraints to the DASH-IF specification" (`speke:KeyFormat`,
 * `speke:KeyFormatVersions`, `speke:ProtectionHeader`) and "VOD workflow method call
 * examples" (the response is the request document, filled in), with
 * awslabs/speke-reference-server (`key_server_common.py`) for the details.
 * @see https://docs.aws.amazon.com/speke/latest/documentation/the-speke-api.html
 *
 * PlayReady gets a `pssh` and, when asked, a `speke:ProtectionHeader`, both holding a
 * minimal PlayReady Header (the key id only). Refused with 400 and a message, as a key
 * server refuses them: not XML, not CPIX, no content id, a content key without a UUID
 * kid, a DRM system for an unknown system id or for a kid the document does not list,
 * and what PallyCon's KMS does not do through SPEKE v1 here (key rotation periods,
 * content key encryption).
 */
import { DRM_SYSTEM_IDS } from "../../shared/drm";
import { isKeyId, KeyStore } from "./keyStore";
import { playReadyObject, psshBox, widevinePsshData } from "./pssh";
import {
  childElements,
  createElement,
  parseXml,
  removeChildren,
  serializeXml,
  setChildText,
  XmlElement,
  XmlError,
} from "./xml";

export const CPIX_NAMESPACE = "urn:dashif:org:cpix";
export const PSKC_NAMESPACE = "urn:ietf:params:xml:ns:keyprov:pskc";
export const SPEKE_NAMESPACE = "urn:aws:amazon:com:speke";

/** The common `pssh` system id (W3C "cenc" initialization data): a v1 box with the key ids. */
export const COMMON_SYSTEM_ID = "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b";

/** PallyCon allows content ids of at most 200 bytes. */
const MAX_CONTENT_ID_BYTES = 200;

/** What the key server answers, with what the request asked for. */
export type CpixAnswer =
  | {
      readonly status: 200;
      readonly body: string;
      readonly contentId: string;
      readonly keyIds: string[];
      readonly systemIds: string[];
    }
  | { readonly status: 400; readonly message: string };

class CpixRefusal extends Error {}

const refuse = (message: string): never => {
  throw new CpixRefusal(message);
};

/** Answers one CPIX request body; keys come from (and are recorded in) `keys`. */
export function answerCpixRequest(body: string, keys: KeyStore): CpixAnswer {
  try {
    return fillCpixDocument(body, keys);
  } catch (error) {
    if (error instanceof XmlError) {
      return { status: 400, message: `The request body is not XML: ${error.message}` };
    }
    if (error instanceof CpixRefusal) return { status: 400, message: error.message };
    throw error;
  }
}

function fillCpixDocument(body: string, keys: KeyStore): CpixAnswer {
  const root = parseXml(body);
  if (root.namespace !== CPIX_NAMESPACE || root.localName !== "CPIX") {
    refuse(`The request is not a CPIX document: its root is <${root.name}>`);
  }
  const contentId = root.attributes.get("id") ?? "";
  if (contentId.trim() === "") refuse("CPIX@id (the content id) is missing");
  if (Buffer.byteLength(contentId, "utf8") > MAX_CONTENT_ID_BYTES) {
    refuse(`CPIX@id (the content id) is longer than ${MAX_CONTENT_ID_BYTES} bytes`);
  }
  if (childElements(root, CPIX_NAMESPACE, "DeliveryDataList").length > 0) {
    refuse("Content key encryption (cpix:DeliveryDataList) is not supported");
  }
  if (childElements(root, CPIX_NAMESPACE, "ContentKeyPeriodList").length > 0) {
    refuse("Key rotation (cpix:ContentKeyPeriodList) is not supported");
  }

  const contentKeys = onlyChild(root, "ContentKeyList").flatMap((list) =>
    childElements(list, CPIX_NAMESPACE, "ContentKey"),
  );
  if (contentKeys.length === 0) refuse("cpix:ContentKeyList has no cpix:ContentKey");
  const keyIds: string[] = [];
  for (const contentKey of contentKeys) {
    const kid = contentKey.attributes.get("kid");
    if (!isKeyId(kid))
      refuse(`cpix:ContentKey@kid must be a UUID, not ${JSON.stringify(kid ?? "")}`);
    if (keyIds.includes(kid!.toLowerCase())) refuse(`cpix:ContentKey kid ${kid} appears twice`);
    keyIds.push(kid!.toLowerCase());
  }

  const drmSystems = onlyChild(root, "DRMSystemList").flatMap((list) =>
    childElements(list, CPIX_NAMESPACE, "DRMSystem"),
  );
  const systemIds: string[] = [];
  for (const system of drmSystems) {
    const kid = system.attributes.get("kid");
    const systemId = system.attributes.get("systemId")?.toLowerCase() ?? "";
    if (!isKeyId(kid) || !keyIds.includes(kid.toLowerCase())) {
      refuse(`cpix:DRMSystem@kid ${JSON.stringify(kid ?? "")} is not a cpix:ContentKey kid`);
    }
    if (!SUPPORTED_SYSTEM_IDS.includes(systemId)) {
      refuse(`cpix:DRMSystem@systemId ${JSON.stringify(systemId)} is not a supported DRM system`);
    }
    systemIds.push(systemId);
  }

  for (const contentKey of contentKeys) {
    const key = keys.issue(contentId, contentKey.attributes.get("kid")!);
    removeChildren(contentKey, CPIX_NAMESPACE, "Data");
    const data = createElement(contentKey, CPIX_NAMESPACE, "Data", "cpix");
    const secret = createElement(data, PSKC_NAMESPACE, "Secret", "pskc");
    setChildText(secret, PSKC_NAMESPACE, "PlainValue", "pskc", key.toString("base64"));
    data.children.push(secret);
    contentKey.children.push(data);
  }
  for (const system of drmSystems) {
    const kid = system.attributes.get("kid")!.toLowerCase();
    signal(system, system.attributes.get("systemId")!.toLowerCase(), contentId, kid);
  }
  return { status: 200, body: serializeXml(root), contentId, keyIds, systemIds };
}

/** The one `cpix:<localName>` child of the root, as a list of zero or one. */
function onlyChild(root: XmlElement, localName: string): XmlElement[] {
  const found = childElements(root, CPIX_NAMESPACE, localName);
  if (found.length > 1) refuse(`cpix:${localName} appears more than once`);
  return found;
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** The system ids this key server signals, lowercase. */
const SUPPORTED_SYSTEM_IDS: readonly string[] = [
  ...Object.values(DRM_SYSTEM_IDS),
  COMMON_SYSTEM_ID,
];

/** Fills one `cpix:DRMSystem` for its (supported) system id. */
function signal(system: XmlElement, systemId: string, contentId: string, keyId: string): void {
  switch (systemId) {
    case DRM_SYSTEM_IDS.Widevine:
      return answerWithPssh(system, psshBox(systemId, widevinePsshData(keyId, contentId)));
    case DRM_SYSTEM_IDS.PlayReady:
      return answerWithPssh(
        system,
        psshBox(systemId, playReadyObject(keyId)),
        playReadyObject(keyId),
      );
    case COMMON_SYSTEM_ID:
      return answerWithPssh(system, psshBox(systemId, Buffer.alloc(0), [keyId]));
    case DRM_SYSTEM_IDS.FairPlay:
      // The EXT-X-KEY URI the player hands to PallyCon's FairPlay license server.
      setChildText(system, CPIX_NAMESPACE, "URIExtXKey", "cpix", base64(`skd://${contentId}`));
      setChildText(system, SPEKE_NAMESPACE, "KeyFormat", "speke", base64(FAIRPLAY_KEY_FORMAT));
      setChildText(system, SPEKE_NAMESPACE, "KeyFormatVersions", "speke", base64("1"));
      removeChildren(system, CPIX_NAMESPACE, "PSSH");
      return removeChildren(system, SPEKE_NAMESPACE, "ProtectionHeader");
  }
}

const FAIRPLAY_KEY_FORMAT = "com.apple.streamingkeydelivery";

/**
 * A DRM system answered with a `pssh` box. A `speke:ProtectionHeader` (only MSS asks for
 * one, and only PlayReady has one) is filled when the request carries the element.
 */
function answerWithPssh(system: XmlElement, box: Buffer, protectionHeader?: Buffer): void {
  setChildText(system, CPIX_NAMESPACE, "PSSH", "cpix", box.toString("base64"));
  const asked = childElements(system, SPEKE_NAMESPACE, "ProtectionHeader").length > 0;
  if (protectionHeader && asked) {
    const header = protectionHeader.toString("base64");
    setChildText(system, SPEKE_NAMESPACE, "ProtectionHeader", "speke", header);
  } else {
    removeChildren(system, SPEKE_NAMESPACE, "ProtectionHeader");
  }
  removeChildren(system, CPIX_NAMESPACE, "URIExtXKey");
  removeChildren(system, SPEKE_NAMESPACE, "KeyFormat");
  removeChildren(system, SPEKE_NAMESPACE, "KeyFormatVersions");
}
