import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { MEDIACONVERT_MAX_ATTEMPTS } from "../../functions/convert/handler";
import { listenLocally } from "../../local/http";
import { TEST_CREDENTIALS } from "./dynamoDb";
import {
  cmafViolation,
  CreateJobBody,
  JobsByToken,
  TOKEN_WINDOW_MS,
  userMetadataViolation,
} from "../../local/mediaConvert/validation";
import { InstantRetries } from "./instantRetries";

export type { CreateJobBody };

/** A failure to answer with instead of creating a job. */
export interface InjectedFailure {
  readonly status: number;
  readonly errorType: string;
}
export const THROTTLED: InjectedFailure = { status: 429, errorType: "TooManyRequestsException" };
export const UNAVAILABLE: InjectedFailure = { status: 503, errorType: "ServiceUnavailable" };
/** Not retried by the SDK: the call fails at once. */
export const FORBIDDEN: InjectedFailure = { status: 403, errorType: "ForbiddenException" };

export interface FakeMediaConvertOptions {
  /** Decides, per call (numbered from 1), whether to fail it instead. */
  readonly failure?: (call: number, body: CreateJobBody) => InjectedFailure | undefined;
  /**
   * Decides, per call, whether never to answer it and create no job: the caller dies or
   * gives up before MediaConvert acts on the request.
   */
  readonly stall?: (call: number, body: CreateJobBody) => boolean;
  /** Milliseconds before each answer, as a slow MediaConvert. @default 0 */
  readonly latencyMs?: number;
  /** The fake's clock, in epoch milliseconds. @default () => Date.now() */
  readonly now?: () => number;
}

/** A job the fake created. */
export interface FakeJob {
  readonly id: string;
  readonly token: string;
  readonly createdAt: number;
  readonly body: CreateJobBody;
}

/** A local HTTP server that speaks MediaConvert's CreateJob REST-JSON API. */
export interface FakeMediaConvert {
  readonly endpoint: string;
  /** Every CreateJob call, in arrival order, including failed and stalled ones. */
  readonly calls: Array<{ path: string; headers: IncomingMessage["headers"]; body: CreateJobBody }>;
  /** Every job created, in order: what the account would be billed for. */
  readonly jobs: FakeJob[];
  /** Answers that were injected failures. */
  failures: number;
  close(): Promise<void>;
}

/**
 * Starts the fake on a free loopback port. Like MediaConvert, it is idempotent by
 * `clientRequestToken` for {@link TOKEN_WINDOW_MS} after the successful request: a token
 * reused within that window returns the job created the first time, and a token reused
 * later creates another job. It refuses user metadata MediaConvert refuses (see
 * {@link userMetadataViolation}) and CMAF groups it refuses (see {@link cmafViolation}).
 */
export async function startFakeMediaConvert(
  options: FakeMediaConvertOptions = {},
): Promise<FakeMediaConvert> {
  const now = options.now ?? (() => Date.now());
  const fake: Omit<FakeMediaConvert, "endpoint" | "close"> = {
    calls: [],
    jobs: [],
    failures: 0,
  };
  const byToken = new JobsByToken<FakeJob>();

  const server = await listenLocally(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "POST" || request.url !== "/2017-08-29/jobs") {
      return reply(
        404,
        { message: `no route ${request.method} ${request.url}` },
        { "x-amzn-errortype": "NotFoundException" },
      );
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as CreateJobBody;
    fake.calls.push({ path: request.url, headers: request.headers, body });

    if (options.stall?.(fake.calls.length, body)) return;
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const failure = options.failure?.(fake.calls.length, body);
    if (failure) {
      fake.failures++;
      return reply(
        failure.status,
        { message: failure.errorType },
        { "x-amzn-errortype": failure.errorType },
      );
    }
    if (!body.role || !body.settings) {
      return reply(
        400,
        { message: "role and settings are required" },
        { "x-amzn-errortype": "BadRequestException" },
      );
    }
    const invalidMetadata = userMetadataViolation(body.userMetadata);
    if (invalidMetadata) {
      return reply(
        400,
        { message: invalidMetadata },
        { "x-amzn-errortype": "BadRequestException" },
      );
    }
    const invalidCmaf = cmafViolation(body.settings);
    if (invalidCmaf) {
      return reply(400, { message: invalidCmaf }, { "x-amzn-errortype": "BadRequestException" });
    }
    const token: string = body.clientRequestToken ?? randomUUID();
    const at = now();
    let job = byToken.current(token, at);
    if (!job) {
      job = { id: `${at}-${randomUUID().slice(0, 6)}`, token, createdAt: at, body };
      byToken.record(token, job);
      fake.jobs.push(job);
    }
    reply(201, {
      job: {
        id: job.id,
        arn: `arn:aws:mediaconvert:us-east-1:123456789012:jobs/${job.id}`,
        role: body.role,
        settings: body.settings,
        userMetadata: body.userMetadata,
        status: "SUBMITTED",
        createdAt: Math.floor(job.createdAt / 1000),
      },
    });
  });

  // Closing ends every connection, the stalled calls' too.
  return Object.assign(fake, { endpoint: server.origin, close: server.close });
}

/**
 * A MediaConvert client for the fake, configured as the deployed convert function
 * configures its own (the same retry attempts), with test credentials. By default its
 * retries skip the SDK's back-off, which would wait seconds in every throttled test;
 * `retries: "as deployed"` keeps the back-off (for the benchmark's timings).
 */
export function mediaConvertClientFor(
  fake: Pick<FakeMediaConvert, "endpoint">,
  {
    credentials = TEST_CREDENTIALS,
    retries = new InstantRetries(MEDIACONVERT_MAX_ATTEMPTS),
  }: { credentials?: typeof TEST_CREDENTIALS; retries?: InstantRetries | "as deployed" } = {},
): MediaConvertClient {
  return new MediaConvertClient({
    endpoint: fake.endpoint,
    region: "us-east-1",
    credentials,
    ...(retries === "as deployed"
      ? { maxAttempts: MEDIACONVERT_MAX_ATTEMPTS }
      : { retryStrategy: retries }),
  });
}
