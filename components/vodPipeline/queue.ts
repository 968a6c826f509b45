/**
 * Transcoding queue: this stack's own on-demand MediaConvert queue, and the job settings
 * that send a job to it (queue, priority, acceleration).
 *
 * Every account has one `Default` queue. Stacks that share an account would otherwise
 * share it: one stack's backlog would delay another's uploads, its job metrics would be
 * mixed with theirs, and the convert function could not be limited to its own queue.

 */
import type * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

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
