import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  dashboardNameFor,
  DashboardBody,
  MetricOptions,
  MetricWidget,
} from "../components/vodPipeline/dashboardModel";
import { createObservability, ObservabilityArgs } from "../components/vodPipeline/observability";
import { PlannedStack } from "../plan/mockCloud";
import { named, ofType, runProgram } from "./support/mockProgram";
import { AWS } from "./support/resourceTypes";

const ALARM = AWS.cloudwatch.MetricAlarm;
const DASHBOARD = AWS.cloudwatch.Dashboard;
const SUBSCRIPTION = AWS.cloudfront.MonitoringSubscription;
const PARENT = "test:index:Parent";

/** A stack outside us-east-1, so CloudFront's region can't be mistaken for the stack's. */
const REGION = "eu-west-1";
const QUEUE_ARN = `arn:aws:mediaconvert:${REGION}:123456789012:queues/vod-queue-1a2b3c4`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:123456789012:vod-notifications-5d6e7f8`;
const CONVERT = "vod-convert-0a1b2c3";
const METADATA = "vod-metadata-4d5e6f7";
const DLQ = "vod-dlq-8a9b0c1";
const DISTRIBUTION_ID = "E2QWRUHEXAMPLE";

/** A program with one component that creates the observability resources as its children. */
const observabilityProgram =
  (args: Partial<Omit<ObservabilityArgs, "parent">> = {}) =>
  () => {
    const parent = new pulumi.ComponentResource(PARENT, "vod");
    const made = createObservability({
      name: "vod",
      parent,
      applicationName: "vod-test",
      queueArn: QUEUE_ARN,
      convertFunctionName: CONVERT,
      metadataFunctionName: METADATA,
      deadLetterQueueName: DLQ,
      distributionId: DISTRIBUTION_ID,
      notificationTopicArn: TOPIC_ARN,
      region: REGION,
      ...args,
    });
    return { dashboardName: made.dashboard.dashboardName };
  };

/** One metric line of a widget, read back into its parts. */
interface Line {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly options: MetricOptions;
}

function linesOf(widget: MetricWidget): Line[] {
  return widget.properties.metrics.map(([namespace, metricName, ...rest]) => {
    const options = (typeof rest.at(-1) === "object" ? rest.pop() : {}) as MetricOptions;
    const pairs = rest as string[];
    const dimensions: Record<string, string> = {};
    for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
    return { namespace, metricName, dimensions, options };
  });
}

const bodyOf = (plan: PlannedStack): DashboardBody =>
  JSON.parse(named(plan, DASHBOARD, "vod-dashboard").inputs.dashboardBody);

/** The metric widget with a title; fails when there is none. */
function chart(plan: PlannedStack, title: string): MetricWidget {
  const widget = bodyOf(plan).widgets.find(
    (w): w is MetricWidget => w.type === "metric" && w.properties.title === title,
  );
  assert.ok(widget, `no chart titled "${title}"`);
  return widget;
}

/** `metricName/stat` of each line, for compact comparisons. */
const metricsOf = (widget: MetricWidget) =>
  linesOf(widget).map((line) => `${line.metricName}/${line.options.stat}`);

const QUEUE_DIMENSION = { Queue: QUEUE_ARN };
const CDN_DIMENSIONS = { DistributionId: DISTRIBUTION_ID, Region: "Global" };

describe("observability", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(observabilityProgram());
  });

  it("creates every resource as a child of the component, named from it", () => {
    for (const [type, name] of [
      [ALARM, "vod-job-failures"],
      [DASHBOARD, "vod-dashboard"],
    ]) {
      assert.equal(named(plan, type, name).parent, `${PARENT}::vod`, name);
    }
  });

  describe("job-failure alarm", () => {
    it("watches MediaConvert's JobsErroredCount for this stack's queue, by its ARN", () => {
      const alarm = named(plan, ALARM, "vod-job-failures").inputs;
      assert.equal(alarm.namespace, "AWS/MediaConvert");
      assert.equal(alarm.metricName, "JobsErroredCount");
      assert.deepEqual(alarm.dimensions, QUEUE_DIMENSION);
    });

    it("fires on the first failed job in a five-minute period", () => {
      const alarm = named(plan, ALARM, "vod-job-failures").inputs;
      assert.equal(alarm.statistic, "Sum");
      assert.equal(alarm.period, 300);
      assert.equal(alarm.evaluationPeriods, 1);
      assert.equal(alarm.threshold, 0);
      assert.equal(alarm.comparisonOperator, "GreaterThanThreshold");
    });

    it("treats missing data as not breaching: no job ending means no failure", () => {
      assert.equal(named(plan, ALARM, "vod-job-failures").inputs.treatMissingData, "notBreaching");
    });

    it("notifies the notification topic", () => {
      assert.deepEqual(named(plan, ALARM, "vod-job-failures").inputs.alarmActions, [TOPIC_ARN]);
    });
  });

  describe("dashboard", () => {
    it("is named for the application and the region, as dashboards are account-wide", () => {
      assert.equal(
        named(plan, DASHBOARD, "vod-dashboard").inputs.dashboardName,
        "vod-test-eu-west-1",
      );
      assert.equal(dashboardNameFor("vod.test", "eu-west-1"), "vod-test-eu-west-1");
    });

    it("shows the job-failure alarm's state", () => {
      const alarms = bodyOf(plan).widgets.filter((w) => w.type === "alarm");
      assert.equal(alarms.length, 1);
      assert.deepEqual(alarms[0].properties, {
        title: "Alarms",
        alarms: [named(plan, ALARM, "vod-job-failures").outputs.arn],
      });
    });

    it("charts jobs completed and failed in this stack's queue, in the stack's region", () => {
      const jobs = chart(plan, "MediaConvert jobs");
      assert.equal(jobs.properties.region, REGION);
      assert.deepEqual(metricsOf(jobs), ["JobsCompletedCount/Sum", "JobsErroredCount/Sum"]);
      for (const line of linesOf(jobs)) {
        assert.equal(line.namespace, "AWS/MediaConvert");
        assert.deepEqual(line.dimensions, QUEUE_DIMENSION);
      }
    });

    it("charts how long jobs transcode and wait in the queue", () => {
      const duration = chart(plan, "MediaConvert job duration");
      assert.equal(duration.properties.region, REGION);
      assert.deepEqual(metricsOf(duration), [
        "TranscodingTime/Average",
        "TranscodingTime/Maximum",
        "StandbyTime/Average",
      ]);
      for (const line of linesOf(duration)) assert.deepEqual(line.dimensions, QUEUE_DIMENSION);
    });

    it("charts what the convert function counts per upload: jobs, duplicates, skips, refusals, throttling", () => {
      const uploads = chart(plan, "Uploads");
      assert.equal(uploads.properties.region, REGION);
      assert.deepEqual(metricsOf(uploads), [
        "JobsCreated/Sum",
        "DuplicateUploads/Sum",
        "UploadsSkipped/Sum",
        "UploadsRejected/Sum",
        "JobsThrottled/Sum",
      ]);
      for (const line of linesOf(uploads)) {
        assert.equal(line.namespace, "VodMultiDrm");
        assert.deepEqual(line.dimensions, { service: "convert", application: "vod-test" });
      }
    });

    it("charts the dead-letter queue's depth", () => {
      const dlq = chart(plan, "Dead-letter queue");
      assert.equal(dlq.properties.region, REGION);
      assert.deepEqual(linesOf(dlq), [
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: DLQ },
          options: { stat: "Maximum", label: "failed events waiting" },
        },
      ]);
    });

    for (const [title, functionName] of [
      ["convert function", CONVERT],
      ["metadata function", METADATA],
    ]) {
      it(`charts the ${title}'s errors and throttles`, () => {
        const fn = chart(plan, title);
        assert.equal(fn.properties.region, REGION);
        assert.deepEqual(metricsOf(fn), ["Errors/Sum", "Throttles/Sum"]);
        for (const line of linesOf(fn)) {
          assert.equal(line.namespace, "AWS/Lambda");
          assert.deepEqual(line.dimensions, { FunctionName: functionName });
        }
      });
    }

    it("charts CloudFront requests from us-east-1, with Region=Global", () => {
      const requests = chart(plan, "CloudFront requests");
      assert.equal(requests.properties.region, "us-east-1");
      assert.deepEqual(metricsOf(requests), ["Requests/Sum"]);
      assert.equal(linesOf(requests)[0].namespace, "AWS/CloudFront");
      assert.deepEqual(linesOf(requests)[0].dimensions, CDN_DIMENSIONS);
    });

    it("charts CloudFront 4xx and 5xx error rates from us-east-1 as percentages", () => {
      const errors = chart(plan, "CloudFront error rates (%)");
      assert.equal(errors.properties.region, "us-east-1");
      assert.deepEqual(metricsOf(errors), ["4xxErrorRate/Average", "5xxErrorRate/Average"]);
      for (const line of linesOf(errors)) assert.deepEqual(line.dimensions, CDN_DIMENSIONS);
      assert.deepEqual(errors.properties.yAxis, { left: { min: 0, max: 100 } });
    });

    it("lays every widget on the 24-column grid without overlaps", () => {
      const widgets = bodyOf(plan).widgets;
      for (const w of widgets) assert.ok(w.x >= 0 && w.x + w.width <= 24, JSON.stringify(w));
      const cells = new Set<string>();
      for (const w of widgets) {
        for (let x = w.x; x < w.x + w.width; x++) {
          for (let y = w.y; y < w.y + w.height; y++) {
            assert.ok(!cells.has(`${x},${y}`), `overlap at ${x},${y}`);
            cells.add(`${x},${y}`);
          }
        }
      }
    });
  });

  describe("CloudFront additional metrics", () => {
    it("are off by default: no subscription and no cache hit rate chart", () => {
      assert.equal(ofType(plan, SUBSCRIPTION).length, 0);
      const titles = bodyOf(plan).widgets.map((w) =>
        "title" in w.properties ? w.properties.title : "",
      );
      assert.ok(!titles.some((title) => /cache hit/i.test(title)), titles.join(", "));
    });

    describe("when turned on", () => {
      let withMetrics: PlannedStack;
      before(async () => {
        withMetrics = await runProgram(observabilityProgram({ cdnAdditionalMetrics: true }));
      });

      it("subscribes the distribution to them", () => {
        const subscription = named(withMetrics, SUBSCRIPTION, "vod-cdn-metrics");
        assert.equal(subscription.inputs.distributionId, DISTRIBUTION_ID);
        assert.deepEqual(subscription.inputs.monitoringSubscription, {
          realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Enabled" },
        });
        assert.equal(subscription.parent, `${PARENT}::vod`);
      });

      it("charts the cache hit rate from us-east-1 as a percentage", () => {
        const hits = chart(withMetrics, "CloudFront cache hit rate (%)");
        assert.equal(hits.properties.region, "us-east-1");
        assert.deepEqual(metricsOf(hits), ["CacheHitRate/Average"]);
        assert.equal(linesOf(hits)[0].namespace, "AWS/CloudFront");
        assert.deepEqual(linesOf(hits)[0].dimensions, CDN_DIMENSIONS);
        assert.deepEqual(hits.properties.yAxis, { left: { min: 0, max: 100 } });
      });
    });
  });
});
