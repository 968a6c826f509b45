/**
 * Protection System Specific Header boxes, as a key server returns them in CPIX
 * `<cpix:PSSH>`: enough for a packager to write them into the init segment and the MPD.
 * The DRM-specific data is minimal (the key id, and the content id for Widevine); a real
 * PallyCon PSSH carries more, which only the real DRM clients read.
 * @see ISO/IEC 23001-7 (Common Encryption), section 8.1 `ProtectionSystemSpecificHeaderBox`
 */
import { keyIdBytes, keyIdFromBytes } from "./keyStore";

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ""), "hex");

/**
 * A `pssh` box: version 0 with only data, or version 1 listing the key ids (the form
 * the common system id `1077efec-…` uses, with no data).
 */
export function psshBox(systemId: string, data: Buffer, keyIds?: readonly string[]): Buffer {
  const kids = keyIds ? [u32(keyIds.length), ...keyIds.map(keyIdBytes)] : [];
  const body = Buffer.concat([
    Buffer.from([keyIds ? 1 : 0, 0, 0, 0]), // version, flags
    uuidBytes(systemId),
    ...kids,
    u32(data.length),
    data,
  ]);
  return Buffer.concat([u32(8 + body.length), Buffer.from("pssh", "ascii"), body]);
}

/** What a `pssh` box says; the inverse of {@link psshBox}. Throws on anything else. */
export function parsePsshBox(box: Buffer): {
  version: number;
  systemId: string;
  keyIds: string[];
  data: Buffer;
} {
  if (
    box.length < 32 ||
    box.readUInt32BE(0) !== box.length ||
    box.toString("ascii", 4, 8) !== "pssh"
  ) {
    throw new Error("Not a pssh box");
  }
  const version = box[8];
  const systemId = keyIdFromBytes(box.subarray(12, 28));
  let at = 28;
  const keyIds: string[] = [];
  if (version === 1) {
    const count = box.readUInt32BE(at);
    at += 4;
    for (let i = 0; i < count; i++, at += 16)
      keyIds.push(keyIdFromBytes(box.subarray(at, at + 16)));
  }
  const size = box.readUInt32BE(at);
  const data = box.subarray(at + 4, at + 4 + size);
  if (at + 4 + size !== box.length) throw new Error("The pssh box's data size is wrong");
  return { version, systemId, keyIds, data };
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** A protobuf length-delimited field (wire type 2). */
function bytesField(fieldNumber: number, value: Buffer): Buffer {
  const length: number[] = [];
  let rest = value.length;
  do {
    length.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
    rest >>>= 7;
  } while (rest > 0);
  return Buffer.concat([Buffer.from([(fieldNumber << 3) | 2, ...length]), value]);
}

/**
 * `WidevinePsshData` with `key_ids` (field 2) and `content_id` (field 4), the fields a
 * license server uses to find the content.
 * @see https://github.com/shaka-project/shaka-packager (widevine_pssh_data.proto)
 */
export function widevinePsshData(keyId: string, contentId: string): Buffer {
  return Buffer.concat([
    bytesField(2, keyIdBytes(keyId)),
    bytesField(4, Buffer.from(contentId, "utf8")),
  ]);
}

/** A GUID's bytes as PlayReady stores them: the first three fields little-endian. */
function guidBytes(keyId: string): Buffer {
  const bytes = keyIdBytes(keyId);
  return Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
}

/**
 * A PlayReady Object holding one PlayReady Header v4.0.0.0 record (AES-CTR, the key id).
 * It is both the `speke:ProtectionHeader` value and the data of PlayReady's `pssh`.
 * @see https://learn.microsoft.com/en-us/playready/specifications/playready-header-specification
 */
export function playReadyObject(keyId: string): Buffer {
  const header =
    '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.0.0.0">' +
    "<DATA><PROTECTINFO><KEYLEN>16</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO>" +
    `<KID>${guidBytes(keyId).toString("base64")}</KID></DATA></WRMHEADER>`;
  const record = Buffer.from(header, "utf16le");
  const object = Buffer.alloc(10 + record.length);
  object.writeUInt32LE(object.length, 0);
  object.writeUInt16LE(1, 4); // one record
  object.writeUInt16LE(1, 6); // type 1: a PlayReady Header
  object.writeUInt16LE(record.length, 8);
  record.copy(object, 10);
  return object;
}
