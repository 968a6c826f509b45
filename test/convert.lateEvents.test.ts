/**
 * The convert function against late and malformed S3 events: a late event of an
 * overwritten version makes no job (MediaConvert would read the newer bytes), and a
 * malformed record is logged and thrown, never a TypeError.
 */
import * as assert from "node:assert/strict";
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { createConvertHandler } from "../functions/convert/handler";
import { uploadRecordStore } from "../functions/convert/idempotency";
import type { SourceProbe } from "../functions/convert/probe";
import { CONVERT_ENVIRONMENT } from "./support/convertEnvironment";
import { TEST_CREDENTIALS } from "./support/dynamoDb";
import {
  FakeMediaConvert,
  mediaConvertClientFor,
  startFakeMediaConvert,
} from "./support/fakeMediaConvert";
import { LocalS3, startLocalS3 } from "../local/s3";
import { lambdaContext } from "./support/lambdaContext";
import { capturingLogs } from "./support/logCapture";
import { s3Event, SOURCE_BUCKET, uploadRecord } from "./support/s3Events";
import { probeFinding } from "./support/sourceProbe";

describe("convert: late and malformed events", () => {
  let fake: FakeMediaConvert;
  let localS3: LocalS3;
  const dynamoDbClient = new DynamoDBClient({ region: "us-east-1", credentials: TEST_CREDENTIALS });
  const dynamoDb = mockClient(dynamoDbClient);
  /** The keys the probe was asked to read. */
  let probed: string[];
  let handler: (event: any) => Promise<void>;

  beforeEach(async () => {
    fake = await startFakeMediaConvert();
    localS3 = await startLocalS3();
    dynamoDb.reset();
    dynamoDb.on(PutItemCommand).resolves({});
    dynamoDb.on(UpdateItemCommand).resolves({});
    dynamoDb.on(DeleteItemCommand).resolves({});
    probed = [];
    const finding = probeFinding();
    const probe: SourceProbe = async (object) => {
      probed.push(object.key);
      return finding(object);
    };
    const convert = createConvertHandler(CONVERT_ENVIRONMENT, {
      mediaConvert: mediaConvertClientFor(fake) as MediaConvertClient,
      s3: new S3Client({
        endpoint: localS3.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: TEST_CREDENTIALS,
      }),
      probe,
      uploadRecords: uploadRecordStore(CONVERT_ENVIRONMENT.idempotencyTable, dynamoDbClient),
    });
    handler = (event) => convert(event, lambdaContext());
  });
  afterEach(async () => {
    await fake.close();
    await localS3.close();
  });
  after(() => dynamoDb.restore());

  /** Uploads `content` to `key` in the source bucket: a new version. */
  const upload = (key: string, content: string) => localS3.put(`${SOURCE_BUCKET}/${key}`, content);

  it("makes no job for a late event of an overwritten version, and says why", async () => {
    const first = upload("films/a.mp4", "first cut");
    const second = upload("films/a.mp4", "final cut");
    const { logs } = await capturingLogs(() =>
      handler(s3Event(uploadRecord("films/a.mp4", { versionId: first.versionId }))),
    );
    assert.equal(fake.jobs.length, 0, "no job for the overwritten version");
    assert.deepEqual(probed, [], "the newer bytes are not read for it");
    const skipped = logs.find((l) => l.message === "skipped");
    assert.match(skipped?.reason, new RegExp(`version ${first.versionId} is no longer current`));
    assert.match(skipped?.reason, new RegExp(second.versionId));
  });

  it("makes the job for the current version's own event", async () => {
    upload("films/a.mp4", "first cut");
    const second = upload("films/a.mp4", "final cut");
    await capturingLogs(() =>
      handler(s3Event(uploadRecord("films/a.mp4", { versionId: second.versionId }))),
    );
    assert.equal(fake.jobs.length, 1);
    assert.deepEqual(probed, ["films/a.mp4"]);
  });

  it("without versioning, has nothing to check: no HeadObject, and the job is made", async () => {
    upload("films/b.mp4", "final cut");
    await capturingLogs(() => handler(s3Event(uploadRecord("films/b.mp4", { versionId: "null" }))));
    assert.equal(fake.jobs.length, 1);
    assert.equal(localS3.calls.filter((c) => c.method === "HEAD").length, 0);
  });

  it("reads the current version with HeadObject of the key, never of a version", async () => {
    const object = upload("films/c.mp4", "cut");
    await capturingLogs(() =>
      handler(s3Event(uploadRecord("films/c.mp4", { versionId: object.versionId }))),
    );
    const heads = localS3.calls.filter((c) => c.method === "HEAD");
    assert.equal(heads.length, 1);
    assert.equal(heads[0].path, `${SOURCE_BUCKET}/films/c.mp4`);
    assert.doesNotMatch(heads[0].path, /versionId/);
  });

  for (const [what, record, missing] of [
    ["no s3", { eventName: "ObjectCreated:Put" }, "s3"],
    [
      "no object key",
      { eventName: "ObjectCreated:Put", s3: { bucket: { name: "b" }, object: {} } },
      "s3.object.key",
    ],
    [
      "no bucket",
      { eventName: "ObjectCreated:Put", s3: { object: { key: "a.mp4" } } },
      "s3.bucket.name",
    ],
  ] as const) {
    it(`logs one line naming a record with ${what}, goes on with the others, then throws`, async () => {
      const { versionId } = upload("ok.mp4", "cut");
      const { logs, error } = await capturingLogs(() =>
        handler({ Records: [record, uploadRecord("ok.mp4", { versionId })] }),
      );
      assert.ok(error instanceof AggregateError, String(error));
      assert.ok(
        !error.errors.some((e: unknown) => e instanceof TypeError || e instanceof RangeError),
      );
      assert.match(error.errors[0].message, new RegExp(`no ${missing.replace(/\./g, "\\.")}$`));
      const malformed = logs.filter((l) => l.message === "malformed event");
      assert.equal(malformed.length, 1);
      assert.equal(malformed[0].missing, missing);
      assert.equal(fake.jobs.length, 1, "the well-formed record still makes its job");
    });
  }

  it("logs one line and throws for an event with no Records", async () => {
    const { logs, error } = await capturingLogs(() => handler({}));
    assert.ok(error instanceof Error && !(error instanceof TypeError), String(error));
    assert.match(error.message, /no Records/);
    assert.deepEqual(
      logs.filter((l) => l.level === "ERROR").map((l) => [l.message, l.missing]),
      [["malformed event", "Records"]],
    );
  });
});
