/** The dashboard's entitlement chart: what the token function refused, on stacks that have one. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { DashboardBody, MetricWidget } from "../components/vodPipeline/dashboardModel";
import { createObservability } from "../components/vodPipeline/observability";
import { PlannedStack } from "../plan/mockCloud";
import { named, runProgram } from "./support/mockProgram";

const REGION = "eu-west-1";
const TITLE = "Entitlements (license tokens and sessions)";

const program = (licenseTokens: boolean) => () => {
  const parent = new pulumi.ComponentResource("test:index:Parent", "vod");
  createObservability({
    name: "vod",
    parent,
    applicationName: "vod-test",
    queueArn: `arn:aws:mediaconvert:${REGION}:123456789012:queues/vod-queue`,
    convertFunctionName: "vod-convert",
    metadataFunctionName: "vod-metadata",
    deadLetterQueueName: "vod-dlq",
    distributionId: "E2QWRUHEXAMPLE",
    notificationTopicArn: `arn:aws:sns:${REGION}:123456789012:vod-notifications`,
    region: REGION,
    licenseTokens,
  });
  return {};
};

const chartsOf = (plan: PlannedStack) =>
  (
    JSON.parse(
      named(plan, "aws:cloudwatch/dashboard:Dashboard", "vod-dashboard").inputs.dashboardBody,
    ) as DashboardBody
  ).widgets.filter((w): w is MetricWidget => w.type === "metric");

describe("observability: entitlements", () => {
  it("charts TokensRefused and EntitlementsFailed from the token function, in the stack's region", async () => {
    const chart = chartsOf(await runProgram(program(true))).find(
      (w) => w.properties.title === TITLE,
    );
    assert.ok(chart, "the chart is on the dashboard");
    assert.equal(chart.properties.region, REGION);
    assert.deepEqual(
      chart.properties.metrics.map(([namespace, metricName, ...rest]) => [
        namespace,
        metricName,
        ...rest.slice(0, 2),
      ]),
      [
        ["VodMultiDrm", "TokensRefused", "service", "licenseToken"],
        ["VodMultiDrm", "EntitlementsFailed", "service", "licenseToken"],
      ],
    );
  });

  it("has no such chart without a token service", async () => {
    const titles = chartsOf(await runProgram(program(false))).map((w) => w.properties.title);
    assert.ok(!titles.includes(TITLE));
  });
});
