/**
 * The cost per source minute of this project's stacks beside AWS's Video on Demand on
 * AWS solution on the same 1080p source, as ratios: MediaConvert output minutes,
 * storage, egress per viewing hour, and MediaConvert dollars where both are priced.
 */
import {
  costRatios,
  CostEstimate,
  estimateCost,
  estimateOutputs,
  settingsFromConfig,
} from "../plan/cost";
import { avcOutput, JobOutput } from "../plan/costOutputs";
import { readPlanConfig } from "../plan/stackConfig";
import type { Figure } from "./figures";

/**
 * Video on Demand on AWS's default job template for a 1080p source,
 * `_Ott_1080p_Avc_Aac_16x9_qvbr_no_preset`: one Apple HLS group of five muxed AVC + AAC
 * renditions, QVBR with `SINGLE_PASS_HQ`, each at its `MaxBitrate`. Frame capture is off
 * by default (the stack's `FrameCapture` parameter defaults to `No`), and the template
 * has no MP4 and no DASH.
 * @see https://github.com/aws-solutions/video-on-demand-on-aws/blob/8c2c20aa281fae2ed8d4cd38c36250e65b083398/source/custom-resource/lib/mediaconvert/templates/1080p_avc_aac_16x9_qvbr_no_preset.json
 */
export const VOD_ON_AWS_1080P_HLS = [
  { width: 480, height: 270, bitrate: 400_000, audioBitrate: 64_000 },
  { width: 640, height: 360, bitrate: 1_500_000, audioBitrate: 64_000 },
  { width: 960, height: 540, bitrate: 3_500_000, audioBitrate: 96_000 },
  { width: 1280, height: 720, bitrate: 6_000_000, audioBitrate: 96_000 },
  { width: 1920, height: 1080, bitrate: 8_500_000, audioBitrate: 128_000 },
] as const;

/** The solution's job for one 1080p source, as outputs. */
export function vodOnAwsOutputs(): JobOutput[] {
  return VOD_ON_AWS_1080P_HLS.map(({ audioBitrate, ...rung }) =>
    avcOutput("HLS", `_${rung.height}`, rung, "single-pass HQ", audioBitrate, false, {
      accelerated: false,
      frameRate: 30,
    }),
  );
}

/** The solution's estimate in `region`, delivered through `priceClass`. */
export function vodOnAwsEstimate(region: string, priceClass?: string): CostEstimate {
  return estimateOutputs(vodOnAwsOutputs(), {
    region,
    priceClass,
    accelerated: false,
    packaging: "separate",
    assumptions: ["Video on Demand on AWS, default 1080p template, a 1080p 30 fps source"],
  });
}

const times = (ratio: number | null) => (ratio === null ? "not priced" : `${ratio.toFixed(2)}×`);

/** One row per stack: its estimate over the solution's, on the same source and region. */
export function benchCost(root: string): Figure[] {
  return ["dev", "prod"].flatMap((stack) => {
    const config = readPlanConfig(root, stack);
    const settings = settingsFromConfig(config.values, config.project);
    const ours = estimateCost(settings);
    const theirs = vodOnAwsEstimate(settings.region, settings.priceClass);
    const ratios = costRatios(ours, theirs);
    return [
      {
        name: `cost per source minute, ${stack} stack ÷ Video on Demand on AWS`,
        value:
          `output minutes ${times(ratios.outputMinutes)} (${ours.mediaConvert.outputMinutes} ÷ ${theirs.mediaConvert.outputMinutes}), ` +
          `storage ${times(ratios.storage)}, egress ${times(ratios.egress)}, ` +
          `MediaConvert $ ${times(ratios.mediaConvertCost)}`,
      },
    ];
  });
}
