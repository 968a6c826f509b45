import { randomUUID } from "node:crypto";
import { createServer, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A CreateJob request body as it arrives on the wire (REST-JSON, camelCase). */
export type CreateJobBody = Record<string, any>;

/** A failure to answer with instead of creating a job. */
export interface InjectedFailure {
  readonly status: number;
  readonly errorType: string;
}
export const THROTTLED: InjectedFailure = { status: 429, errorType: "TooManyRequestsException" };
export const UNAVAILABLE: InjectedFailure = { status: 503, errorType: "ServiceUnavailable" };

export interface FakeMediaConvertOptions {
  /** Decides, per call (numbered from 1), whether to fail it instead. */
  readonly failure?: (call: number, body: CreateJobBody) => InjectedFailure | undefined;
}

/** A local HTTP server that speaks MediaConvert's CreateJob REST-JSON API. */
export interface FakeMediaConvert {
  readonly endpoint: string;
  /** Every CreateJob call, in arrival order, including failed ones. */
  readonly calls: Array<{ path: string; headers: IncomingMessage["headers"]; body: CreateJobBody }>;
  /** Jobs created, one per distinct clientRequestToken. */
  readonly jobs: Map<string, { id: string; body: CreateJobBody }>;
  /** Answers that were injected failures. */
  failures: number;
  close(): Promise<void>;
}

/**
 * Starts the fake on a free loopback port. Like MediaConvert, it is idempotent by
 * `clientRequestToken`: a repeated token returns the job created the first time.
 */
export async function startFakeMediaConvert(
  options: FakeMediaConvertOptions = {},
): Promise<FakeMediaConvert> {
  const fake: Omit<FakeMediaConvert, "endpoint" | "close"> = {
    calls: [],
    jobs: new Map(),
    failures: 0,
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
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
    const token = body.clientRequestToken ?? randomUUID();
    let job = fake.jobs.get(token);
    if (!job) {
      job = { id: `${Date.now()}-${randomUUID().slice(0, 6)}`, body };
      fake.jobs.set(token, job);
    }
    reply(201, {
      job: {
        id: job.id,
        arn: `arn:aws:mediaconvert:us-east-1:123456789012:jobs/${job.id}`,
        role: body.role,
        settings: body.settings,
        userMetadata: body.userMetadata,
        status: "SUBMITTED",
        createdAt: Math.floor(Date.now() / 1000),
      },
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
