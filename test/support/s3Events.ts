import type { S3Event, S3EventRecord } from "aws-lambda";

export const SOURCE_BUCKET = "vod-source-test";

/** An S3 ObjectCreated record as S3 delivers it: the key is form-encoded. */
export function uploadRecord(
  encodedKey: string,
  object: Partial<S3EventRecord["s3"]["object"]> = {},
): S3EventRecord {
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "us-east-1",
    eventTime: "2026-11-22T10:00:00.000Z",
    eventName: "ObjectCreated:Put",
    userIdentity: { principalId: "AWS:AIDAEXAMPLE" },
    requestParameters: { sourceIPAddress: "203.0.113.10" },
    responseElements: { "x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8" },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "convert",
      bucket: {
        name: SOURCE_BUCKET,
        ownerIdentity: { principalId: "A3NL1KOZZKExample" },
        arn: `arn:aws:s3:::${SOURCE_BUCKET}`,
      },
      object: {
        key: encodedKey,
        size: 52_428_800,
        eTag: "d41d8cd98f00b204e9800998ecf8427e",
        sequencer: "0055AED6DCD90281E5",
        ...object,
      },
    },
  };
}

/** An event holding the given records. */
export const s3Event = (...records: S3EventRecord[]): S3Event => ({ Records: records });
