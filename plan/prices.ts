/**
 * List prices the cost estimate (`./cost.ts`) multiplies by: one row per AWS region for
 * MediaConvert and S3, and CloudFront's global table. Public on-demand list prices in
 * USD, without tax, volume discounts, savings plans or the free tier.
 *
 * Every figure names the page it was read from and the date it was read. A figure the
 * stored copy of its page did not show is `null`, and the estimate says it is missing
 * instead of guessing it. To update a row: open the pages below, copy each figure for
 * the region, set `takenOn` to the day you read them, and run the cost tests
 * (`test/cost.test.ts`), which recompute the estimate by hand from this table.
 */

/** When the figures below were read from their pages. */
export const PRICES_TAKEN_ON = "2026-12-06";

/** The public pricing pages the figures come from. */
export const PRICE_SOURCES = {
  mediaConvert: "https://aws.amazon.com/mediaconvert/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
  cloudFront: "https://aws.amazon.com/cloudfront/pricing/",
} as const;

/** The tiers MediaConvert's on-demand pricing bills an output in. */
export type Tier = "Basic" | "Professional";
/** Resolution bands, by the output's short side: SD below 720 lines, HD 720 to 1080, UHD above. */
export type ResolutionBand = "SD" | "HD" | "UHD";
/** Frame rate bands MediaConvert prices. */
export type FrameRateBand = "<=30fps" | ">30fps";
/**
 * How the encoder runs, as MediaConvert prices it (H.264 `QualityTuningLevel`:
 * `SINGLE_PASS`, `SINGLE_PASS_HQ`, `MULTI_PASS_HQ`).
 */
export type EncodingPass = "single-pass" | "single-pass HQ" | "multi-pass HQ";

/** The key of one MediaConvert video rate: `Professional AVC HD <=30fps multi-pass HQ`. */
export const videoRateKey = (
  tier: Tier,
  band: ResolutionBand,
  frameRate: FrameRateBand,
  pass: EncodingPass,
) => `${tier} AVC ${band} ${frameRate} ${pass}`;

/** One region's prices. `null`: not found on the page when it was read. */
export interface RegionPrices {
  readonly region: string;
  readonly takenOn: string;
  /** USD per output minute, by {@link videoRateKey}. A key left out is not priced either. */
  readonly mediaConvertVideoPerMinute: Readonly<Record<string, number | null>>;
  /** USD per minute of an audio-only output. */
  readonly mediaConvertAudioPerMinute: number | null;
  /** USD per minute of a frame-capture (JPEG) output. */
  readonly mediaConvertFrameCapturePerMinute: number | null;
  /** USD per output minute added when a job runs with accelerated transcoding. */
  readonly mediaConvertAccelerationPerMinute: number | null;
  /** S3 Standard, first 50 TB, USD per GB-month. */
  readonly s3StandardPerGbMonth: number | null;
  /** What was and was not found, in words. */
  readonly notes: readonly string[];
}

/**
 * Every video rate the estimate can ask for, not found: the stored copies of the
 * MediaConvert pricing page (read 2026-12-06) carry its text but not its price cells,
 * which the page fills in from a price list when it loads. The page's text does say
 * which features bill as Professional (see `./cost.ts`).
 */
function unfoundVideoRates(): Record<string, null> {
  const rates: Record<string, null> = {};
  for (const tier of ["Basic", "Professional"] as const) {
    for (const band of ["SD", "HD", "UHD"] as const) {
      for (const frameRate of ["<=30fps", ">30fps"] as const) {
        for (const pass of ["single-pass", "single-pass HQ", "multi-pass HQ"] as const) {
          rates[videoRateKey(tier, band, frameRate, pass)] = null;
        }
      }
    }
  }
  return rates;
}

const UNFOUND_NOTES = [
  "MediaConvert per-minute rates: not found. The stored copies of the pricing page show its text (tiers, normalized minutes) but not its price cells.",
  "S3 Standard per GB-month: not found. The stored copies of the S3 pricing page show its storage cells as unfilled price tokens.",
];

/**
 * A region's row with only what could be read filled in: none of its MediaConvert or S3
 * prices (CloudFront's are per area, below). Copy a region's figures in here as they are
 * read from the pages, and set `takenOn`.
 */
function rowWithoutPrices(region: string): RegionPrices {
  return {
    region,
    takenOn: PRICES_TAKEN_ON,
    mediaConvertVideoPerMinute: unfoundVideoRates(),
    mediaConvertAudioPerMinute: null,
    mediaConvertFrameCapturePerMinute: null,
    mediaConvertAccelerationPerMinute: null,
    s3StandardPerGbMonth: null,
    notes: UNFOUND_NOTES,
  };
}

/** The rows, by region. A region without a row has no estimate in dollars. */
export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": rowWithoutPrices("us-east-1"),
  "eu-west-1": rowWithoutPrices("eu-west-1"),
};

/** CloudFront's geographic areas, as its pricing page names them. */
export type CloudFrontArea =
  | "United States, Mexico, and Canada"
  | "Europe, Israel, and Türkiye"
  | "South Africa, Kenya, Nigeria, and Middle East"
  | "South America"
  | "Japan"
  | "Australia and New Zealand"
  | "Hong Kong, Indonesia, Philippines, Singapore, South Korea, Taiwan, Thailand, Malaysia, and Vietnam"
  | "India";

/**
 * CloudFront regional data transfer out to the internet, first 10 TB a month, USD per
 * GB. Global: it depends on where viewers are served, not on the stack's region. Read
 * from the pricing page's table on 2026-12-06 (the always-free 1 TB a month not
 * deducted).
 */
export const CLOUDFRONT_FIRST_TIER_PER_GB: Readonly<Record<CloudFrontArea, number>> = {
  "United States, Mexico, and Canada": 0.085,
  "Europe, Israel, and Türkiye": 0.085,
  "South Africa, Kenya, Nigeria, and Middle East": 0.11,
  "South America": 0.11,
  Japan: 0.114,
  "Australia and New Zealand": 0.114,
  "Hong Kong, Indonesia, Philippines, Singapore, South Korea, Taiwan, Thailand, Malaysia, and Vietnam": 0.12,
  India: 0.109,
};

/**
 * The areas each price class serves from: PriceClass_100 North America and Europe;
 * PriceClass_200 adds Africa, the Middle East, Japan, Asia and India; PriceClass_All
 * everything.
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudfront.PriceClass.html
 */
export const PRICE_CLASS_AREAS: Readonly<Record<string, readonly CloudFrontArea[]>> = {
  PriceClass_100: ["United States, Mexico, and Canada", "Europe, Israel, and Türkiye"],
  PriceClass_200: [
    "United States, Mexico, and Canada",
    "Europe, Israel, and Türkiye",
    "South Africa, Kenya, Nigeria, and Middle East",
    "Japan",
    "Hong Kong, Indonesia, Philippines, Singapore, South Korea, Taiwan, Thailand, Malaysia, and Vietnam",
    "India",
  ],
  PriceClass_All: Object.keys(CLOUDFRONT_FIRST_TIER_PER_GB) as CloudFrontArea[],
};
