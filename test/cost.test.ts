import * as assert from "node:assert/strict";
import { vodOnAwsEstimate } from "../bench/cost";
import { dashboardBody, MetricWidget } from "../components/vodPipeline/dashboardModel";
import { comparePackaging, costRatios, estimateCost, settingsFromConfig } from "../plan/cost";
import type { TranscodingSettings } from "../plan/costOutputs";
import {
  CLOUDFRONT_FIRST_TIER_PER_GB,
  REGION_PRICES,
  RegionPrices,
  videoRateKey,
} from "../plan/prices";
import { readPlanConfig } from "../plan/stackConfig";
import { DEFAULT_LADDER, parseRendition } from "../shared/ladder";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const GB = 1024 ** 3;
/** Bytes a stream of `bps` writes in `seconds`, in GB. */
const gb = (bps: number, seconds: number) => (bps * seconds) / 8 / GB;
const close = (actual: number | null, expected: number, what: string) => {
  assert.ok(actual !== null, `${what} is priced`);
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
};

const PROD_LADDER = ["640x360@1M", "960x540@2M", "1280x720@3M", "1920x1080@6M"].map(parseRendition);
/** Pulumi.dev.yaml: the default ladder, CBR, no DRM, no acceleration, PriceClass_100. */
const DEV: TranscodingSettings = {
  region: "us-east-1",
  ladder: DEFAULT_LADDER,
  rateControl: "CBR",
  accelerationMode: "DISABLED",
  vodDrm: false,
  priceClass: "PriceClass_100",
};
/** Pulumi.prod.yaml: its ladder, QVBR, DRM without clear outputs, PREFERRED, PriceClass_All. */
const PROD: TranscodingSettings = {
  region: "us-east-1",
  ladder: PROD_LADDER,
  rateControl: "QVBR",
  accelerationMode: "PREFERRED",
  vodDrm: true,
  vodDrmClearOutputs: false,
  priceClass: "PriceClass_All",
};

/**
 * A filled row, to check the arithmetic once a real row is filled in. These are test
 * figures, not AWS's prices.
 */
const TEST_ROW: RegionPrices = {
  ...REGION_PRICES["us-east-1"],
  region: "test-1",
  mediaConvertVideoPerMinute: {
    [videoRateKey("Basic", "SD", "<=30fps", "single-pass")]: 0.001,
    [videoRateKey("Basic", "HD", "<=30fps", "single-pass")]: 0.002,
    [videoRateKey("Professional", "SD", "<=30fps", "multi-pass HQ")]: 0.01,
    [videoRateKey("Professional", "HD", "<=30fps", "multi-pass HQ")]: 0.02,
  },
  mediaConvertAudioPerMinute: 0.0005,
  mediaConvertFrameCapturePerMinute: 0.0003,
  mediaConvertAccelerationPerMinute: 0.004,
  s3StandardPerGbMonth: 0.03,
};
const TEST_TABLE = { "test-1": TEST_ROW };

