/**
 * The local S3's objects on disk, so the preview's buckets outlive a restart: each
 * object is `<sha256 of bucket/key>.bin` with a `.json` beside it naming the key and its
 * ETag, version and type. Keys are hashed because S3 keys can hold anything a file
 * name cannot (`..`, control characters, 1024 bytes). Bytes are read when served, not
 * kept in memory: uploads can be large.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { IncomingMessage } from "node:http";

/** One stored object. */
export interface StoredObject {
  /** The content as UTF-8 text (asset files). */
  readonly body: string;
  /** The content as stored (media). */
  readonly bytes: Buffer;
  readonly etag: string;
  /** A new id for every write of the key: the buckets version their objects. */
  readonly versionId: string;
  readonly contentType: string;
  readonly headers: IncomingMessage["headers"];
}

interface ObjectRecord {
  readonly path: string;
  readonly etag: string;
  readonly versionId: string;
  readonly contentType: string;
}

export class ObjectFolder {
  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  /** Every object stored, by `bucket/key`. */
  load(): Array<[string, StoredObject]> {
    return readdirSync(this.folder)
      .filter((name) => name.endsWith(".json"))
      .map((name) => {
        const record = JSON.parse(
          readFileSync(path.join(this.folder, name), "utf8"),
        ) as ObjectRecord;
        return [record.path, this.objectOf(record)];
      });
  }

  /** Writes the bytes, then the record: a crash between leaves the previous version whole. */
  write(objectPath: string, bytes: Buffer, meta: Omit<ObjectRecord, "path">): StoredObject {
    const base = this.baseOf(objectPath);
    const record: ObjectRecord = { path: objectPath, ...meta };
    writeFileSync(`${base}.bin.tmp`, bytes);
    renameSync(`${base}.bin.tmp`, `${base}.bin`);
    writeFileSync(`${base}.json.tmp`, JSON.stringify(record));
    renameSync(`${base}.json.tmp`, `${base}.json`);
    return this.objectOf(record);
  }

  private baseOf(objectPath: string): string {
    return path.join(this.folder, createHash("sha256").update(objectPath).digest("hex"));
  }

  private objectOf(record: ObjectRecord): StoredObject {
    const file = `${this.baseOf(record.path)}.bin`;
    return {
      etag: record.etag,
      versionId: record.versionId,
      contentType: record.contentType,
      headers: {},
      get bytes() {
        return readFileSync(file);
      },
      get body() {
        return readFileSync(file, "utf8");
      },
    };
  }
}
