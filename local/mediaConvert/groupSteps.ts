/**
 * The ffmpeg and Shaka Packager runs of each output group type, from checked settings.
 * File names follow MediaConvert's: `<base><nameModifier>` for each output's playlist
 * or file, `.m3u8`/`.mpd` main manifests named `<base>`, HLS segments
 * `<base><nameModifier>_<segment modifier>_<nnnnn>.ts` (the layout shared/outputLayout.ts
 * documents), frame captures `<base><nameModifier>.NNNNNNN.jpg` from 0.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/output-file-names-and-paths.html
 */
import { aacArgs, frameCaptureArgs, h264Args, Rotate, videoFilters } from "./encodeArgs";
import type { PlannedOutput, Step } from "./plan";

/** ffmpeg's options for the input: MediaConvert ignores rotation metadata unless `AUTO`. */
export function inputArgs(file: string, rotate: Rotate | undefined): string[] {
  return [...(rotate === "AUTO" ? [] : ["-noautorotate"]), "-i", file];
}

/** The video and audio options of one output (maps, filters, codecs). */
export function streamArgs(output: PlannedOutput, rotate: Rotate | undefined): string[] {
  const args: string[] = [];
  const { video, audio } = output;
  if (video) {
    args.push("-map", "0:v:0");
    const capture = video.codecSettings.frameCaptureSettings;
    if (video.codecSettings.codec === "FRAME_CAPTURE" && capture) {
      const { filters, args: captureArgs } = frameCaptureArgs(capture);
      args.push("-vf", [...filters, ...videoFilters(video, rotate)].join(","), ...captureArgs);
    } else {
      const filters = videoFilters(video, rotate);
      if (filters.length) args.push("-vf", filters.join(","));
      args.push(...h264Args(video.codecSettings.h264Settings!));
    }
  }
  if (audio) args.push("-map", "0:a:0", ...aacArgs(audio));
  return args;
}

/**
 * An ffmpeg run for an input without sound: its outputs' audio is silence as long as the
 * input, from a second input, as MediaConvert fills audio it cannot find with silence.
 */
export function withSilence(args: readonly string[], durationSeconds: number): string[] {
  const input = args.indexOf("-i");
  const silence = [
    "-f",
    "lavfi",
    "-t",
    String(durationSeconds),
    "-i",
    "anullsrc=r=48000:cl=stereo",
  ];
  const withInput = [...args.slice(0, input + 2), ...silence, ...args.slice(input + 2)];
  return withInput.map((arg, i) =>
    arg === "0:a:0" && withInput[i - 1] === "-map" ? "1:a:0" : arg,
  );
}

/** One ffmpeg run writing every output of a group, each with its own options and file. */
export function ffmpegStep(
  inputFile: string,
  rotate: Rotate | undefined,
  outputs: ReadonlyArray<{ output: PlannedOutput; muxer: readonly string[]; file: string }>,
): Step {
  return {
    tool: "ffmpeg",
    args: [
      ...["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress", "pipe:1"],
      ...inputArgs(inputFile, rotate),
      ...outputs.flatMap(({ output, muxer, file }) => [
        ...streamArgs(output, rotate),
        ...muxer,
        file,
      ]),
    ],
  };
}

/** ffmpeg's HLS muxer options for a clear HLS rendition. */
export function hlsMuxer(options: {
  readonly segmentSeconds: number;
  readonly segmentPattern: string;
  readonly integerDurations: boolean;
}): string[] {
  return [
    ...["-f", "hls", "-hls_time", String(options.segmentSeconds)],
    ...["-hls_playlist_type", "vod", "-hls_list_size", "0", "-start_number", "1"],
    ...(options.integerDurations ? ["-hls_flags", "round_durations"] : []),
    ...["-hls_segment_filename", options.segmentPattern],
  ];
}

/** A Shaka Packager stream descriptor. */
export function streamDescriptor(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** Shaka Packager's options common to every packaged group. */
export function packagerArgs(options: {
  readonly streams: readonly string[];
  readonly segmentSeconds: number;
  readonly fragmentSeconds?: number;
  readonly mpd?: string;
  readonly hlsMain?: string;
}): string[] {
  return [
    ...options.streams,
    ...["--segment_duration", String(options.segmentSeconds)],
    ...(options.fragmentSeconds ? ["--fragment_duration", String(options.fragmentSeconds)] : []),
    ...(options.mpd ? ["--generate_static_live_mpd", "--mpd_output", options.mpd] : []),
    ...(options.hlsMain
      ? ["--hls_master_playlist_output", options.hlsMain, "--hls_playlist_type", "VOD"]
      : []),
  ];
}

/** MediaConvert's `$dt$`: the job's start time in UTC, `YYYYMMDDTHHMMSS`. */
export function dateTimeModifier(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, "").slice(0, 15);
}
