/**
 * MediaConvert's "MediaConvert Job State Change" events, as EventBridge delivers them.
 * Pure.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_cwe_events.html
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_complete.html
 */
import { randomUUID } from "node:crypto";
import type { OutputGroupDetail } from "./outputs";

export const ACCOUNT_ID = "123456789012";

/** The job facts every event of a job repeats. */
export interface EventJob {
  readonly id: string;
  readonly arn: string;
  readonly queue: string;
  readonly region: string;
  readonly userMetadata: Record<string, string>;
}

export type JobStateDetail =
  | { readonly status: "PROGRESSING" }
  | {
      readonly status: "STATUS_UPDATE";
      readonly jobProgress: {
        readonly jobPercentComplete: number;
        readonly currentPhase: "PROBING" | "TRANSCODING" | "UPLOADING";
      };
    }
  | {
      readonly status: "COMPLETE";
      readonly outputGroupDetails: readonly OutputGroupDetail[];
      /** What the local outputs do differently from MediaConvert's (not a MediaConvert field). */
      readonly localWarnings?: readonly string[];
    }
  | { readonly status: "ERROR"; readonly errorCode: number; readonly errorMessage: string };

export interface JobStateChangeEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": "MediaConvert Job State Change";
  readonly source: "aws.mediaconvert";
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly timestamp: number;
    readonly accountId: string;
    readonly queue: string;
    readonly jobId: string;
    readonly userMetadata: Record<string, string>;
  } & JobStateDetail;
}

/** The event for `job` entering `state` at `at` (epoch ms). */
export function jobStateChange(
  job: EventJob,
  state: JobStateDetail,
  at: number,
): JobStateChangeEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "MediaConvert Job State Change",
    source: "aws.mediaconvert",
    account: ACCOUNT_ID,
    // EventBridge's `time` has whole seconds.
    time: new Date(Math.floor(at / 1000) * 1000).toISOString().replace(".000Z", "Z"),
    region: job.region,
    resources: [job.arn],
    detail: {
      timestamp: at,
      accountId: ACCOUNT_ID,
      queue: job.queue,
      jobId: job.id,
      userMetadata: job.userMetadata,
      ...state,
    },
  };
}

/** `SECONDS_60` → 60 000 ms; MediaConvert's default interval is 60 seconds. */
export const statusUpdateMs = (interval: string | undefined): number =>
  Number(/^SECONDS_(\d+)$/.exec(interval ?? "")?.[1] ?? 60) * 1000;
