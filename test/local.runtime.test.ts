/**
 * The local preview's own machinery, without ffmpeg or a browser: the Lambda-like
 * runner's timeout and retries, S3's multipart uploads and events, EventBridge patterns,
 * and the stack and settings the preview reads from the program.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3EventRecord } from "aws-lambda";
import { matchesPattern } from "../local/eventPattern";
import { InvokeOutcome, startFunction } from "../local/lambda/runner";
import { previewConfig } from "../local/previewConfig";
import { startLocalS3 } from "../local/s3";
import { localStackOf } from "../local/stack";
import { MULTIPART_THRESHOLD, uploadFile } from "../local/watchFolder";
import { readPlanConfig } from "../plan/stackConfig";
import { runWholeProgram } from "../plan/mockCloud";

const ROOT = path.resolve(__dirname, "..");

describe("local preview: the Lambda-like runner", function () {
  this.timeout(20_000);
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(tmpdir(), "local-runner-"));
    writeFileSync(
      path.join(folder, "index.js"),
      `exports.handler = async (event) => {
        if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
        if (event.fail) {
          console.log("attempt");
          throw new Error("failed on purpose");
        }
        return { echo: event, region: process.env.AWS_REGION, own: process.env.OWN };
      };`,
    );
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  const declared = (timeoutSeconds: number, retryAttempts = 2) => ({
    name: "metadata" as const,
    functionName: "vod-metadata-test",
    handler: "index.handler",
    timeoutSeconds,
    memoryMb: 128,
    environment: { OWN: "from the stack" },
    retryAttempts,
  });

  it("runs the handler with the function's environment and the runtime's, and keeps the container warm", async () => {
    const fn = startFunction({
      declared: declared(5),
      codeFolder: folder,
      runtimeEnvironment: { AWS_REGION: "us-east-1" },
      log: () => undefined,
      onDeadLetter: () => assert.fail("nothing fails"),
    });
    try {
      assert.deepEqual(await fn.invoke({ n: 1 }), {
        ok: true,
        result: { echo: { n: 1 }, region: "us-east-1", own: "from the stack" },
      });
      await fn.invoke({ n: 2 });
      assert.equal(fn.coldStarts, 1);
    } finally {
      await fn.close();
    }
  });

  it("stops an invocation at the function's timeout, as Lambda does, and starts a fresh container", async () => {
    const fn = startFunction({
      declared: declared(1),
      codeFolder: folder,
      runtimeEnvironment: {},
      log: () => undefined,
      onDeadLetter: () => undefined,
    });
    try {
      const outcome = await fn.invoke({ sleep: 5_000 });
      assert.deepEqual(outcome, {
        ok: false,
        errorType: "Sandbox.Timedout",
        errorMessage: "Task timed out after 1.00 seconds",
      });
      assert.equal((await fn.invoke({})).ok, true);
      assert.equal(fn.coldStarts, 2, "the timed-out container was not reused");
    } finally {
      await fn.close();
    }
  });

  it("retries a failed asynchronous event as many times as the invoke config says, then dead-letters it", async () => {
    const dead: Array<{ event: unknown; outcome: InvokeOutcome }> = [];
    let attempts = 0;
    const fn = startFunction({
      declared: declared(5, 2),
      codeFolder: folder,
      runtimeEnvironment: {},
      log: (line) => void (line === "attempt" && attempts++),
      onDeadLetter: (event, outcome) => dead.push({ event, outcome }),
      retryDelayMs: () => 10,
    });
    try {
      const outcome = await fn.invokeAsync({ fail: true });
      assert.equal(outcome.ok, false);
      assert.equal(attempts, 3, "the first attempt and two retries");
      assert.deepEqual(dead, [
        {
          event: { fail: true },
          outcome: { ok: false, errorType: "Error", errorMessage: "failed on purpose" },
        },
      ]);
    } finally {
      await fn.close();
    }
  });
});

describe("local preview: S3 as `aws s3 cp` and the functions use it", function () {
  this.timeout(20_000);

  it("takes a large file as a multipart upload, with S3's ETag and one ObjectCreated event", async () => {
    const records: S3EventRecord[] = [];
    const store = await startLocalS3({
      buckets: ["uploads"],
      onObjectCreated: (r) => records.push(r),
    });
    const folder = mkdtempSync(path.join(tmpdir(), "local-s3-"));
    const s3 = new S3Client({
      endpoint: store.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    try {
      const file = path.join(folder, "big.mp4");
      writeFileSync(file, Buffer.alloc(MULTIPART_THRESHOLD + 1000, 7));
      await uploadFile(s3, "uploads", "films/Mon Film (2024).mp4", file);
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: "uploads", Key: "films/Mon Film (2024).mp4" }),
      );
      assert.match(head.ETag!, /^"[0-9a-f]{32}-2"$/);
      assert.equal(head.ContentType, "video/mp4");
      assert.equal(records.length, 1);
      assert.equal(records[0].eventName, "ObjectCreated:CompleteMultipartUpload");
      assert.equal(records[0].s3.object.key, "films/Mon+Film+%282024%29.mp4");
      assert.equal(records[0].s3.object.versionId, head.VersionId);
    } finally {
      s3.destroy();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("answers NoSuchBucket for a bucket the stack does not have", async () => {
    const store = await startLocalS3({ buckets: ["uploads"] });
    try {
      const response = await fetch(`${store.endpoint}/elsewhere/key`, { method: "PUT", body: "x" });
      assert.equal(response.status, 404);
      assert.match(await response.text(), /<Code>NoSuchBucket<\/Code>/);
    } finally {
      await store.close();
    }
  });
});

describe("local preview: what it reads from the program", function () {
  this.timeout(60_000);
  const endpoints = {
    playbackOrigin: "https://127.0.0.1:8443",
    licenseOrigin: "https://127.0.0.1:9443",
    issuer: "https://127.0.0.1:8443/local-identity",
    audience: "local-preview",
    siteId: "LOCL",
    siteKey: "k".repeat(32),
    accessKey: "access",
  };

  it("runs the dev stack as it is, and turns DRM on with --drm, naming each setting it replaces", () => {
    const dev = readPlanConfig(ROOT, "dev");
    assert.deepEqual(previewConfig(dev, endpoints, false).changes, []);
    const { config, changes } = previewConfig(dev, endpoints, true);
    assert.equal(config.values["vod-multidrm:vodDrm"], "true");
    assert.equal(config.values["vod-multidrm:licenseJwtIssuer"], endpoints.issuer);
    assert.ok(config.secretKeys.includes("vod-multidrm:licenseSiteKey"));
    assert.ok(changes.some((line) => line.startsWith("licenseServerUrl: https://127.0.0.1:9443")));
    assert.ok(
      changes.every((line) => !line.includes(endpoints.siteKey)),
      "development keys are not printed",
    );
  });

  it("reads the prod stack's buckets, functions, event rule, token routes and what it cannot run", async () => {
    const { config } = previewConfig(readPlanConfig(ROOT, "prod"), endpoints, false);
    const stack = localStackOf(await runWholeProgram(config), config);
    assert.deepEqual(Object.keys(stack.functions).sort(), ["convert", "licenseToken", "metadata"]);
    assert.equal(stack.functions.convert!.environment.DESTINATION_BUCKET, stack.outputBucket);
    assert.equal(stack.functions.licenseToken!.timeoutSeconds, 10);
    assert.deepEqual(stack.tokenApi!.audiences, ["local-preview"]);
    assert.ok(stack.tokenApi!.routes.some((route) => route.routeKey === "POST /token"));
    assert.match(stack.playerHeaders["content-security-policy"], /127\.0\.0\.1:9443/);
    assert.deepEqual(JSON.parse(Object.values(stack.secrets)[0]), {
      siteKey: endpoints.siteKey,
      accessKey: endpoints.accessKey,
    });
    assert.ok(stack.notEmulated.includes("the live channel (MediaPackage)"));

    const job = (application: string) => ({
      source: "aws.mediaconvert",
      "detail-type": "MediaConvert Job State Change",
      detail: { status: "COMPLETE", userMetadata: { application } },
    });
    assert.equal(matchesPattern(stack.jobEventPattern, job(stack.applicationName)), true);
    assert.equal(matchesPattern(stack.jobEventPattern, job("another-stack")), false);
    assert.throws(
      () => matchesPattern({ source: [{ prefix: "aws." }] }, job("x")),
      /not supported/,
    );
  });
});
