/**
 * The watch folder: a file dropped in it (or in a folder under it) is uploaded to the
 * source bucket under its path there, as `aws s3 cp` would upload it: one PutObject up
 * to 8 MiB, a multipart upload of 8 MiB parts above (the AWS CLI's default threshold
 * and part size), with a content type from the file's extension. A file is uploaded
 * once it stops growing. What was uploaded is remembered, so a restart uploads only new
 * or changed files.
 */
import { existsSync, mkdirSync, readFileSync, statSync, watch, writeFileSync } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import * as path from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

/** The AWS CLI's `multipart_threshold` and `multipart_chunksize`. */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;

/** Content types the AWS CLI guesses for the files one drops here (Python's mimetypes). */
const CONTENT_TYPES: Record<string, string> = {
  ".mp4": "video/mp4",
  ".m4v": "video/x-m4v",
  ".mov": "video/quicktime",
  ".mkv": "video/x-matroska",
  ".webm": "video/webm",
  ".avi": "video/x-msvideo",
  ".mpg": "video/mpeg",
  ".mpeg": "video/mpeg",
  ".ts": "video/mp2t",
  ".mxf": "application/mxf",
  ".txt": "text/plain",
};

export const contentTypeOf = (file: string): string | undefined =>
  CONTENT_TYPES[path.extname(file).toLowerCase()];

/** The key a file is uploaded under: its path in the folder, with `/` between parts. */
export const keyOf = (folder: string, file: string): string =>
  path.relative(folder, file).split(path.sep).join("/");

export interface WatchFolder {
  close(): void;
}

export interface WatchFolderOptions {
  readonly folder: string;
  readonly s3: S3Client;
  readonly bucket: string;
  /** Where what was uploaded is remembered. */
  readonly stateFile: string;
  readonly onUploaded: (key: string, bytes: number) => void;
  readonly onFailed: (key: string, error: Error) => void;
  /** How long a file must keep its size before it is read. @default 500 ms */
  readonly settleMs?: number;
}

export function watchFolder(options: WatchFolderOptions): WatchFolder {
  const { folder, s3, bucket } = options;
  mkdirSync(folder, { recursive: true });
  const uploaded: Record<string, string> = existsSync(options.stateFile)
    ? JSON.parse(readFileSync(options.stateFile, "utf8"))
    : {};
  const pending = new Map<string, NodeJS.Timeout>();
  const settleMs = options.settleMs ?? 500;
  let closed = false;

  const signature = (file: string) => {
    const stats = statSync(file);
    return `${stats.size}:${stats.mtimeMs}`;
  };

  async function upload(file: string): Promise<void> {
    const key = keyOf(folder, file);
    try {
      const before = signature(file);
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      if (closed) return;
      const now = signature(file);
      if (now !== before) return schedule(file); // still being written
      if (uploaded[key] === now) return;
      const bytes = await uploadFile(s3, bucket, key, file);
      uploaded[key] = now;
      writeFileSync(options.stateFile, JSON.stringify(uploaded, null, 2));
      options.onUploaded(key, bytes);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // removed meanwhile
      options.onFailed(key, error as Error);
    }
  }

  function schedule(file: string): void {
    if (closed || path.basename(file).startsWith(".")) return;
    clearTimeout(pending.get(file));
    pending.set(
      file,
      setTimeout(() => {
        pending.delete(file);
        void upload(file);
      }, 50),
    );
  }

  const watcher = watch(folder, { recursive: true }, (_event, name) => {
    if (!name) return;
    const file = path.join(folder, name.toString());
    stat(file).then(
      (stats) => stats.isFile() && schedule(file),
      () => undefined,
    );
  });
  // What is there already: uploaded unless it was before, unchanged.
  void readdir(folder, { recursive: true, withFileTypes: true }).then((entries) => {
    for (const entry of entries) {
      if (entry.isFile()) schedule(path.join(entry.parentPath, entry.name));
    }
  });
  return {
    close() {
      closed = true;
      watcher.close();
      for (const timer of pending.values()) clearTimeout(timer);
    },
  };
}

/** Uploads one file as `aws s3 cp` does; returns its size. */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  key: string,
  file: string,
): Promise<number> {
  const { size } = await stat(file);
  const ContentType = contentTypeOf(file);
  if (size <= MULTIPART_THRESHOLD) {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file), ContentType }),
    );
    return size;
  }
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType }),
  );
  const handle = await open(file);
  try {
    const parts = [];
    for (
      let offset = 0, PartNumber = 1;
      offset < size;
      offset += MULTIPART_THRESHOLD, PartNumber++
    ) {
      const length = Math.min(MULTIPART_THRESHOLD, size - offset);
      const Body = Buffer.alloc(length);
      await handle.read(Body, 0, length, offset);
      const { ETag } = await s3.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body }),
      );
      parts.push({ ETag, PartNumber });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } finally {
    await handle.close();
  }
  return size;
}
