/**
 * Figures for the convert function: bundle size, cold start, per-event overhead, the
 * probe of a typical MP4 over ranged reads (its first call, which loads MediaInfo's
 * WebAssembly, apart), a burst of uploads against a local MediaConvert endpoint with
 * throttling, and a late redelivery of every upload, all with the idempotency table on
 * a local DynamoDB.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { S3Client } from "@aws-sdk/client-s3";
import { bundleFunction } from "../functions/bundle";
import { readJobInput } from "../functions/common/jobMetadata";
import { createConvertHandler } from "../functions/convert/handler";
import { uploadRecordStore } from "../functions/convert/idempotency";
import { mediaInfoProbe, PROBE_LIMITS, ProbeOutcome } from "../functions/convert/probe";
import { writeConvertBundle } from "../test/support/convertBundle";
import { CONVERT_VARIABLES, CONVERT_ENVIRONMENT } from "../test/support/convertEnvironment";
import { startDynamoDb } from "../test/support/dynamoDb";
import {
  FakeMediaConvert,
  mediaConvertClientFor,
  startFakeMediaConvert,
  THROTTLED,
} from "../test/support/fakeMediaConvert";
import { TOKEN_WINDOW_MS } from "../local/mediaConvert/validation";
import { lambdaContext } from "../test/support/lambdaContext";
import { startLocalS3 } from "../local/s3";
import { s3Event, uploadRecord } from "../test/support/s3Events";
import { ffmpegMissing, FFMPEG_INSTALL_COMMAND } from "../test/support/sourceMedia";
import { probeFinding } from "../test/support/sourceProbe";
import { Figure, median } from "./figures";

const BENCH_CREDENTIALS = { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" };
const ENV = {
  PATH: process.env.PATH,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: BENCH_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: BENCH_CREDENTIALS.secretAccessKey,
  ...CONVERT_VARIABLES,
};
const COLD_RUNS = 9;
const BURST_EVENTS = 1_000;
const BURST_CONCURRENCY = 50;
/** Lambda retries a failed asynchronous invocation twice. */
const LAMBDA_ATTEMPTS = 3;

/** An S3 client that accepts every status file at once: the figures are about MediaConvert. */
const instantS3 = { send: async () => ({}) } as unknown as S3Client;

/**
 * A real DynamoDB client whose transport answers every request at once with `{}`: the
 * SDK still builds, signs and parses each call, and every record is new.
 */
function instantDynamoDb(): DynamoDBClient {
  return new DynamoDBClient({
    region: "us-east-1",
    credentials: BENCH_CREDENTIALS,
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode: 200,
          headers: { "content-type": "application/x-amz-json-1.0" },
          body: Readable.from([Buffer.from("{}")]),
        },
      }),
    } as never,
  });
}

/** Milliseconds a fresh Node process spends loading `script`'s module, median of several runs. */
function coldRequireMs(script: string): number {
  const runs = Array.from({ length: COLD_RUNS }, () => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `const t = process.hrtime.bigint(); ${script}; console.log(Number(process.hrtime.bigint() - t) / 1e6)`,
      ],
      { env: ENV, encoding: "utf8", cwd: path.resolve(__dirname, "..") },
    );
    return Number(out.trim());
  });
  return median(runs);
}

/** The bundle's cold init against loading and constructing the SDK clients it uses. */
function benchColdStart(bundlePath: string): Figure {
  const handler = coldRequireMs(`require(${JSON.stringify(bundlePath)})`);
  const bare = coldRequireMs(
    [
      `const { MediaConvertClient } = require("@aws-sdk/client-mediaconvert");`,
      `const { S3Client } = require("@aws-sdk/client-s3");`,
      `const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");`,
      `new MediaConvertClient({}); new S3Client({}); new DynamoDBClient({})`,
    ].join(" "),
  );
  const ratio = handler / bare;
  return {
    name: "convert cold init vs bare MediaConvert + S3 + DynamoDB clients",
    value: `${ratio.toFixed(2)}× (${handler.toFixed(1)} ms vs ${bare.toFixed(1)} ms, module load in a fresh process, median of ${COLD_RUNS})`,
    target: "≤ 1.15×",
    ok: ratio <= 1.15,
  };
}

/**
 * Runs `body` with the handler's output discarded: Powertools writes its log and metric
 * lines to the process's streams through its own console.
 */
async function quietly<T>(body: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = (() => true) as typeof stream.write;
  try {
    return await body();
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i]));
  }
}

