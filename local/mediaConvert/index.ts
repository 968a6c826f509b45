/**
 * The local MediaConvert: an HTTP server on 127.0.0.1 that speaks the CreateJob and
 * GetJob REST-JSON API as `@aws-sdk/client-mediaconvert` calls it, runs each job's
 * settings with ffmpeg and Shaka Packager, one job at a time, writes the outputs to an
 * S3-compatible store and reports each state change as MediaConvert's EventBridge
 * events do.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { listenLocally } from "../http";
import {
  ACCOUNT_ID as ACCOUNT,
  EventJob,
  JobStateChangeEvent,
  JobStateDetail,
  jobStateChange,
  statusUpdateMs,
} from "./events";
import type { OutputGroupDetail } from "./outputs";
import type { JobPlan } from "./plan";
import { planJob } from "./planner";
import { checkRule, UnsupportedSettingError } from "./rules";
import { JobError, runJob } from "./runner";
import { CREATE_JOB } from "./settingsTable";
import { cmafViolation, JobsByToken, userMetadataViolation } from "./validation";

export type { JobStateChangeEvent } from "./events";
export { planJob, UnsupportedSettingError } from "./planner";

export interface MediaConvertStandIn {
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface MediaConvertStandInOptions {
  readonly s3: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** Jobs' scratch space: a subfolder per job, removed when the job ends. */
  readonly workFolder: string;
  /** PEM trusted for the SPEKE URL's TLS. */
  readonly ca?: string;
  onEvent(event: JobStateChangeEvent): void | Promise<void>;
  onProgress?(jobId: string, percent: number): void;
  /** @default () => Date.now() */
  readonly now?: () => number;
  /** Take `http://` SPEKE URLs, which MediaConvert refuses: tests only. @default false */
  readonly allowHttpKeyServer?: boolean;
  /** STATUS_UPDATE every this many ms instead of the job's `statusUpdateInterval`. */
  readonly statusUpdateMs?: number;
}

/** A job as GetJob answers it (wire form). */
interface Job extends EventJob {
  readonly token: string;
  readonly createdAt: number;
  readonly body: Record<string, any>;
  readonly plan: JobPlan;
  status: "SUBMITTED" | "PROGRESSING" | "COMPLETE" | "ERROR";
  percent?: number;
  startedAt?: number;
  finishedAt?: number;
  errorCode?: number;
  errorMessage?: string;
  outputGroupDetails?: OutputGroupDetail[];
}

const JOBS_PATH = "/2017-08-29/jobs";