describe("the cost per source minute (plan/cost.ts)", () => {
  it("counts the dev stack's outputs: the HLS ladder, the MP4 and the thumbnails, all Basic", () => {
    const estimate = estimateCost(DEV);
    assert.deepEqual(
      estimate.outputs.map((o) => `${o.group} ${o.name} ${o.tier}`),
      [
        "HLS _360 Basic",
        "HLS _540 Basic",
        "HLS _720 Basic",
        "MP4 mp4 Basic",
        "Thumbnails frames Basic",
      ],
    );
    assert.equal(estimate.mediaConvert.outputMinutes, 5);
    assert.deepEqual(estimate.mediaConvert.minutesBy, {
      "Basic AVC SD <=30fps single-pass": 2,
      "Basic AVC HD <=30fps single-pass": 2,
      "frame capture": 1,
    });
    // HLS: each rung with its 96 kb/s audio; the MP4: 3 Mb/s and the audio. A minute each.
    const hls = gb(1_096_000 + 2_096_000 + 3_096_000, 60);
    const mp4 = gb(3_096_000, 60);
    close(estimate.storage.gbByGroup.HLS, hls, "HLS storage");
    close(estimate.storage.gbByGroup.MP4, mp4, "MP4 storage");
    close(estimate.storage.gbPerMonth, hls + mp4, "storage");
    // Egress: the 720p rung and its audio for an hour, at $0.085/GB (PriceClass_100 is
    // North America and Europe only).
    assert.equal(estimate.egress.rendition, "1280x720");
    close(estimate.egress.gbPerViewingHour, gb(3_096_000, 3600), "egress GB");
    close(
      estimate.egress.costPerViewingHour.northAmericaEurope,
      gb(3_096_000, 3600) * 0.085,
      "egress $",
    );
    assert.equal(estimate.egress.perGb.dearest, 0.085);
  });

  it("counts the prod stack's outputs: DASH and FairPlay HLS, Professional for QVBR multi-pass HQ and acceleration", () => {
    const estimate = estimateCost(PROD);
    assert.deepEqual(
      estimate.outputs.map((o) => `${o.group} ${o.name}`),
      [
        "Thumbnails frames",
        "DASH _360",
        "DASH _540",
        "DASH _720",
        "DASH _1080",
        "DASH _audio",
        "HLS FairPlay _360",
        "HLS FairPlay _540",
        "HLS FairPlay _720",
        "HLS FairPlay _1080",
      ],
    );
    assert.ok(estimate.outputs.every((o) => o.tier === "Professional"));
    assert.deepEqual(estimate.outputs[1].professionalBecause, [
      "multi-pass HQ",
      "accelerated transcoding",
      "DRM encryption (assumed)",
    ]);
    assert.deepEqual(estimate.mediaConvert.minutesBy, {
      "frame capture": 1,
      "Professional AVC SD <=30fps multi-pass HQ": 4,
      "Professional AVC HD <=30fps multi-pass HQ": 4,
      audio: 1,
    });
    assert.deepEqual(estimate.mediaConvert.minutesByGroup, {
      Thumbnails: 1,
      DASH: 5,
      "HLS FairPlay": 4,
    });
    // DASH: video-only rungs and one audio output; FairPlay HLS: each rung with audio.
    const dash = gb(1_000_000 + 2_000_000 + 3_000_000 + 6_000_000 + 96_000, 60);
    const fairPlay = gb(1_096_000 + 2_096_000 + 3_096_000 + 6_096_000, 60);
    close(estimate.storage.gbPerMonth, dash + fairPlay, "storage");
    // Egress: 1080p and its audio; PriceClass_All's dearest first tier is $0.120/GB.
    assert.equal(estimate.egress.rendition, "1920x1080");
    close(estimate.egress.gbPerViewingHour, gb(6_096_000, 3600), "egress GB");
    close(estimate.egress.costPerViewingHour.dearest, gb(6_096_000, 3600) * 0.12, "egress $");
  });

  it("prices the outputs from the table: the prod stack by hand", () => {
    const estimate = estimateCost({ ...PROD, region: "test-1" }, TEST_TABLE);
    // 4 SD and 4 HD Professional multi-pass HQ, one audio output, the thumbnails, and
    // acceleration on every output but the frame captures (9).
    const mediaConvert = 4 * 0.01 + 4 * 0.02 + 0.0005 + 0.0003 + 9 * 0.004;
    close(estimate.mediaConvert.cost, mediaConvert, "MediaConvert $");
    assert.deepEqual(estimate.mediaConvert.missingRates, []);
    const storage = gb(12_096_000, 60) + gb(12_384_000, 60);
    close(estimate.storage.cost, storage * 0.03, "storage $");
  });

  it("prices the dev stack by hand, and says which rate is missing", () => {
    const estimate = estimateCost({ ...DEV, region: "test-1" }, TEST_TABLE);
    close(estimate.mediaConvert.cost, 2 * 0.001 + 2 * 0.002 + 0.0003, "MediaConvert $");
    const withoutHd = {
      "test-1": {
        ...TEST_ROW,
        mediaConvertVideoPerMinute: {
          ...TEST_ROW.mediaConvertVideoPerMinute,
          [videoRateKey("Basic", "HD", "<=30fps", "single-pass")]: null,
        },
      },
    };
    const partial = estimateCost({ ...DEV, region: "test-1" }, withoutHd);
    assert.equal(partial.mediaConvert.cost, null, "a missing rate is never taken as 0");
    assert.deepEqual(partial.mediaConvert.missingRates, ["Basic AVC HD <=30fps single-pass"]);
  });

  it("says so for a region without a price row, and still counts what it can", () => {
    const estimate = estimateCost({ ...PROD, region: "ap-south-1" });
    assert.equal(estimate.prices, null);
    assert.match(estimate.noPrices ?? "", /^no price row for ap-south-1/);
    assert.equal(estimate.mediaConvert.cost, null);
    assert.equal(estimate.storage.cost, null);
    assert.equal(estimate.mediaConvert.outputMinutes, 10);
    assert.ok(estimate.outputs.every((o) => o.cost === null));
  });

  it("gives each row its region, date and pages; a figure not found is null, never guessed", () => {
    for (const region of ["us-east-1", "eu-west-1"]) {
      const estimate = estimateCost({ ...DEV, region });
      assert.equal(estimate.prices?.region, region);
      assert.equal(estimate.prices?.takenOn, "2026-12-06");
      assert.deepEqual(estimate.prices?.sources, [
        "https://aws.amazon.com/mediaconvert/pricing/",
        "https://aws.amazon.com/s3/pricing/",
        "https://aws.amazon.com/cloudfront/pricing/",
      ]);
    }
    assert.equal(CLOUDFRONT_FIRST_TIER_PER_GB["United States, Mexico, and Canada"], 0.085);
  });

  it("takes one CMAF group instead of DASH and HLS when the packaging says so", () => {
    const separate = estimateCost(PROD);
    const cmaf = estimateCost({ ...PROD, packaging: "cmaf" });
    assert.deepEqual(cmaf.mediaConvert.minutesByGroup, { Thumbnails: 1, CMAF: 5 });
    assert.equal(separate.mediaConvert.outputMinutes - cmaf.mediaConvert.outputMinutes, 4);
    close(
      cmaf.storage.gbPerMonth,
      gb(1_000_000 + 2_000_000 + 3_000_000 + 6_000_000 + 96_000, 60),
      "CMAF storage",
    );
    const compared = comparePackaging(PROD);
    assert.equal(compared.outputMinutesSaved, 4);
    close(compared.gbPerMonthSaved, gb(12_384_000, 60), "CMAF saves the FairPlay HLS group");
  });

  it("adds the clear HLS and MP4 to the DRM groups when vodDrmClearOutputs keeps them", () => {
    const estimate = estimateCost({ ...PROD, vodDrmClearOutputs: true });
    assert.equal(estimate.mediaConvert.minutesByGroup.HLS, 4);
    assert.equal(estimate.mediaConvert.minutesByGroup.MP4, 1);
    assert.equal(estimate.mediaConvert.outputMinutes, 15);
  });

  it("reads the stacks' settings as the plan has them", () => {
    for (const [stack, expected] of [
      ["dev", DEV],
      ["prod", PROD],
    ] as const) {
      const config = readPlanConfig(ROOT, stack);
      const settings = settingsFromConfig(config.values, config.project);
      const pick = ({
        region,
        ladder,
        rateControl,
        accelerationMode,
        vodDrm,
        priceClass,
      }: TranscodingSettings) => ({
        region,
        ladder: [...ladder],
        rateControl,
        accelerationMode,
        vodDrm,
        priceClass,
      });
      assert.deepEqual(pick(settings), pick(expected), stack);
    }
  });

  it("compares with Video on Demand on AWS's 1080p template: five HLS renditions, single-pass HQ", () => {
    const theirs = vodOnAwsEstimate("us-east-1", "PriceClass_All");
    assert.equal(theirs.mediaConvert.outputMinutes, 5);
    assert.deepEqual(theirs.mediaConvert.minutesBy, {
      "Professional AVC SD <=30fps single-pass HQ": 3,
      "Professional AVC HD <=30fps single-pass HQ": 2,
    });
    const storage = gb(464_000 + 1_564_000 + 3_596_000 + 6_096_000 + 8_628_000, 60);
    close(theirs.storage.gbPerMonth, storage, "their storage");
    const ratios = costRatios(estimateCost(PROD), theirs);
    assert.equal(ratios.outputMinutes, 2);
    close(ratios.storage, (gb(12_096_000, 60) + gb(12_384_000, 60)) / storage, "storage ratio");
    close(ratios.egress, 6_096_000 / 8_628_000, "egress ratio");
  });
});