async function benchOverhead(): Promise<Figure> {
  // A client that answers at once: what remains is the handler's own work.
  const instant = { send: async () => ({ Job: { Id: "job" } }) } as unknown as MediaConvertClient;
  const handler = createConvertHandler(CONVERT_ENVIRONMENT, {
    mediaConvert: instant,
    s3: instantS3,
    // The probe's own cost is its own figure (benchProbe): here it answers at once.
    probe: probeFinding(),
    uploadRecords: uploadRecordStore(CONVERT_ENVIRONMENT.idempotencyTable, instantDynamoDb()),
  });
  const events = Array.from({ length: 500 }, (_, i) =>
    s3Event(uploadRecord(`bench/${i}/clip+${i}.mp4`)),
  );
  const batches: number[] = [];
  await quietly(async () => {
    for (let round = 0; round < 7; round++) {
      const started = process.hrtime.bigint();
      for (const event of events) await handler(event, lambdaContext());
      batches.push(Number(process.hrtime.bigint() - started) / 1e6 / events.length);
    }
  });
  const perEvent = median(batches);
  return {
    name: "convert per-event overhead (no network, idempotency record included)",
    value: `${(perEvent * 1000).toFixed(0)} µs`,
    target: "≤ 2 ms",
    ok: perEvent <= 2,
  };
}

/** Jobs per upload input, duplicates (jobs beyond the first per input) and uploads with none. */
function tally(fake: FakeMediaConvert, keys: string[]) {
  const jobsPerInput = new Map<string, number>();
  for (const { body } of fake.jobs) {
    // The input travels base64url-encoded, in parts (functions/common/jobMetadata.ts).
    const input = readJobInput(body.userMetadata);
    const url = input.url ?? `unreadable: ${input.problem}`;
    jobsPerInput.set(url, (jobsPerInput.get(url) ?? 0) + 1);
  }
  const duplicates = [...jobsPerInput.values()].reduce((sum, n) => sum + n - 1, 0);
  const lost = keys.filter(
    (key) => !jobsPerInput.has(`s3://vod-source-test/${key.replace(/\+/g, " ")}`),
  ).length;
  return { jobs: fake.jobs.length, duplicates, lost };
}

/**
 * A burst of uploads, 10% of CreateJob calls throttled, with the idempotency table on
 * a local DynamoDB; then every upload's event delivered again after MediaConvert's
 * one-minute token window, when only the table stops a second job.
 */
