/**
 * Captures what the functions print. Powertools' Logger and Metrics write JSON lines
 * to stdout and stderr through their own `Console` (not the global `console`, which the
 * Lambda runtime patches), so the streams themselves are intercepted. Other output (the
 * test reporter's) passes through.
 */

/** One Logger line: `level` is upper case (INFO, WARN, ERROR). */
export type LogLine = Record<string, any> & { level: string; message: string; service: string };
/** One embedded-metric-format line: `_aws` describes the metrics, the values are top-level. */
export type MetricLine = Record<string, any> & { _aws: { CloudWatchMetrics: any[] } };

/** What was printed while capturing. */
export interface CapturedOutput {
  readonly logs: LogLine[];
  readonly metrics: MetricLine[];
  /** Every captured line, as printed. */
  readonly raw: string[];
}

/** Starts capturing; `stop()` puts the streams back. */
export function startCapture(): CapturedOutput & { stop(): void } {
  const captured: CapturedOutput = { logs: [], metrics: [], raw: [] };
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
      const passed: string[] = [];
      for (const line of text.split("\n")) {
        let parsed: any;
        try {
          parsed = line.trim() ? JSON.parse(line) : undefined;
        } catch {
          parsed = undefined;
        }
        if (parsed && typeof parsed === "object" && "_aws" in parsed) {
          captured.metrics.push(parsed);
          captured.raw.push(line);
        } else if (parsed && typeof parsed === "object" && "level" in parsed) {
          captured.logs.push(parsed);
          captured.raw.push(line);
        } else {
          passed.push(line);
        }
      }
      const rest_ = passed.join("\n");
      if (rest_.trim()) return originals[i].call(stream, rest_, ...(rest as []));
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  });
  return Object.assign(captured, {
    stop: () => streams.forEach((stream, i) => (stream.write = originals[i])),
  });
}

/** Runs `body` while capturing; returns its result or error with the lines printed. */
export async function capturingLogs<T>(
  body: () => Promise<T>,
): Promise<CapturedOutput & { result?: T; error?: unknown }> {
  const capture = startCapture();
  try {
    return { ...capture, result: await body() };
  } catch (error) {
    return { ...capture, error };
  } finally {
    capture.stop();
  }
}

/** Totals per metric name across embedded-metric-format lines. */
export function metricTotals(lines: MetricLine[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of lines) {
    for (const directive of line._aws.CloudWatchMetrics) {
      for (const { Name } of directive.Metrics) {
        const values = [line[Name]].flat() as number[];
        totals[Name] = (totals[Name] ?? 0) + values.reduce((sum, value) => sum + value, 0);
      }
    }
  }
  return totals;
}
