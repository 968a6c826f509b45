/**
 * Runs a planned job (see `./planner`) in its own work folder: downloads the input from
 * the S3-compatible store, runs each group's ffmpeg and Shaka Packager steps (asking
 * the SPEKE key server for encrypted groups), uploads each group's files to its
 * destination and reports them as the COMPLETE event does. The folder is removed
 * afterwards, whatever happened.
 */
import type { ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DRM_SYSTEM_IDS } from "../../shared/drm";
import {
  contentTypeOf,
  groupDetail,
  hlsMainPlaylist,
  OutputGroupDetail,
  packagerKeyArgs,
  ProbedOutput,
} from "./outputs";
import type { JobPlan, PlannedGroup } from "./plan";
import { requestContentKey } from "./speke";
import { withSilence } from "./groupSteps";
import { probe, probeOutput, runTool, ToolError } from "./tools";

/**
 * A job's failure, with MediaConvert's error code (user guide, "Error codes"):
 * 1010 when the input cannot be opened or read as video, 1999 for any other failure
 * (the code list's catch-all), 3400 when an output cannot be written.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_error_codes.html
 */
export class JobError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "JobError";
  }
}

export interface RunContext {
  readonly s3: S3Client;
  readonly workFolder: string;
  readonly ca?: string;
  readonly children: Set<ChildProcess>;
  /** The whole job's progress, 0-100. */
  readonly onPercent: (percent: number) => void;
}

/** Runs `plan`; resolves to the COMPLETE event's output group details. */
export async function runJob(plan: JobPlan, context: RunContext): Promise<OutputGroupDetail[]> {
  const work = context.workFolder;
  await rm(work, { recursive: true, force: true });
  try {
    await mkdir(path.join(work, "input"), { recursive: true });
    const inputUrl = `s3://${plan.input.bucket}/${plan.input.key}`;
    await download(context.s3, plan.input, path.join(work, plan.input.file)).catch((error) => {
      throw new JobError(
        1010,
        `Unable to open input file [${inputUrl}]: [${error.name}: ${error.message}]`,
      );
    });
    const source = await probe(plan.input.file, work).catch(() => undefined);
    if (!source?.streams.some((stream) => stream.codec_type === "video")) {
      throw new JobError(
        1010,
        `Unable to open input file [${inputUrl}]: [Failed probe/open: [No video stream found: the file is not a video ffmpeg can read]]`,
      );
    }
    const silent = !source.streams.some((stream) => stream.codec_type === "audio");
    const encodes = plan.groups.reduce(
      (sum, group) => sum + group.steps.filter((step) => step.tool === "ffmpeg").length,
      0,
    );
    let done = 0;
    const details: OutputGroupDetail[] = [];
    for (const [g, group] of plan.groups.entries()) {
      await mkdir(path.join(work, "out", String(g)), { recursive: true });
      await mkdir(path.join(work, "tmp", String(g)), { recursive: true });
      const keyArgs = group.encryption ? await keyArgsFor(group, context) : [];
      for (const step of group.steps) {
        if (step.tool === "ffmpeg") {
          const share = (seconds: number) =>
            context.onPercent(
              Math.min(99, Math.floor(((done + seconds / source.durationSeconds) / encodes) * 100)),
            );
          const args = silent ? withSilence(step.args, source.durationSeconds) : step.args;
          await runTool("ffmpeg", args, work, context.children, share).catch(failed);
          done++;
          context.onPercent(Math.min(99, Math.floor((done / encodes) * 100)));
        } else {
          await runTool("packager", [...step.args, ...keyArgs], work, context.children).catch(
            failed,
          );
        }
      }
      details.push(await finishGroup(group, g, context, source.durationSeconds));
    }
    return details;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const failed = (error: unknown): never => {
  if (error instanceof ToolError) throw new JobError(1999, error.message);
  throw error;
};

async function keyArgsFor(group: PlannedGroup, context: RunContext): Promise<string[]> {
  const encryption = group.encryption!;
  const key = await requestContentKey(encryption.key, {
    ca: context.ca,
    fairPlayId: DRM_SYSTEM_IDS.FairPlay,
  }).catch((error: Error) => {
    throw new JobError(
      1999,
      `SPEKE key request to [${encryption.key.url}] for resource [${encryption.key.resourceId}] failed: ${error.message}`,
    );
  });
  return packagerKeyArgs(encryption, key);
}

async function download(s3: S3Client, input: JobPlan["input"], file: string): Promise<void> {
  const object = await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: input.key }));
  await pipeline(object.Body as Readable, createWriteStream(file));
}

/** Probes the group's outputs, writes its HLS main playlist if it is ours, uploads its files. */
async function finishGroup(
  group: PlannedGroup,
  g: number,
  context: RunContext,
  sourceSeconds: number,
): Promise<OutputGroupDetail> {
  const work = context.workFolder;
  const out = path.join(work, "out", String(g));
  const probed: ProbedOutput[] = [];
  for (const output of group.outputs) {
    // Frame captures report the input's duration and no picture size, as MediaConvert does.
    probed.push(
      output.report.kind === "lastFrame"
        ? { durationInMs: Math.round(sourceSeconds * 1000), codecs: [] }
        : await probeOutput(output.probeFile, work),
    );
  }
  if (group.hlsMain) {
    await writeFile(path.join(out, group.hlsMain.file), hlsMainPlaylist(group.hlsMain, probed));
  }
  const files = (await readdir(out, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(out, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"),
    )
    .sort();
  for (const file of files) {
    const key = `${group.folder}${file}`;
    await context.s3
      .send(
        new PutObjectCommand({
          Bucket: group.bucket,
          Key: key,
          Body: await readFile(path.join(out, file)),
          ContentType: contentTypeOf(file),
        }),
      )
      .catch((error: Error) => {
        throw new JobError(
          3400,
          `Unable to write to output file [s3://${group.bucket}/${key}]: [${error.name}: ${error.message}]`,
        );
      });
  }
  const lastFrames = group.outputs.map((output) => {
    const { report } = output;
    if (report.kind !== "lastFrame") return undefined;
    return files.filter((file) => file.startsWith(report.prefix) && file.endsWith(".jpg")).pop();
  });
  return groupDetail(group, probed, lastFrames);
}
