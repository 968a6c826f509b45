/**
 * Logs and metrics for every function, with Powertools for AWS Lambda.
 *
 * - Logs: one JSON line per event (level, message, service, timestamp, the Lambda
 *   context's request id and cold start, then the event's own fields), so CloudWatch
 *   Logs Insights can filter on any field. The level follows the function's log
 *   settings (Lambda's advanced logging controls, or `POWERTOOLS_LOG_LEVEL`);
 *   `POWERTOOLS_LOGGER_SAMPLE_RATE` logs that share of invocations at DEBUG.
 * - Metrics: CloudWatch embedded metric format lines, published at the end of each
 *   invocation, in the {@link METRICS_NAMESPACE} namespace with a `service` dimension
 *   (the function) and the dimensions each function adds.
 *
 * Nothing secret is ever passed to either: callers log decisions and names, not values.
 * @see https://docs.aws.amazon.com/powertools/typescript/latest/features/logger/
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";

import { METRICS_NAMESPACE } from "../../shared/metrics";

export { METRICS_NAMESPACE } from "../../shared/metrics";

/** A function's logger and metrics. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The logger and metrics of one function. `service` names the function in both;
 * `dimensions` go on every metric (the application name, so stacks sharing an account
 * keep their figures apart).
 */
export function createObservability(
  service: string,
  dimensions: Record<string, string> = {},
): Observability {
  return {
    logger: new Logger({ serviceName: service }),
    metrics: new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: service,
      defaultDimensions: dimensions,
    }),
  };
}

/** Counts one occurrence of `name`. */
export function count(metrics: Metrics, name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Wraps a handler as Powertools' `injectLambdaContext` and `logMetrics` do: each
 * invocation re-draws the DEBUG sample, puts the Lambda context (request id, cold
 * start, function name) on every log line, and publishes the metrics it counted, also
 * when it throws.
 */
export function instrumented<E, R>(
  { logger, metrics }: Observability,
  handler: (event: E, context?: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    logger.refreshSampleRateCalculation();
    if (context) logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      // Only when there is something to say: an empty flush logs a warning.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
