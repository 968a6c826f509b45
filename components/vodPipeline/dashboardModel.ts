/**
 * The stack's CloudWatch dashboard as data: the metrics it charts (AWS's namespaces and
 * metric names, each listed once), the widgets, and where they sit on the grid. Pure: no
 * Pulumi resources, so every widget can be read and tested as data; `./observability`
 * creates the dashboard and the alarm from it.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import { CONVERT_METRICS, ENTITLEMENT_METRICS, METRICS_NAMESPACE } from "../../shared/metrics";

/**
 * MediaConvert's queue metrics, published per queue (dimension `Queue`, the queue's ARN).
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/metrics.html
 */
export const MEDIACONVERT_NAMESPACE = "AWS/MediaConvert";
export const MEDIACONVERT_METRICS = {
  completed: "JobsCompletedCount",
  /** Jobs that failed. */
  errored: "JobsErroredCount",
  /** From submission until transcoding starts: time waiting in the queue. */
  standby: "StandbyTime",
  /** How long transcoding took. */
  transcoding: "TranscodingTime",
} as const;

/**
 * What MediaConvert bills on demand: the duration of the outputs its jobs wrote, per
 * queue, in milliseconds, by resolution (SD, HD, UHD, 8K) and for audio-only outputs.
 * Their Sum over a day, divided by 60,000, is the day's billed output minutes, to set
 * against the plan's estimate per source minute (`plan/cost.ts`).
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/metrics.html
 */
export const MEDIACONVERT_OUTPUT_DURATION_METRICS = {
  sd: "SDOutputDuration",
  hd: "HDOutputDuration",
  uhd: "UHDOutputDuration",
  "8k": "8KOutputDuration",
  audio: "AudioOutputDuration",
} as const;

/**
 * CloudFront's metrics: all in us-east-1, whatever the stack's region, with the
 * dimensions `DistributionId` and `Region` = `Global`. `CacheHitRate` exists only with
 * the additional metrics turned on.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
 */
export const CLOUDFRONT_NAMESPACE = "AWS/CloudFront";
export const CLOUDFRONT_METRICS_REGION = "us-east-1";
export const CLOUDFRONT_REGION_DIMENSION = "Global";
export const CLOUDFRONT_METRICS = {
  requests: "Requests",
  clientErrorRate: "4xxErrorRate",
  serverErrorRate: "5xxErrorRate",
  /** Only with the additional metrics. */
  cacheHitRate: "CacheHitRate",
} as const;

/** @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html */
export const LAMBDA_NAMESPACE = "AWS/Lambda";
export const LAMBDA_METRICS = { errors: "Errors", throttles: "Throttles" } as const;
/** @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html */
export const SQS_NAMESPACE = "AWS/SQS";
/** Messages waiting to be received: for a dead-letter queue, failed events not yet handled. */
export const SQS_VISIBLE_MESSAGES = "ApproximateNumberOfMessagesVisible";

/** The period of every chart and of the job-failure alarm, in seconds. */
export const METRIC_PERIOD_SECONDS = 300;

/** Rendering options for one metric line. */
export interface MetricOptions {
  readonly stat?: string;
  readonly label?: string;
  readonly region?: string;
}

/** One metric line: namespace, metric name, then dimension name/value pairs, then options. */
export type MetricLine = [string, string, ...(string | MetricOptions)[]];

/** A chart of metrics. */
export interface MetricWidget {
  readonly type: "metric";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries";
    readonly stacked: boolean;
    readonly period: number;
    readonly metrics: MetricLine[];
    readonly yAxis?: { readonly left: { readonly min?: number; readonly max?: number } };
  };
}

/** The state of alarms. */
export interface AlarmWidget {
  readonly type: "alarm";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: { readonly title: string; readonly alarms: string[] };
}

/** Markdown text. */
export interface TextWidget {
  readonly type: "text";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: { readonly markdown: string };
}

export type Widget = MetricWidget | AlarmWidget | TextWidget;

/** A dashboard body: its widgets and the default time range. */
export interface DashboardBody {
  readonly start: string;
  readonly periodOverride: "auto" | "inherit";
  readonly widgets: Widget[];
}

/** Everything the dashboard names, resolved. */
export interface DashboardInputs {
  readonly applicationName: string;
  readonly region: string;
  readonly queueArn: string;
  readonly convertFunctionName: string;
  readonly metadataFunctionName: string;
  readonly deadLetterQueueName: string;
  readonly distributionId: string;
  readonly jobFailureAlarmArn: string;
  readonly cdnAdditionalMetrics: boolean;
  /** Chart the token function's entitlement refusals. @default false */
  readonly licenseTokens?: boolean;
}

