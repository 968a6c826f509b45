/**
 * Observability: an alarm when this stack's MediaConvert jobs fail, and one CloudWatch
 * dashboard per stack with the path from upload to playback (jobs, the dead-letter
 * queue, the functions, and CloudFront).
 *
 * The dashboard's content is data, built in `./dashboardModel`; this module creates the
 * resources and serialises the body once every name it charts is known.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  dashboardBody,
  dashboardNameFor,
  MEDIACONVERT_METRICS,
  MEDIACONVERT_NAMESPACE,
  METRIC_PERIOD_SECONDS,
} from "./dashboardModel";

export interface ObservabilityArgs {
  /** The owning component's name; resources are `${name}-<role>`. */
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly applicationName: string;
  /** This stack's MediaConvert queue's ARN: MediaConvert's metrics name the queue by its ARN. */
  readonly queueArn: pulumi.Input<string>;
  readonly convertFunctionName: pulumi.Input<string>;
  readonly metadataFunctionName: pulumi.Input<string>;
  readonly deadLetterQueueName: pulumi.Input<string>;
  readonly distributionId: pulumi.Input<string>;
  /** Where alarms notify. The topic's policy and key must let CloudWatch publish. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** The stack's region: where the MediaConvert, Lambda and SQS metrics are. */
  readonly region: pulumi.Input<string>;
  /**
   * Subscribe the distribution to CloudFront's additional metrics (cache hit rate, origin
   * latency, error rates per status code) and chart the cache hit rate. They are billed
   * per distribution as CloudWatch metrics, so they are off unless asked for.
   * @default false
   */
  readonly cdnAdditionalMetrics?: boolean;
  /** The stack has a license token service: chart its entitlement refusals. @default false */
  readonly licenseTokens?: boolean;
}

/** What {@link createObservability} made. */
export interface Observability {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly jobFailureAlarm: aws.cloudwatch.MetricAlarm;
  /** Only with `cdnAdditionalMetrics`. */
  readonly cdnMetricsSubscription?: aws.cloudfront.MonitoringSubscription;
}

/**
 * The job-failure alarm (to the notification topic), the stack's dashboard, and, with
 * `cdnAdditionalMetrics`, CloudFront's additional metrics for the distribution.
 */
export function createObservability(args: ObservabilityArgs): Observability {
  const { name, parent, applicationName, notificationTopicArn } = args;
  const cdnAdditionalMetrics = args.cdnAdditionalMetrics ?? false;
  const opts = { parent };

  // Any failed job in this stack's queue is an upload that won't play until someone acts.
  const jobFailureAlarm = new aws.cloudwatch.MetricAlarm(
    `${name}-job-failures`,
    {
      alarmDescription: `${applicationName}: MediaConvert jobs failed in this stack's queue`,
      namespace: MEDIACONVERT_NAMESPACE,
      metricName: MEDIACONVERT_METRICS.errored,
      dimensions: { Queue: args.queueArn },
      statistic: "Sum",
      period: METRIC_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      // MediaConvert publishes only when a job ends: no data means no failures.
      treatMissingData: "notBreaching",
      alarmActions: [notificationTopicArn],
    },
    opts,
  );

  // Cache hit rate and the other additional metrics: billed, so only when asked for.
  const cdnMetricsSubscription = cdnAdditionalMetrics
    ? new aws.cloudfront.MonitoringSubscription(
        `${name}-cdn-metrics`,
        {
          distributionId: args.distributionId,
          monitoringSubscription: {
            realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Enabled" },
          },
        },
        opts,
      )
    : undefined;

  // One page per stack: is the pipeline transcoding, is anything failing, are viewers served?
  const dashboard = new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    {
      dashboardName: pulumi
        .output(args.region)
        .apply((region) => dashboardNameFor(applicationName, region)),
      // Each name the dashboard charts, resolved together, then the body serialised once.
      dashboardBody: pulumi
        .output({
          region: args.region,
          queueArn: args.queueArn,
          convertFunctionName: args.convertFunctionName,
          metadataFunctionName: args.metadataFunctionName,
          deadLetterQueueName: args.deadLetterQueueName,
          distributionId: args.distributionId,
          jobFailureAlarmArn: jobFailureAlarm.arn,
        })
        .apply((names) =>
          JSON.stringify(
            dashboardBody({
              ...names,
              applicationName,
              cdnAdditionalMetrics,
              licenseTokens: args.licenseTokens ?? false,
            }),
          ),
        ),
    },
    opts,
  );

  return { dashboard, jobFailureAlarm, cdnMetricsSubscription };
}