/** Starts the stand-in on a free loopback port. */
export async function startMediaConvertStandIn(
  options: MediaConvertStandInOptions,
): Promise<MediaConvertStandIn> {
  const now = options.now ?? (() => Date.now());
  const s3 = new S3Client({ ...options.s3, forcePathStyle: true });
  const jobs = new Map<string, Job>();
  const byToken = new JobsByToken<Job>();
  const children = new Set<ChildProcess>();
  let queue: Promise<void> = Promise.resolve();
  let closing = false;

  const emit = async (job: Job, state: JobStateDetail) => {
    try {
      await options.onEvent(jobStateChange(job, state, now()));
    } catch {
      // EventBridge does not wait on, or fail for, a target; neither does the stand-in.
    }
  };

  const execute = async (job: Job) => {
    if (closing) return;
    job.status = "PROGRESSING";
    job.startedAt = now();
    await emit(job, { status: "PROGRESSING" });
    const interval = options.statusUpdateMs ?? statusUpdateMs(job.body.statusUpdateInterval);
    const timer = setInterval(() => {
      void emit(job, {
        status: "STATUS_UPDATE",
        jobProgress: { jobPercentComplete: job.percent ?? 0, currentPhase: "TRANSCODING" },
      });
    }, interval);
    try {
      job.outputGroupDetails = await runJob(job.plan, {
        s3,
        workFolder: path.join(options.workFolder, job.id),
        ca: options.ca,
        children,
        onPercent: (percent) => {
          if (percent === job.percent) return;
          job.percent = percent;
          options.onProgress?.(job.id, percent);
        },
      });
      job.status = "COMPLETE";
      job.percent = 100;
      options.onProgress?.(job.id, 100);
    } catch (error) {
      job.status = "ERROR";
      job.errorCode = error instanceof JobError ? error.code : 1999;
      job.errorMessage = closing
        ? "The job was cancelled: the stand-in closed"
        : String((error as Error).message);
    } finally {
      clearInterval(timer);
      job.finishedAt = now();
    }
    if (job.status === "COMPLETE") {
      await emit(job, {
        status: "COMPLETE",
        outputGroupDetails: job.outputGroupDetails!,
        ...(job.plan.warnings.length ? { localWarnings: job.plan.warnings } : {}),
      });
    } else if (!closing) {
      await emit(job, {
        status: "ERROR",
        errorCode: job.errorCode!,
        errorMessage: job.errorMessage!,
      });
    }
  };

  const createJob = (body: Record<string, any>): Job => {
    checkRule(body, CREATE_JOB, "");
    const problem = userMetadataViolation(body.userMetadata) ?? cmafViolation(body.settings);
    if (problem) throw new BadRequest(problem);
    const at = now();
    const token: string = body.clientRequestToken ?? randomBytes(16).toString("hex");
    const existing = byToken.current(token, at);
    if (existing) return existing;
    const plan = planJob(body.settings, {
      startedAt: at,
      allowHttpKeyServer: options.allowHttpKeyServer,
    });
    const id = `${at}-${randomBytes(3).toString("hex")}`;
    const region = options.s3.region;
    const job: Job = {
      id,
      arn: `arn:aws:mediaconvert:${region}:${ACCOUNT}:jobs/${id}`,
      queue: body.queue ?? `arn:aws:mediaconvert:${region}:${ACCOUNT}:queues/Default`,
      region,
      userMetadata: body.userMetadata ?? {},
      token,
      createdAt: at,
      body,
      plan,
      status: "SUBMITTED",
    };
    jobs.set(id, job);
    byToken.record(token, job);
    queue = queue.then(() => execute(job));
    return job;
  };

  const server = await listenLocally(async (request: IncomingMessage, response: ServerResponse) => {
    const reply = (status: number, body: unknown, errorType?: string) => {
      response.writeHead(status, {
        "content-type": "application/json",
        ...(errorType ? { "x-amzn-errortype": errorType } : {}),
      });
      response.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "POST" && url.pathname === JOBS_PATH) {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        return reply(201, { job: describe(createJob(body)) });
      } catch (error) {
        if (error instanceof UnsupportedSettingError || error instanceof BadRequest) {
          return reply(400, { message: error.message }, "BadRequestException");
        }
        if (error instanceof SyntaxError)
          return reply(400, { message: "The request body is not JSON" }, "BadRequestException");
        return reply(500, { message: String(error) }, "InternalServerErrorException");
      }
    }
    const match = /^\/2017-08-29\/jobs\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && match) {
      const job = jobs.get(decodeURIComponent(match[1]));
      if (!job) return reply(404, { message: `Job ${match[1]} not found` }, "NotFoundException");
      return reply(200, { job: describe(job) });
    }
    reply(404, { message: `no route ${request.method} ${url.pathname}` }, "NotFoundException");
  });

  return {
    endpoint: server.origin,
    close: async () => {
      closing = true;
      for (const child of children) child.kill("SIGKILL");
      await server.close();
      await queue.catch(() => undefined);
      s3.destroy();
    },
  };
}

class BadRequest extends Error {}

/** The job as GetJob and CreateJob answer it (wire form; times in epoch seconds). */
function describe(job: Job) {
  const seconds = (ms: number | undefined) =>
    ms === undefined ? undefined : Math.floor(ms / 1000);
  return {
    id: job.id,
    arn: job.arn,
    role: job.body.role,
    queue: job.queue,
    settings: job.body.settings,
    userMetadata: job.body.userMetadata,
    clientRequestToken: job.token,
    status: job.status,
    createdAt: seconds(job.createdAt),
    timing: {
      submitTime: seconds(job.createdAt),
      startTime: seconds(job.startedAt),
      finishTime: seconds(job.finishedAt),
    },
    ...(job.percent !== undefined && job.status === "PROGRESSING"
      ? { jobPercentComplete: job.percent }
      : {}),
    ...(job.errorCode !== undefined
      ? { errorCode: job.errorCode, errorMessage: job.errorMessage }
      : {}),
    ...(job.outputGroupDetails ? { outputGroupDetails: job.outputGroupDetails } : {}),
    // Not a MediaConvert field: what the local outputs do differently.
    ...(job.plan.warnings.length ? { localWarnings: job.plan.warnings } : {}),
  };
}
