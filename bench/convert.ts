/**
 * Figures for the convert function: bundle size, cold start, per-event overhead,
 * and a burst of uploads against a local MediaConvert endpoint with throttling.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import type { S3Client } from "@aws-sdk/client-s3";
import { bundleFunction } from "../functions/bundle";
import { createConvertHandler, MEDIACONVERT_MAX_ATTEMPTS } from "../functions/convert/handler";
import { startFakeMediaConvert, THROTTLED } from "../test/support/fakeMediaConvert";
import { CONVERT_ENVIRONMENT, CONVERT_SETTINGS } from "../test/support/convertSettings";
import { s3Event, uploadRecord } from "../test/support/s3Events";
import { Figure, median } from "./figures";

const ENV = {
  PATH: process.env.PATH,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDBENCH",
  AWS_SECRET_ACCESS_KEY: "bench",
  ...CONVERT_ENVIRONMENT,
};
const COLD_RUNS = 9;
const BURST_EVENTS = 1_000;
const BURST_CONCURRENCY = 50;
/** Lambda retries a failed asynchronous invocation twice. */
const LAMBDA_ATTEMPTS = 3;

/** An S3 client that accepts every status file at once: the figures are about MediaConvert. */
const instantS3 = { send: async () => ({}) } as unknown as S3Client;

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

function benchColdStart(bundlePath: string): Figure {
  const handler = coldRequireMs(`require(${JSON.stringify(bundlePath)})`);
  const bare = coldRequireMs(
    `const { MediaConvertClient } = require("@aws-sdk/client-mediaconvert"); new MediaConvertClient({})`,
  );
  const ratio = handler / bare;
  return {
    name: "convert cold init vs bare MediaConvertClient",
    value: `${ratio.toFixed(2)}× (${handler.toFixed(1)} ms vs ${bare.toFixed(1)} ms, module load in a fresh process, median of ${COLD_RUNS})`,
    target: "≤ 1.15×",
    ok: ratio <= 1.15,
  };
}

/** Runs `body` with the handler's log lines discarded. */
async function quietly<T>(body: () => Promise<T>): Promise<T> {
  const original = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = () => undefined;
  try {
    return await body();
  } finally {
    Object.assign(console, original);
  }
}

async function benchOverhead(): Promise<Figure> {
  // A client that answers at once: what remains is the handler's own work.
  const instant = { send: async () => ({ Job: { Id: "job" } }) } as unknown as MediaConvertClient;
  const handler = createConvertHandler(CONVERT_SETTINGS, instant, instantS3);
  const events = Array.from({ length: 500 }, (_, i) =>
    s3Event(uploadRecord(`bench/${i}/clip+${i}.mp4`)),
  );
  const batches: number[] = [];
  await quietly(async () => {
    for (let round = 0; round < 7; round++) {
      const started = process.hrtime.bigint();
      for (const event of events) await handler(event);
      batches.push(Number(process.hrtime.bigint() - started) / 1e6 / events.length);
    }
  });
  const perEvent = median(batches);
  return {
    name: "convert per-event overhead (no network)",
    value: `${(perEvent * 1000).toFixed(0)} µs`,
    target: "≤ 2 ms",
    ok: perEvent <= 2,
  };
}

async function benchBurst(): Promise<Figure[]> {
  // Every tenth call is throttled, as MediaConvert does when jobs arrive faster than its rate.
  const fake = await startFakeMediaConvert({
    failure: (call) => (call % 10 === 0 ? THROTTLED : undefined),
  });
  const client = new MediaConvertClient({
    endpoint: fake.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
    maxAttempts: MEDIACONVERT_MAX_ATTEMPTS,
  });
  const handler = createConvertHandler(CONVERT_SETTINGS, client, instantS3);
  const keys = Array.from({ length: BURST_EVENTS }, (_, i) => `burst/${i}/upload+${i}.mp4`);
  let lambdaRetries = 0;
  let failedEvents = 0;

  const started = Date.now();
  await quietly(async () => {
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const event = s3Event(uploadRecord(keys[next++]));
        // Lambda's asynchronous invocation: the first attempt and up to two retries.
        for (let attempt = 1; attempt <= LAMBDA_ATTEMPTS; attempt++) {
          try {
            await handler(event);
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
  const seconds = (Date.now() - started) / 1000;
  await fake.close();
  client.destroy();

  const jobsPerInput = new Map<string, number>();
  for (const { body } of fake.jobs.values()) {
    jobsPerInput.set(body.userMetadata.input, (jobsPerInput.get(body.userMetadata.input) ?? 0) + 1);
  }
  const duplicates = [...jobsPerInput.values()].reduce((sum, n) => sum + n - 1, 0);
  const lost = keys.filter(
    (key) => !jobsPerInput.has(`s3://vod-source-test/${key.replace(/\+/g, " ")}`),
  ).length;
  const ok = fake.jobs.size === BURST_EVENTS && duplicates === 0 && lost === 0;
  return [
    {
      name: `burst: ${BURST_EVENTS} uploads, 10% of calls throttled`,
      value: `${fake.jobs.size} jobs, ${duplicates} duplicates, ${lost} lost`,
      target: `${BURST_EVENTS} jobs, 0 duplicates, 0 lost`,
      ok,
    },
    {
      name: "burst: calls, throttled, Lambda retries, dead-lettered",
      value: `${fake.calls.length} calls, ${fake.failures} throttled, ${lambdaRetries} retries, ${failedEvents} dead-lettered, ${seconds.toFixed(1)} s`,
    },
  ];
}

/** Every convert figure. */
export async function benchConvert(): Promise<Figure[]> {
  const bundle = bundleFunction("convert");
  const dir = mkdtempSync(path.join(tmpdir(), "convert-bench-"));
  const bundlePath = path.join(dir, "index.js");
  writeFileSync(bundlePath, bundle.code);
  return [
    {
      name: "convert bundle size",
      value: `${(bundle.bytes / 1024).toFixed(0)} KiB (minified, AWS SDK included)`,
    },
    benchColdStart(bundlePath),
    await benchOverhead(),
    ...(await benchBurst()),
  ];
}