async function benchBurst(): Promise<Figure[]> {
  const dynamoDb = await startDynamoDb();
  await dynamoDb.createIdempotencyTable(CONVERT_ENVIRONMENT.idempotencyTable);
  // Every tenth call is throttled, as MediaConvert does when jobs arrive faster than its rate.
  const clock = { offset: 0 };
  const fake = await startFakeMediaConvert({
    failure: (call) => (call % 10 === 0 ? THROTTLED : undefined),
    now: () => Date.now() + clock.offset,
  });
  const client = mediaConvertClientFor(fake, {
    credentials: BENCH_CREDENTIALS,
    retries: "as deployed",
  });
  const handler = createConvertHandler(CONVERT_ENVIRONMENT, {
    mediaConvert: client,
    s3: instantS3,
    probe: probeFinding(),
    uploadRecords: uploadRecordStore(CONVERT_ENVIRONMENT.idempotencyTable, dynamoDb.client),
  });
  const keys = Array.from({ length: BURST_EVENTS }, (_, i) => `burst/${i}/upload+${i}.mp4`);
  const events = keys.map((key, i) =>
    s3Event(
      uploadRecord(key, {
        versionId: `v${i}`,
        sequencer: (0x55aed6dcd90281e5n + BigInt(i)).toString(16),
      }),
    ),
  );

  /** Delivers every event as Lambda's asynchronous invocation does: an attempt and two retries. */
  async function deliverAll() {
    let lambdaRetries = 0;
    let failedEvents = 0;
    const started = Date.now();
    await quietly(async () => {
      let next = 0;
      const worker = async () => {
        while (next < events.length) {
          const event = events[next++];
          for (let attempt = 1; attempt <= LAMBDA_ATTEMPTS; attempt++) {
            try {
              await handler(event, lambdaContext());
              break;
            } catch {
              if (attempt === LAMBDA_ATTEMPTS) failedEvents++;
              else lambdaRetries++;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: BURST_CONCURRENCY }, worker));
    });
    return { lambdaRetries, failedEvents, seconds: (Date.now() - started) / 1000 };
  }

  const burst = await deliverAll();
  const afterBurst = tally(fake, keys);
  const callsAfterBurst = fake.calls.length;
  const throttledInBurst = fake.failures;

  // Every event again, past MediaConvert's token window: its token would make a second job.
  clock.offset = TOKEN_WINDOW_MS + 60_000;
  const late = await deliverAll();
  const afterLate = tally(fake, keys);

  await fake.close();
  client.destroy();
  await dynamoDb.close();

  return [
    {
      name: `burst: ${BURST_EVENTS} uploads, 10% of calls throttled`,
      value: `${afterBurst.jobs} jobs, ${afterBurst.duplicates} duplicates, ${afterBurst.lost} lost`,
      target: `${BURST_EVENTS} jobs, 0 duplicates, 0 lost`,
      ok: afterBurst.jobs === BURST_EVENTS && afterBurst.duplicates === 0 && afterBurst.lost === 0,
    },
    {
      name: "burst: calls, throttled, Lambda retries, dead-lettered",
      value: `${callsAfterBurst} calls, ${throttledInBurst} throttled, ${burst.lambdaRetries} retries, ${burst.failedEvents} dead-lettered, ${burst.seconds.toFixed(1)} s`,
    },
    {
      name: `late redelivery: all ${BURST_EVENTS} again after the ${TOKEN_WINDOW_MS / 1000} s token window`,
      value: `${afterLate.jobs} jobs, ${afterLate.duplicates} duplicates, ${fake.calls.length - callsAfterBurst} CreateJob calls, ${late.seconds.toFixed(1)} s`,
      target: `${BURST_EVENTS} jobs, 0 duplicates`,
      ok: afterLate.jobs === BURST_EVENTS && afterLate.duplicates === 0 && late.failedEvents === 0,
    },
  ];
}

/** Probes measured after the first, for the median. */
const PROBE_RUNS = 15;
/** S3's time to first byte for a GET in the region, for the estimate beside the local figure. */
const S3_GET_MS = 30;

/**
 * A typical phone upload: 30 s of 1080p H.264 and AAC, the MP4 index written after the
 * media (as phones write it), probed through the real S3 client from a local S3. The
 * first probe of a container loads MediaInfo's WebAssembly: it is reported apart.
 */
async function benchProbe(): Promise<Figure[]> {
  if (ffmpegMissing()) {
    return [
      { name: "convert probe of a typical MP4", value: `skipped: ${FFMPEG_INSTALL_COMMAND}` },
    ];
  }
  // The video is made in a temporary folder, read, and the folder removed.
  const folder = mkdtempSync(path.join(tmpdir(), "convert-probe-"));
  let video: Buffer;
  try {
    const file = path.join(folder, "phone.mp4");
    await promisify(execFile)("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration=30"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=30"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M", "-pix_fmt", "yuv420p"],
      ...["-c:a", "aac", "-b:a", "128k", file],
    ]);
    video = readFileSync(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const localS3 = await startLocalS3();
  localS3.put("vod-source-bench/phone.mp4", video);
  const s3 = new S3Client({
    endpoint: localS3.endpoint,
    region: "us-east-1",
    credentials: BENCH_CREDENTIALS,
    forcePathStyle: true,
  });
  const probe = mediaInfoProbe(s3, {
    wasmPath: bundleFunction("convert").files["MediaInfoModule.wasm"],
  });
  const object = { bucket: "vod-source-bench", key: "phone.mp4" };
  const first = await probe(object);
  const later: ProbeOutcome[] = [];
  for (let i = 0; i < PROBE_RUNS; i++) later.push(await probe(object));
  await localS3.close();
  s3.destroy();

  const { requests, bytes, objectBytes, truncated } = later[0].stats;
  const ms = median(later.map((o) => o.stats.ms));
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  const found =
    first.kind === "video" ? `${first.source.width}x${first.source.height}` : first.kind;
  return [
    {
      name: "convert probe of a typical MP4 (30 s 1080p, index last), local S3",
      value: `${ms.toFixed(1)} ms, ${requests} ranged GETs, ${mib(bytes)} of ${mib(objectBytes)}${truncated ? " (budget reached)" : ""}; found ${found}; ≈ ${(ms + requests * S3_GET_MS).toFixed(0)} ms in the region at ${S3_GET_MS} ms a GET`,
      target: `≤ ${PROBE_LIMITS.maxRequests} GETs and ≤ ${mib(PROBE_LIMITS.maxBytes)}`,
      ok:
        requests <= PROBE_LIMITS.maxRequests &&
        bytes <= PROBE_LIMITS.maxBytes &&
        first.kind === "video",
    },
    {
      name: "convert first probe of a container (loads MediaInfo's WebAssembly)",
      value: `${(first.stats.loadMs ?? 0).toFixed(0)} ms load + ${first.stats.ms.toFixed(0)} ms probe (the WebAssembly is ${(statSync(bundleFunction("convert").files["MediaInfoModule.wasm"]).size / 1024 / 1024).toFixed(1)} MB, loaded on first use, not at init)`,
    },
  ];
}

/** Every convert figure. */
export async function benchConvert(): Promise<Figure[]> {
  const bundle = bundleFunction("convert");
  const bundlePath = writeConvertBundle();
  const fileBytes = Object.values(bundle.files).reduce((sum, file) => sum + statSync(file).size, 0);
  return [
    {
      name: "convert bundle size",
      value: `${(bundle.bytes / 1024).toFixed(0)} KiB (minified, AWS SDK, Powertools and mediainfo.js included) + ${(fileBytes / 1024).toFixed(0)} KiB of WebAssembly beside it`,
    },
    benchColdStart(bundlePath),
    await benchOverhead(),
    ...(await benchProbe()),
    ...(await benchBurst()),
  ];
}
