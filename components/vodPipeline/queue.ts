/**
 * Transcoding queue: this stack's own on-demand MediaConvert queue, and the job settings
 * that send a job to it (queue, priority, acceleration).
 *
 * Every account has one `Default` queue. Stacks that share an account would otherwise
 * share it: one stack's backlog would delay another's uploads, its job metrics would be
 * mixed with theirs, and the convert function could not be limited to its own queue.
 *
 * The settings helpers are pure and validate what a stack's config asks for, with
 * errors that name the field. Lambda handlers must not import this module, because it
 * loads `@pulumi/aws`: a handler gets the validated values from its environment.
 */
import type { AccelerationSettings, CreateJobCommandInput } from "@aws-sdk/client-mediaconvert";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface TranscodingQueueArgs {
  /** The owning component's name; the queue is `${name}-queue`. */
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly applicationName: string;
  /**
   * How many of this queue's jobs MediaConvert runs at once. Bounded by the account's
   * quotas for on-demand queues.
   * @default undefined (the quota for one on-demand queue)
   */
  readonly concurrentJobs?: number;
}

/** On-demand pricing: pay per minute of output, no reserved transcoding slots. */
export const QUEUE_PRICING_PLAN = "ON_DEMAND";
/** A queue that runs jobs. A paused queue accepts jobs but starts none. */
export const QUEUE_STATUS = "ACTIVE";

/**
 * An on-demand MediaConvert queue for this stack's jobs. Its ARN is what the convert
 * function may submit to (`mediaconvert:CreateJob`), what each job names in `Queue`,
 * and the `Queue` dimension of MediaConvert's metrics for this stack.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/about-on-demand-queues.html
 */
export function createTranscodingQueue(args: TranscodingQueueArgs): aws.mediaconvert.Queue {
  const { name, parent, applicationName, concurrentJobs } = args;
  if (concurrentJobs !== undefined && (!Number.isInteger(concurrentJobs) || concurrentJobs < 1)) {
    throw new Error(
      `createTranscodingQueue: \`concurrentJobs\` must be a positive integer, got ${concurrentJobs}.`,
    );
  }

  // This stack's own queue, so its jobs neither wait behind nor mix with other stacks' jobs.
  return new aws.mediaconvert.Queue(
    `${name}-queue`,
    {
      description: `${applicationName}: transcoding jobs for uploaded videos`,
      pricingPlan: QUEUE_PRICING_PLAN,
      status: QUEUE_STATUS,
      ...(concurrentJobs !== undefined ? { concurrentJobs } : {}),
    },
    { parent },
  );
}

/**
 * MediaConvert's range for a job's `Priority`: within a queue, higher numbers start first,
 * and jobs of equal priority start in the order they were submitted.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/setting-the-priority-of-a-job.html
 */
export const JOB_PRIORITY_RANGE = { min: -50, max: 50 } as const;
/** MediaConvert's own default when a job names no priority. */
export const DEFAULT_JOB_PRIORITY = 0;

/** A rejected value as the error shows it: text quoted, numbers as written. */
const shown = (value: unknown) =>
  typeof value === "string" ? JSON.stringify(value) : String(value);

/**
 * A job's `Priority`, validated: an integer from -50 to 50. Accepts the text form too
 * (as read from config or the environment). `field` names the setting in the error.
 */
export function jobPriority(value: number | string, field = "jobPriority"): number {
  const parsed =
    typeof value === "number" ? value : /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  const { min, max } = JOB_PRIORITY_RANGE;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(
      `\`${field}\` must be an integer from ${min} to ${max} (MediaConvert's job priority), got ${shown(value)}.`,
    );
  }
  return parsed;
}

/**
 * MediaConvert's acceleration modes (`AccelerationSettings.Mode`):
 * - `DISABLED`: never accelerated, standard pricing;
 * - `ENABLED`: accelerated, and a job whose input or settings don't support it fails;
 * - `PREFERRED`: accelerated when the input and settings support it, otherwise run
 *   unaccelerated instead of failing (Professional tier pricing only when accelerated).
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/setting-up-accelerated-transcoding.html
 */
export const ACCELERATION_MODES = ["DISABLED", "ENABLED", "PREFERRED"] as const;
export type AccelerationMode = (typeof ACCELERATION_MODES)[number];
/** Acceleration is a Professional tier feature, billed per output minute: off unless asked for. */
export const DEFAULT_ACCELERATION_MODE: AccelerationMode = "DISABLED";

/** Whether `value` is one of {@link ACCELERATION_MODES}. */
export function isAccelerationMode(value: string): value is AccelerationMode {
  return (ACCELERATION_MODES as readonly string[]).includes(value);
}

/**
 * A job's `AccelerationSettings` for a mode, validated (exact, upper-case names as the
 * API spells them). `field` names the setting in the error.
 */
export function accelerationSettings(
  mode: string,
  field = "accelerationMode",
): AccelerationSettings & { Mode: AccelerationMode } {
  if (!isAccelerationMode(mode)) {
    throw new Error(
      `\`${field}\` must be one of ${ACCELERATION_MODES.join(", ")}, got ${JSON.stringify(mode)}.`,
    );
  }
  return { Mode: mode };
}

/** Where and how a job runs: this stack's queue, its priority and its acceleration. */
export interface JobQueueOptions {
  /** The ARN of {@link createTranscodingQueue}'s queue. */
  readonly queueArn: string;
  /** @default DEFAULT_JOB_PRIORITY (0) */
  readonly priority?: number | string;
  /** @default DEFAULT_ACCELERATION_MODE ("DISABLED") */
  readonly accelerationMode?: string;
}

/** The CreateJob fields that place a job: `Queue`, `Priority` and `AccelerationSettings`. */
export type JobQueueSettings = Required<
  Pick<CreateJobCommandInput, "Queue" | "Priority" | "AccelerationSettings">
>;

/** The CreateJob fields for {@link JobQueueOptions}, validated. */
export function jobQueueSettings(options: JobQueueOptions): JobQueueSettings {
  if (!options.queueArn) throw new Error("`queueArn` is required: jobs go to this stack's queue.");
  return {
    Queue: options.queueArn,
    Priority: jobPriority(options.priority ?? DEFAULT_JOB_PRIORITY),
    AccelerationSettings: accelerationSettings(
      options.accelerationMode ?? DEFAULT_ACCELERATION_MODE,
    ),
  };
}