describe("the dashboard's billed output minutes", () => {
  it("charts MediaConvert's output duration per queue, by resolution and audio, as a Sum", () => {
    const body = dashboardBody({
      applicationName: "vod-test",
      region: "eu-west-1",
      queueArn: "arn:aws:mediaconvert:eu-west-1:123456789012:queues/vod",
      convertFunctionName: "convert",
      metadataFunctionName: "metadata",
      deadLetterQueueName: "dlq",
      distributionId: "E123",
      jobFailureAlarmArn: "arn:alarm",
      cdnAdditionalMetrics: false,
    });
    const widget = body.widgets.find(
      (w): w is MetricWidget =>
        w.type === "metric" && w.properties.title === "MediaConvert billed output duration (ms)",
    );
    assert.ok(widget, "the chart is on the dashboard");
    assert.equal(widget.properties.region, "eu-west-1");
    assert.deepEqual(widget.properties.metrics, [
      [
        "AWS/MediaConvert",
        "SDOutputDuration",
        "Queue",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/vod",
        { stat: "Sum", label: "SD" },
      ],
      [
        "AWS/MediaConvert",
        "HDOutputDuration",
        "Queue",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/vod",
        { stat: "Sum", label: "HD" },
      ],
      [
        "AWS/MediaConvert",
        "UHDOutputDuration",
        "Queue",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/vod",
        { stat: "Sum", label: "UHD" },
      ],
      [
        "AWS/MediaConvert",
        "8KOutputDuration",
        "Queue",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/vod",
        { stat: "Sum", label: "8K" },
      ],
      [
        "AWS/MediaConvert",
        "AudioOutputDuration",
        "Queue",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/vod",
        { stat: "Sum", label: "audio only" },
      ],
    ]);
  });
});