/** A metric and how it is drawn. */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly stat: string;
  readonly label: string;
}

/** A chart before it is placed on the grid. */
interface Chart {
  readonly title: string;
  readonly region: string;
  readonly metrics: MetricSpec[];
  readonly yAxis?: { readonly left: { readonly min?: number; readonly max?: number } };
}

/** Dashboards are 24 columns wide: two charts per row. */
const GRID_COLUMNS = 24;
const CHART_WIDTH = 12;
const CHART_HEIGHT = 6;
const HEADER_HEIGHT = 2;

/** A metric as a dashboard metric line. */
export function metricLine(spec: MetricSpec): MetricLine {
  const dimensions = Object.entries(spec.dimensions).flat();
  return [spec.namespace, spec.metricName, ...dimensions, { stat: spec.stat, label: spec.label }];
}

/**
 * The dashboard: a note that code made it and the job-failure alarm's state, then
 * uploads, MediaConvert jobs and their durations, the dead-letter queue, each function's errors
 * and throttles, and CloudFront (requests, error rates, and the cache hit rate when the
 * additional metrics are on).
 */
export function dashboardBody(inputs: DashboardInputs): DashboardBody {
  const { region } = inputs;
  const queue = { Queue: inputs.queueArn };
  const cdn = { DistributionId: inputs.distributionId, Region: CLOUDFRONT_REGION_DIMENSION };
  const mediaConvert = (metricName: string, stat: string, label: string): MetricSpec => ({
    namespace: MEDIACONVERT_NAMESPACE,
    metricName,
    dimensions: queue,
    stat,
    label,
  });
  const lambda = (functionName: string, metricName: string): MetricSpec => ({
    namespace: LAMBDA_NAMESPACE,
    metricName,
    dimensions: { FunctionName: functionName },
    stat: "Sum",
    label: metricName.toLowerCase(),
  });
  const cloudFront = (metricName: string, stat: string, label: string): MetricSpec => ({
    namespace: CLOUDFRONT_NAMESPACE,
    metricName,
    dimensions: cdn,
    stat,
    label,
  });
  // What the convert function counts per upload (embedded metrics, see shared/metrics.ts).
  const uploads = (metricName: string, label: string): MetricSpec => ({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensions: { service: "convert", application: inputs.applicationName },
    stat: "Sum",
    label,
  });
  // What the token function refuses for want of entitlement (see shared/metrics.ts).
  const entitlement = (metricName: string, label: string): MetricSpec => ({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensions: { service: "licenseToken" },
    stat: "Sum",
    label,
  });
  const percent = { left: { min: 0, max: 100 } };

  const charts: Chart[] = [
    {
      title: "MediaConvert jobs",
      region,
      metrics: [
        mediaConvert(MEDIACONVERT_METRICS.completed, "Sum", "completed"),
        mediaConvert(MEDIACONVERT_METRICS.errored, "Sum", "failed"),
      ],
    },
    {
      title: "MediaConvert job duration",
      region,
      metrics: [
        mediaConvert(MEDIACONVERT_METRICS.transcoding, "Average", "transcoding (average)"),
        mediaConvert(MEDIACONVERT_METRICS.transcoding, "Maximum", "transcoding (maximum)"),
        mediaConvert(MEDIACONVERT_METRICS.standby, "Average", "waiting in the queue (average)"),
      ],
    },
    {
      title: "MediaConvert billed output duration (ms)",
      region,
      metrics: [
        mediaConvert(MEDIACONVERT_OUTPUT_DURATION_METRICS.sd, "Sum", "SD"),
        mediaConvert(MEDIACONVERT_OUTPUT_DURATION_METRICS.hd, "Sum", "HD"),
        mediaConvert(MEDIACONVERT_OUTPUT_DURATION_METRICS.uhd, "Sum", "UHD"),
        mediaConvert(MEDIACONVERT_OUTPUT_DURATION_METRICS["8k"], "Sum", "8K"),
        mediaConvert(MEDIACONVERT_OUTPUT_DURATION_METRICS.audio, "Sum", "audio only"),
      ],
    },
    {
      title: "Uploads",
      region,
      metrics: [
        uploads(CONVERT_METRICS.jobsCreated, "jobs created"),
        uploads(CONVERT_METRICS.duplicateUploads, "duplicates (no second job)"),
        uploads(CONVERT_METRICS.uploadsSkipped, "skipped (not a video, empty, a folder)"),
        uploads(CONVERT_METRICS.uploadsRejected, "of which read and refused"),
        uploads(CONVERT_METRICS.jobsThrottled, "throttled (retried)"),
      ],
    },
    {
      title: "Dead-letter queue",
      region,
      metrics: [
        {
          namespace: SQS_NAMESPACE,
          metricName: SQS_VISIBLE_MESSAGES,
          dimensions: { QueueName: inputs.deadLetterQueueName },
          stat: "Maximum",
          label: "failed events waiting",
        },
      ],
    },
    {
      title: "convert function",
      region,
      metrics: [
        lambda(inputs.convertFunctionName, LAMBDA_METRICS.errors),
        lambda(inputs.convertFunctionName, LAMBDA_METRICS.throttles),
      ],
    },
    {
      title: "metadata function",
      region,
      metrics: [
        lambda(inputs.metadataFunctionName, LAMBDA_METRICS.errors),
        lambda(inputs.metadataFunctionName, LAMBDA_METRICS.throttles),
      ],
    },
    {
      title: "CloudFront requests",
      region: CLOUDFRONT_METRICS_REGION,
      metrics: [cloudFront(CLOUDFRONT_METRICS.requests, "Sum", "requests")],
    },
    {
      title: "CloudFront error rates (%)",
      region: CLOUDFRONT_METRICS_REGION,
      metrics: [
        cloudFront(CLOUDFRONT_METRICS.clientErrorRate, "Average", "4xx"),
        cloudFront(CLOUDFRONT_METRICS.serverErrorRate, "Average", "5xx"),
      ],
      yAxis: percent,
    },
    ...(inputs.cdnAdditionalMetrics
      ? [
          {
            title: "CloudFront cache hit rate (%)",
            region: CLOUDFRONT_METRICS_REGION,
            metrics: [cloudFront(CLOUDFRONT_METRICS.cacheHitRate, "Average", "cache hit rate")],
            yAxis: percent,
          },
        ]
      : []),
    ...(inputs.licenseTokens
      ? [
          {
            title: "Entitlements (license tokens and sessions)",
            region,
            metrics: [
              entitlement(ENTITLEMENT_METRICS.tokensRefused, "refused: not entitled (403)"),
              entitlement(
                ENTITLEMENT_METRICS.entitlementsFailed,
                "entitlement function failed (503)",
              ),
            ],
          },
        ]
      : []),
  ];

  // AWS's advice for dashboards made by code: say so at the top.
  const about: TextWidget = {
    type: "text",
    x: 0,
    y: 0,
    width: CHART_WIDTH,
    height: HEADER_HEIGHT,
    properties: {
      markdown: `## ${inputs.applicationName}\nMade by the Pulumi program: edits in the console are replaced at the next \`pulumi up\`.`,
    },
  };
  const alarms: AlarmWidget = {
    type: "alarm",
    x: CHART_WIDTH,
    y: 0,
    width: GRID_COLUMNS - CHART_WIDTH,
    height: HEADER_HEIGHT,
    properties: { title: "Alarms", alarms: [inputs.jobFailureAlarmArn] },
  };
  const perRow = GRID_COLUMNS / CHART_WIDTH;
  const placed = charts.map((chart, i): MetricWidget => ({
    type: "metric",
    x: (i % perRow) * CHART_WIDTH,
    y: HEADER_HEIGHT + Math.floor(i / perRow) * CHART_HEIGHT,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    properties: {
      title: chart.title,
      region: chart.region,
      view: "timeSeries",
      stacked: false,
      period: METRIC_PERIOD_SECONDS,
      metrics: chart.metrics.map(metricLine),
      ...(chart.yAxis ? { yAxis: chart.yAxis } : {}),
    },
  }));
  return { start: "-PT24H", periodOverride: "inherit", widgets: [about, alarms, ...placed] };
}

/**
 * The dashboard's name: the application name and the region. Dashboards are global to
 * the account, while an application name is unique only within a region (it selects
 * that region's job events), so the region is part of the name. Dashboard names allow
 * only letters, digits, `-` and `_` (up to 255): anything else becomes `-`.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
 */
export function dashboardNameFor(applicationName: string, region: string): string {
  return `${applicationName}-${region}`.replace(/[^A-Za-z0-9_-]/g, "-");
}
