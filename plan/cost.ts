/**
 * What one minute of source video costs: MediaConvert output minutes, storage of the
 * outputs and CloudFront egress, from the stack's transcoding settings and the list
 * prices in `./prices.ts`. Pure: no Pulumi, no SDK, no clock; the plan prints it and the
 * bench compares it with AWS's Video on Demand on AWS ladder.
 *
 * The outputs (`./costOutputs.ts`) are those `functions/convert/jobSettings.ts` writes for a source the
 * ladder fits as it stands (a 16:9 source at least as tall as the top rung, at 30 fps
 * unless told): every rendition is a MediaConvert output billed per minute of its
 * duration, so each output costs one output minute per source minute.
 *
 * Which tier an output bills in, from MediaConvert's pricing page
 * (https://aws.amazon.com/mediaconvert/pricing/, read 2026-12-06): "The Basic tier ...
 * supports outputs with the AVC codec and speed-optimized or balanced single-pass
 * encoding"; every other AVC output is Professional. So:
 * - CBR (`SINGLE_PASS`): Basic; QVBR here runs `MULTI_PASS_HQ`: Professional.
 * - Accelerated transcoding: "a Professional tier feature"
 *   (https://docs.aws.amazon.com/mediaconvert/latest/ug/accelerated-transcoding.html).
 *   With `PREFERRED` MediaConvert accelerates only jobs it can; the estimate assumes it
 *   does (the dearer case).
 * - DRM (SPEKE encryption): the stored copy of the pricing page does not say which tier
 *   it needs; the estimate bills encrypted outputs as Professional (the dearer case).
 */
import { AccelerationMode, DEFAULT_ACCELERATION_MODE } from "../shared/jobQueue";
import {
  DEFAULT_LADDER,
  DEFAULT_LADDER_MODE,
  DEFAULT_RATE_CONTROL,
  LadderMode,
  parseRendition,
  RateControl,
  Rendition,
} from "../shared/ladder";
import { DEFAULT_DRM_PACKAGING, DRM_PACKAGINGS, DrmPackaging } from "../shared/outputLayout";
import { AUDIO_BITRATE, JobOutput, jobOutputs, rateKey, TranscodingSettings } from "./costOutputs";
import {
  CLOUDFRONT_FIRST_TIER_PER_GB,
  CloudFrontArea,
  PRICE_CLASS_AREAS,
  PRICE_SOURCES,
  REGION_PRICES,
  RegionPrices,
} from "./prices";

/** An output with its price. */
export interface PricedOutput extends JobOutput {
  /** Output minutes per source minute. */
  readonly minutes: number;
  /** USD per output minute; `null` when the table has no such rate. */
  readonly perMinute: number | null;
  /** USD per source minute; `null` when unpriced. */
  readonly cost: number | null;
}

/** The estimate for one minute of source. Every dollar figure is `null` when unpriced. */
export interface CostEstimate {
  readonly region: string;
  /** The price row used: its date and pages; `null` when the region has none. */
  readonly prices: {
    readonly region: string;
    readonly takenOn: string;
    readonly sources: readonly string[];
    readonly notes: readonly string[];
  } | null;
  /** Why there are no dollar figures for the region, when there are none. */
  readonly noPrices?: string;
  /** Why the outputs cannot be estimated (automated ABR), when they cannot. */
  readonly notEstimated?: string;
  readonly assumptions: readonly string[];
  readonly packaging: DrmPackaging;
  readonly outputs: readonly PricedOutput[];
  readonly mediaConvert: {
    readonly outputMinutes: number;
    /** Output minutes by what MediaConvert bills on: `Professional AVC HD <=30fps multi-pass HQ`, `audio`, `frame capture`. */
    readonly minutesBy: Readonly<Record<string, number>>;
    /** Output minutes by group. */
    readonly minutesByGroup: Readonly<Record<string, number>>;
    readonly accelerated: boolean;
    readonly cost: number | null;
    /** Rates the table lacks, by key. */
    readonly missingRates: readonly string[];
  };
  readonly storage: {
    /** GB of outputs per source minute, held a month (frame captures not counted). */
    readonly gbPerMonth: number;
    readonly gbByGroup: Readonly<Record<string, number>>;
    readonly perGbMonth: number | null;
    readonly cost: number | null;
  };
  readonly egress: {
    /** The top rendition a viewer watches, with its audio. */
    readonly rendition: string;
    readonly bitrate: number;
    readonly gbPerViewingHour: number;
    readonly priceClass: string;
    /** First-tier USD per GB in North America and Europe, and in the dearest area of the class. */
    readonly perGb: { readonly northAmericaEurope: number; readonly dearest: number };
    readonly dearestArea: CloudFrontArea;
    readonly costPerViewingHour: { readonly northAmericaEurope: number; readonly dearest: number };
    readonly source: string;
  };
}

function ratePerMinute(output: JobOutput, prices: RegionPrices): number | null {
  if (output.kind === "audio") return prices.mediaConvertAudioPerMinute;
  if (output.kind === "frame capture") return prices.mediaConvertFrameCapturePerMinute;
  return prices.mediaConvertVideoPerMinute[rateKey(output)] ?? null;
}

