/** The terminal's line for each thing that happens to an upload. Pure. */
import type { AssetMetadata } from "../shared/assetFile";
import type { UploadEvent } from "./preview";

const sizes = (asset: AssetMetadata) =>
  asset.renditions.map(({ width, height }) => `${width}x${height}`).join(", ");

/** `pageUrl` opens the asset's page. Undefined: nothing worth a line (a repeated percent). */
export function progressLine(event: UploadEvent, pageUrl: (key: string) => string): string {
  switch (event.kind) {
    case "processing": {
      const source = event.asset.source;
      const probe = source
        ? `probed ${source.width}x${source.height} ${source.videoCodec}` +
          (source.durationSeconds !== undefined ? `, ${source.durationSeconds.toFixed(1)} s` : "") +
          (source.rotation ? `, rotated ${source.rotation}°` : "")
        : "probed";
      return `${event.key}: ${probe}; job ${event.asset.jobId} submitted`;
    }
    case "progress":
      return `${event.key}: encoding ${Math.floor(event.percent)}%`;
    case "encoded":
      return `${event.key}: job ${event.jobId} complete; writing asset.json`;
    case "complete": {
      const drm = event.asset.drm;
      const lines = [
        `${event.key}: complete, ${event.asset.renditions.length} renditions (${sizes(event.asset)})`,
        ...(drm?.hls.url
          ? [
              `${event.key}: FairPlay HLS is packaged but not playable here (FairPlay needs Safari and PallyCon)`,
            ]
          : []),
        `  play: ${pageUrl(event.key)}`,
      ];
      return lines.join("\n");
    }
    case "error":
      return [
        `${event.key}: ERROR ${event.asset.error?.message ?? "without a reason"}`,
        `  page: ${pageUrl(event.key)}`,
      ].join("\n");
    case "dead-letter":
      return `${event.fn}: gave up on an event after its retries: ${event.reason}`;
  }
}

/** A function's log line as the terminal shows it: Powertools' JSON compacted, metrics left out. */
export function functionLogLine(fn: string, line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line);
  } catch {
    return `[${fn}] ${line}`;
  }
  if (typeof entry !== "object" || entry === null) return `[${fn}] ${line}`;
  if ("_aws" in entry) return undefined; // a metrics record (CloudWatch embedded metric format)
  const {
    level,
    message,
    timestamp: _t,
    service: _s,
    xray_trace_id: _x,
    sampling_rate: _r,
    cold_start: _c,
    function_name: _f,
    function_memory_size: _m,
    function_arn: _a,
    function_request_id: _i,
    ...rest
  } = entry;
  const details = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
  return `[${fn}] ${String(level ?? "")} ${String(message ?? "")}${details}`;
}
