/** Probes for convert tests that are not about probing: they find what the test says. */
import type { ProbeStats, SourceProbe } from "../../functions/convert/probe";
import type { SourceFacts } from "../../shared/assetFile";

/** A phone's landscape 720p upload, as MediaInfo describes it. */
export const LANDSCAPE_720P: SourceFacts = {
  width: 1280,
  height: 720,
  displayAspectRatio: 16 / 9,
  rotation: 0,
  durationSeconds: 12.48,
  videoCodec: "AVC",
  audioCodec: "AAC",
  container: "MPEG-4",
};

/** What a probe of a small MP4 costs: one GET. */
export const ONE_READ: ProbeStats = {
  requests: 1,
  bytes: 524_288,
  objectBytes: 52_428_800,
  truncated: false,
  ms: 1,
};

/** A probe that finds `source` in every upload, without reading it. */
export const probeFinding =
  (source: SourceFacts = LANDSCAPE_720P): SourceProbe =>
  async () => ({ kind: "video", source, stats: ONE_READ });

/** MediaInfo's facts for a source of `width`x`height`: square pixels, upright, unless `extra` says. */
export const sourceFacts = (
  width: number,
  height: number,
  extra: Partial<SourceFacts> = {},
): SourceFacts => ({
  width,
  height,
  displayAspectRatio: width / height,
  rotation: 0,
  durationSeconds: 2,
  videoCodec: "AVC",
  audioCodec: "AAC",
  container: "MPEG-4",
  ...extra,
});