/** AWS bills storage and transfer in GB of 2^30 bytes. */
export const BYTES_PER_GB = 1024 ** 3;

/** GB written by `bitsPerSecond` over `seconds`. */
export const gigabytes = (bitsPerSecond: number, seconds: number) =>
  (bitsPerSecond * seconds) / 8 / BYTES_PER_GB;

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
/** The sum, or `null` if any term is `null`. */
const sumOrNull = (values: readonly (number | null)[]) =>
  values.some((v) => v === null) ? null : sum(values as number[]);
const addTo = (record: Record<string, number>, key: string, value: number) => {
  record[key] = (record[key] ?? 0) + value;
};

/**
 * The estimate for one minute of source with `settings`, priced from `table` (the
 * stack's region's row). Quantities are always given; dollar figures are `null` where
 * the table lacks the price, and all MediaConvert and S3 figures are `null` for a region
 * without a row.
 */
export function estimateCost(
  settings: TranscodingSettings,
  table: Readonly<Record<string, RegionPrices>> = REGION_PRICES,
  cloudFront: Readonly<Record<CloudFrontArea, number>> = CLOUDFRONT_FIRST_TIER_PER_GB,
): CostEstimate {
  const accelerated = (settings.accelerationMode ?? "DISABLED") !== "DISABLED";
  const automated = (settings.ladderMode ?? "fixed") === "automated";
  const assumptions = [
    `a ${settings.frameRate ?? 30} fps source at least as tall as the top rung, so every rung is encoded as configured`,
    "bitrates at the configured value (QVBR: its cap, so storage and egress are upper bounds)",
    "on-demand list prices, first volume tier, no free tier",
    ...(accelerated ? ["accelerated transcoding on every job (PREFERRED may not accelerate)"] : []),
    ...(settings.vodDrm ? ["encrypted outputs billed as Professional tier"] : []),
  ];
  const estimate = estimateOutputs(
    jobOutputs(automated ? { ...settings, ladder: [] } : settings),
    {
      region: settings.region,
      priceClass: settings.priceClass,
      accelerated,
      packaging: settings.packaging ?? "separate",
      assumptions,
    },
    table,
    cloudFront,
  );
  return automated
    ? {
        ...estimate,
        notEstimated:
          "ladderMode automated: MediaConvert picks the renditions for each source, so the streaming outputs are not estimated",
      }
    : estimate;
}

/** How a list of outputs is priced: where, and what the job does. */
export interface EstimateContext {
  readonly region: string;
  readonly priceClass?: string;
  readonly accelerated: boolean;
  readonly packaging: DrmPackaging;
  readonly assumptions: readonly string[];
}

/** The estimate for any job's outputs (the bench prices another solution's ladder with it). */
export function estimateOutputs(
  jobOutputList: readonly JobOutput[],
  context: EstimateContext,
  table: Readonly<Record<string, RegionPrices>> = REGION_PRICES,
  cloudFront: Readonly<Record<CloudFrontArea, number>> = CLOUDFRONT_FIRST_TIER_PER_GB,
): CostEstimate {
  const row = table[context.region];
  const { accelerated, packaging, assumptions } = context;
  const outputs = jobOutputList.map((output): PricedOutput => {
    const perMinute = row ? ratePerMinute(output, row) : null;
    const acceleration =
      row && accelerated && output.kind !== "frame capture"
        ? row.mediaConvertAccelerationPerMinute
        : 0;
    const cost = perMinute === null || acceleration === null ? null : perMinute + acceleration;
    return { ...output, minutes: 1, perMinute, cost };
  });

  const minutesBy: Record<string, number> = {};
  const minutesByGroup: Record<string, number> = {};
  const gbByGroup: Record<string, number> = {};
  for (const output of outputs) {
    addTo(minutesBy, rateKey(output), output.minutes);
    addTo(minutesByGroup, output.group, output.minutes);
    if (output.kind !== "frame capture") {
      addTo(gbByGroup, output.group, gigabytes(output.videoBitrate + output.audioBitrate, 60));
    }
  }
  const missingRates = row
    ? [
        ...new Set(
          outputs
            .filter((o) => ratePerMinute(o, row) === null)
            .map(rateKey)
            .concat(
              accelerated && row.mediaConvertAccelerationPerMinute === null
                ? ["accelerated transcoding"]
                : [],
            ),
        ),
      ]
    : [];
  const gbPerMonth = sum(Object.values(gbByGroup));
  const perGbMonth = row?.s3StandardPerGbMonth ?? null;

  // Egress: the top rendition of the ladder (the MP4's when there is no ladder), with audio.
  const streamed = outputs.filter((o) => o.kind === "video" && o.group !== "MP4");
  const top = [
    ...(streamed.length > 0 ? streamed : outputs.filter((o) => o.kind === "video")),
  ].sort((a, b) => b.videoBitrate - a.videoBitrate)[0];
  // A video-only (DASH, CMAF) rendition is watched with the audio output beside it.
  const topBitrate = top ? top.videoBitrate + (top.audioBitrate || AUDIO_BITRATE) : 0;
  const gbPerViewingHour = gigabytes(topBitrate, 3600);
  const priceClass = context.priceClass ?? "PriceClass_100";
  const areas = PRICE_CLASS_AREAS[priceClass] ?? PRICE_CLASS_AREAS.PriceClass_All;
  const dearestArea = [...areas].sort((a, b) => cloudFront[b] - cloudFront[a])[0];
  const northAmericaEurope = cloudFront["United States, Mexico, and Canada"];

  return {
    region: context.region,
    prices: row
      ? {
          region: row.region,
          takenOn: row.takenOn,
          sources: [PRICE_SOURCES.mediaConvert, PRICE_SOURCES.s3, PRICE_SOURCES.cloudFront],
          notes: row.notes,
        }
      : null,
    ...(row
      ? {}
      : {
          noPrices: `no price row for ${context.region}: MediaConvert and S3 are not priced (add one to plan/prices.ts)`,
        }),
    assumptions,
    packaging,
    outputs,
    mediaConvert: {
      outputMinutes: sum(outputs.map((o) => o.minutes)),
      minutesBy,
      minutesByGroup,
      accelerated,
      cost: row ? sumOrNull(outputs.map((o) => o.cost)) : null,
      missingRates,
    },
    storage: {
      gbPerMonth,
      gbByGroup,
      perGbMonth,
      cost: perGbMonth === null ? null : gbPerMonth * perGbMonth,
    },
    egress: {
      rendition: top ? `${top.width}x${top.height}` : "none",
      bitrate: topBitrate,
      gbPerViewingHour,
      priceClass,
      perGb: { northAmericaEurope, dearest: cloudFront[dearestArea] },
      dearestArea,
      costPerViewingHour: {
        northAmericaEurope: gbPerViewingHour * northAmericaEurope,
        dearest: gbPerViewingHour * cloudFront[dearestArea],
      },
      source: PRICE_SOURCES.cloudFront,
    },
  };
}

