/**
 * The child processes a job runs: ffmpeg (with its `-progress` report read as it goes),
 * ffprobe and Shaka Packager (the npm package's binary). Each running child is kept in
 * `children` so that closing the stand-in can kill it.
 */
import { ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { codecString, ProbedOutput } from "./outputs";

const run = promisify(execFile);

/** A failed tool run, with the end of what it wrote to stderr. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly detail: string,
  ) {
    super(`${tool} failed: ${detail}`);
    this.name = "ToolError";
  }
}

/** Runs `tool` in `cwd`; `onTime(seconds)` gets ffmpeg's progress (`out_time_us`) as it comes. */
export function runTool(
  tool: "ffmpeg" | "packager",
  args: readonly string[],
  cwd: string,
  children: Set<ChildProcess>,
  onTime?: (seconds: number) => void,
): Promise<void> {
  const [command, argv] =
    tool === "ffmpeg"
      ? ["ffmpeg", [...args]]
      : [process.execPath, [require.resolve("shaka-packager/index.js"), ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stderr = "";
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^out_time_us=(\d+)/.exec(line);
        if (match && onTime) onTime(Number(match[1]) / 1e6);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4000);
    });
    child.on("error", (error) => {
      children.delete(child);
      reject(new ToolError(tool, error.message));
    });
    child.on("close", (code, signal) => {
      children.delete(child);
      if (code === 0) return resolve();
      const lines = stderr.trim().split("\n").filter(Boolean);
      // Shaka logs progress on stderr: its error is the last line that says so.
      const reason =
        lines.filter((line) => /error|invalid|fail/i.test(line)).pop() ??
        lines.pop() ??
        (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(new ToolError(tool, reason));
    });
  });
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  duration?: string;
}

/** What ffprobe reads of a media file: its streams and duration. */
export async function probe(
  file: string,
  cwd: string,
): Promise<{
  streams: ProbeStream[];
  durationSeconds: number;
}> {
  const { stdout } = await run(
    "ffprobe",
    ["-v", "error", "-show_entries", "format=duration:stream", "-of", "json", file],
    { cwd, maxBuffer: 8 * 1024 * 1024 },
  );
  const parsed = JSON.parse(stdout) as {
    streams?: ProbeStream[];
    format?: { duration?: string };
  };
  const streams = parsed.streams ?? [];
  const duration =
    Number(parsed.format?.duration) ||
    Math.max(0, ...streams.map((stream) => Number(stream.duration) || 0));
  return { streams, durationSeconds: duration };
}

/** An output's duration, picture size and codecs. */
export async function probeOutput(file: string, cwd: string): Promise<ProbedOutput> {
  const { streams, durationSeconds } = await probe(file, cwd);
  const video = streams.find((stream) => stream.codec_type === "video");
  return {
    durationInMs: Math.round(durationSeconds * 1000),
    width: video?.width,
    height: video?.height,
    codecs: streams.map(codecString).filter((codec): codec is string => codec !== undefined),
  };
}
