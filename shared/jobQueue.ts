/**
 * Where and how a MediaConvert job runs: this stack's own queue, its priority and its
 * acceleration. Pure, so both the convert function (from its environment) and the stack
 * (from its config, through `components/vodPipeline/queue.ts`) validate alike, with
 * errors that name the field.
 *
 * This module must stay free of Pulumi: the convert function is bundled from it.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/working-with-queues.html
 */
import type { AccelerationSettings, CreateJobCommandInput } from "@aws-sdk/client-mediaconvert";

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
  /** The ARN of this stack's on-demand queue (`createTranscodingQueue` in the component). */
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
