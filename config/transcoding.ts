/** Transcoding: the ladder (`ladder*`) and how jobs run in the stack's queue (`job*`). */
import type { VodTranscodingArgs } from "../components/vodPipeline/transcoding";
import {
  AccelerationMode,
  accelerationSettings,
  DEFAULT_ACCELERATION_MODE,
  DEFAULT_JOB_PRIORITY,
  jobPriority,
} from "../shared/jobQueue";
import {
  AutomatedAbrLimits,
  DEFAULT_LADDER,
  LADDER_MODES,
  LadderMode,
  parseRendition,
  RATE_CONTROLS,
  RateControl,
  Rendition,
  validateAutomatedAbrLimits,
  validateLadder,
  validateQvbrQualityLevel,
} from "../shared/ladder";
import type { ConfigReader } from "./reader";

/** The transcoding settings, as `VodPipelineArgs.transcoding` takes them. */
export interface TranscodingConfig extends VodTranscodingArgs {
  readonly ladder: Rendition[];
  readonly ladderMode: LadderMode;
  readonly ladderRateControl: RateControl;
  readonly ladderQvbrQualityLevel: number;
  /** Unset limits take MediaConvert's defaults. */
  readonly ladderAuto: AutomatedAbrLimits;
  readonly jobPriority: number;
  readonly jobAccelerationMode: AccelerationMode;
  /** Undefined: the account's quota. */
  readonly jobQueueConcurrentJobs?: number;
}

/** The `ladderAuto*` keys, by the limit each sets. */
const LADDER_AUTO_KEYS = {
  maxRenditions: "ladderAutoMaxRenditions",
  minBitrate: "ladderAutoMinBitrate",
  maxBitrate: "ladderAutoMaxBitrate",
} as const;

/** Reads the ladder, its rate control and automated ABR limits, and the job settings. */
export function readTranscoding(r: ConfigReader): TranscodingConfig {
  const { check, number, text, list, validated } = r;

  const ladderSpecs = list("ladder");
  let ladder: Rendition[] = [...DEFAULT_LADDER];
  if (!Array.isArray(ladderSpecs) || !ladderSpecs.every((s) => typeof s === "string")) {
    check("ladder", false, 'must be a list of "WIDTHxHEIGHT@BITRATE" strings');
  } else {
    const { renditions, problems } = readLadder(ladderSpecs);
    for (const problem of problems) check("ladder", false, problem);
    if (problems.length === 0) ladder = renditions;
  }

  const ladderMode = r.choice("ladderMode", LADDER_MODES);
  const ladderRateControl = r.choice("ladderRateControl", RATE_CONTROLS);

  const ladderQvbrQualityLevel = number("ladderQvbrQualityLevel");
  try {
    validateQvbrQualityLevel(ladderQvbrQualityLevel);
  } catch (e) {
    check("ladderQvbrQualityLevel", false, (e as Error).message);
  }

  // 0 leaves a limit to MediaConvert. Each limit is checked on its own, so the message
  // names its key; then the pair of bitrates.
  const ladderAuto: AutomatedAbrLimits = {
    maxRenditions: number(LADDER_AUTO_KEYS.maxRenditions) || undefined,
    minBitrate: number(LADDER_AUTO_KEYS.minBitrate) || undefined,
    maxBitrate: number(LADDER_AUTO_KEYS.maxBitrate) || undefined,
  };
  for (const [field, name] of Object.entries(LADDER_AUTO_KEYS)) {
    try {
      validateAutomatedAbrLimits({ [field]: ladderAuto[field as keyof AutomatedAbrLimits] });
    } catch (error) {
      check(name, false, (error as Error).message);
    }
  }
  const { minBitrate, maxBitrate } = ladderAuto;
  check(
    LADDER_AUTO_KEYS.minBitrate,
    !(minBitrate && maxBitrate && minBitrate > maxBitrate),
    `${minBitrate} is above ${LADDER_AUTO_KEYS.maxBitrate} ${maxBitrate}`,
  );
  check(
    "ladderMode",
    ladderMode === "automated" || Object.values(ladderAuto).every((v) => v === undefined),
    "ladderAuto* limits are set but ladderMode is not automated",
  );

  const priority = number("jobPriority");
  const accelerationMode = text("jobAccelerationMode");
  const concurrentJobs = number("jobQueueConcurrentJobs");
  // MediaConvert caps an on-demand queue's concurrent jobs at the account's service quota
  // "Concurrent jobs per on-demand queue" (and all queues together at "Concurrent jobs per
  // account"). Both are per account and Region and can be raised, so no fixed upper bound
  // is checked here: CreateQueue refuses a value above the quota at `pulumi up`.
  // https://docs.aws.amazon.com/mediaconvert/latest/ug/working-with-on-demand-queues.html
  check(
    "jobQueueConcurrentJobs",
    Number.isInteger(concurrentJobs) && concurrentJobs >= 0,
    `${concurrentJobs} must be a whole number of jobs (0: the account's quota), at most the ` +
      `account's MediaConvert quota "Concurrent jobs per on-demand queue" (Service Quotas console)`,
  );

  return {
    ladder,
    ladderMode,
    ladderRateControl,
    ladderQvbrQualityLevel,
    ladderAuto,
    jobPriority: validated("jobPriority", () => jobPriority(priority), DEFAULT_JOB_PRIORITY),
    jobAccelerationMode: validated(
      "jobAccelerationMode",
      () => accelerationSettings(accelerationMode).Mode,
      DEFAULT_ACCELERATION_MODE,
    ),
    jobQueueConcurrentJobs: concurrentJobs > 0 ? concurrentJobs : undefined,
  };
}

/**
 * Parses and validates each rendition on its own, then the ladder as a whole, so that
 * every problem is reported at once.
 */
function readLadder(specs: string[]): { renditions: Rendition[]; problems: string[] } {
  const renditions: Rendition[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    try {
      const rendition = parseRendition(spec);
      validateLadder([rendition]);
      renditions.push(rendition);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  // The ladder as a whole (its size, unique heights), over the renditions valid on their own.
  if (specs.length === 0 || renditions.length > 0) {
    try {
      validateLadder(renditions);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { renditions, problems };
}
