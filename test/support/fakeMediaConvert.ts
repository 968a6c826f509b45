import { randomUUID } from "node:crypto";
import { createServer, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { MEDIACONVERT_MAX_ATTEMPTS } from "../../functions/convert/handler";
import { TEST_CREDENTIALS } from "./dynamoDb";
import { InstantRetries } from "./instantRetries";

/** A CreateJob request body as it arrives on the wire (REST-JSON, camelCase). */
export type CreateJobBody = Record<string, any>;

/** A failure to answer with instead of creating a job. */
export interface InjectedFailure {
  readonly status: number;
  readonly errorType: string;
}
export const THROTTLED: InjectedFailure = { status: 429, errorType: "TooManyRequestsException" };
export const UNAVAILABLE: InjectedFailure = { status: 503, errorType: "ServiceUnavailable" };
/** Not retried by the SDK: the call fails at once. */
export const FORBIDDEN: InjectedFailure = { status: 403, errorType: "ForbiddenException" };

/**
 * How long MediaConvert honours a client request token: "If you reuse a client request
 * token within one minute of a successful request, the API returns the job details of
 * the original request instead" (MediaConvert API Reference, "Preventing duplicate
 * jobs", https://docs.aws.amazon.com/mediaconvert/latest/apireference/idempotency.html).
 */
export const TOKEN_WINDOW_MS = 60_000;

/**
 * MediaConvert's rules on a job's user metadata, as the user guide's "job tag
 * restrictions" state them: at most 10 pairs; a key of 1-128 and a value of at most 256
 * Unicode characters; each of "uppercase and lowercase Unicode letters in any language,
 * numbers, space, and the following characters: _ . : / = + - and @"
 * (https://docs.aws.amazon.com/mediaconvert/latest/ug/user-metadata-tags.html).
 * CreateJob refuses a job that breaks them with 400 BadRequestException; undefined when
 * the metadata keeps them.
 */
export function userMetadataViolation(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== "object" || metadata === null) return "userMetadata must be a map";
  const entries = Object.entries(metadata);
  if (entries.length > 10) return `userMetadata has ${entries.length} pairs; at most 10`;
  const allowed = /^[\p{L}\p{N} _.:/=+\-@]*$/u;
  for (const [key, value] of entries) {
    const keyLength = [...key].length;
    if (keyLength < 1 || keyLength > 128 || !allowed.test(key)) {
      return `userMetadata key ${JSON.stringify(key)} is invalid`;
    }
    if (typeof value !== "string" || [...value].length > 256 || !allowed.test(value)) {
      return `userMetadata value of ${JSON.stringify(key)} is invalid`;
    }
  }
  return undefined;
}

/** The fields of each SPEKE provider shape, as the wire (REST-JSON, camelCase) names them. */
const SPEKE_FIELDS = {
  // SpekeKeyProvider: HLS, DASH ISO and Smooth groups.
  groups: ["certificateArn", "encryptionContractConfiguration", "resourceId", "systemIds", "url"],
  // SpekeKeyProviderCmaf: CMAF groups.
  cmaf: [
    "certificateArn",
    "dashSignaledSystemIds",
    "encryptionContractConfiguration",
    "hlsSignaledSystemIds",
    "resourceId",
    "url",
  ],
};

/**
 * MediaConvert's rules on a CMAF output group that the convert function's jobs rely on,
 * or undefined when the settings keep them (CreateJob refuses the job with 400
 * BadRequestException otherwise):
 * - its `encryption.spekeKeyProvider` is the `SpekeKeyProviderCmaf` shape: the
 *   HLS/DASH groups' `systemIds` is an unexpected key there (aws/aws-sdk-js#2892), and
 *   the other groups refuse the CMAF shape's fields likewise (API Reference, "jobs":
 *   https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-model-spekekeyprovidercmaf);
 * - it signals one to three system ids in the DASH manifest and one in the HLS manifest
 *   (user guide, "SPEKE encryption parameters":
 *   https://docs.aws.amazon.com/mediaconvert/latest/ug/speke-encryption-parameters.html);
 * - each of its outputs holds a single track, video or audio, in the `CMFC` container
 *   ("Each output in a CMAF Output Group may only contain a single video, audio, or
 *   caption output": API Reference, CmafGroupSettings).
 */
export function cmafViolation(settings: CreateJobBody | undefined): string | undefined {
  const groups: CreateJobBody[] = settings?.outputGroups ?? [];
  for (const [index, group] of groups.entries()) {
    const where = `settings.outputGroups[${index}]`;
    const type = group.outputGroupSettings?.type;
    for (const [key, groupSettings] of Object.entries<CreateJobBody>(
      group.outputGroupSettings ?? {},
    )) {
      const provider = groupSettings?.encryption?.spekeKeyProvider;
      if (key === "type" || !provider) continue;
      const allowed = key === "cmafGroupSettings" ? SPEKE_FIELDS.cmaf : SPEKE_FIELDS.groups;
      const unexpected = Object.keys(provider).find((field) => !allowed.includes(field));
      if (unexpected) {
        return `Unexpected key '${unexpected}' found in ${where}.outputGroupSettings.${key}.encryption.spekeKeyProvider`;
      }
    }
    if (type !== "CMAF_GROUP_SETTINGS") continue;
    const provider = group.outputGroupSettings?.cmafGroupSettings?.encryption?.spekeKeyProvider;
    if (provider) {
      const dash: unknown[] = provider.dashSignaledSystemIds ?? [];
      const hls: unknown[] = provider.hlsSignaledSystemIds ?? [];
      if (dash.length < 1 || dash.length > 3) {
        return `${where}: a CMAF group signals 1 to 3 system ids in DASH, not ${dash.length}`;
      }
      if (hls.length !== 1) {
        return `${where}: a CMAF group signals 1 system id in HLS, not ${hls.length}`;
      }
    }
    for (const [o, output] of (group.outputs ?? []).entries()) {
      const tracks =
        (output.videoDescription ? 1 : 0) +
        (output.audioDescriptions?.length ?? 0) +
        (output.captionDescriptions?.length ?? 0);
      if (tracks !== 1 || output.containerSettings?.container !== "CMFC") {
        return `${where}.outputs[${o}]: a CMAF output holds one video, audio or caption track, in CMFC`;
      }
    }
  }
  return undefined;
}

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
  /** The latest job per token. */
  const byToken = new Map<string, FakeJob>();

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
    let job = byToken.get(token);
    if (!job || at - job.createdAt >= TOKEN_WINDOW_MS) {
      job = { id: `${at}-${randomUUID().slice(0, 6)}`, token, createdAt: at, body };
      byToken.set(token, job);
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

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stalled calls keep their connections open.
        server.closeAllConnections();
      }),
  });
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