/**
 * The same settings with the encrypted ladder packaged both ways: separate DASH and HLS
 * groups, and one CMAF group (`vodDrmPackaging`), with what CMAF saves per source
 * minute.
 */
export function comparePackaging(settings: TranscodingSettings) {
  const separate = estimateCost({ ...settings, packaging: "separate" });
  const cmaf = estimateCost({ ...settings, packaging: "cmaf" });
  return {
    separate,
    cmaf,
    outputMinutesSaved: separate.mediaConvert.outputMinutes - cmaf.mediaConvert.outputMinutes,
    gbPerMonthSaved: separate.storage.gbPerMonth - cmaf.storage.gbPerMonth,
  };
}

/** Ratios of one estimate's quantities (and dollars, where both are priced) to another's. */
export interface CostRatios {
  readonly outputMinutes: number;
  readonly storage: number;
  readonly egress: number;
  readonly mediaConvertCost: number | null;
}

export function costRatios(ours: CostEstimate, theirs: CostEstimate): CostRatios {
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null || b === 0 ? null : a / b;
  return {
    outputMinutes: ours.mediaConvert.outputMinutes / theirs.mediaConvert.outputMinutes,
    storage: ours.storage.gbPerMonth / theirs.storage.gbPerMonth,
    egress: ours.egress.gbPerViewingHour / theirs.egress.gbPerViewingHour,
    mediaConvertCost: ratio(ours.mediaConvert.cost, theirs.mediaConvert.cost),
  };
}

/**
 * The settings from a stack's configuration as the plan reads it (`namespace:key` →
 * text, Pulumi.yaml's defaults included; arrays as JSON text). `vodDrmPackaging` is read
 * when the project declares it.
 */
export function settingsFromConfig(
  values: Readonly<Record<string, string>>,
  project: string,
): TranscodingSettings {
  const value = (key: string) => values[`${project}:${key}`];
  const ladderText = value("ladder");
  const ladder: Rendition[] = ladderText
    ? (JSON.parse(ladderText) as string[]).map(parseRendition)
    : [...DEFAULT_LADDER];
  const packaging = value("vodDrmPackaging");
  return {
    region: values["aws:region"] ?? "(no aws:region)",
    ladder,
    ladderMode: (value("ladderMode") as LadderMode | undefined) ?? DEFAULT_LADDER_MODE,
    rateControl: (value("ladderRateControl") as RateControl | undefined) ?? DEFAULT_RATE_CONTROL,
    accelerationMode:
      (value("jobAccelerationMode") as AccelerationMode | undefined) ?? DEFAULT_ACCELERATION_MODE,
    vodDrm: value("vodDrm") === "true",
    vodDrmClearOutputs: value("vodDrmClearOutputs") === "true",
    packaging: (DRM_PACKAGINGS as readonly string[]).includes(packaging ?? "")
      ? (packaging as DrmPackaging)
      : DEFAULT_DRM_PACKAGING,
    priceClass: value("cdnPriceClass") ?? "PriceClass_100",
  };
}
