/**
 * Uploads for the convert function's probe, made locally with ffmpeg once per test
 * process, in a temporary folder removed at exit: the shapes a ladder must fit, and
 * files that are not videos at all.
 */
import { execFile, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { processTempFolder } from "./tempFolders";

const run = promisify(execFile);

export const FFMPEG_INSTALL_COMMAND = "apt-get install -y ffmpeg";

/** Whether ffmpeg is missing here. */
export const ffmpegMissing = (): boolean =>
  spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).status !== 0;

const SECONDS = 2;
const FRAME_RATE = 24;

/** A test pattern of `size` with a tone, encoded as a phone or an editor would (H.264 + AAC). */
const video = (size: string, extra: string[] = []) => [
  ...["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${FRAME_RATE}:duration=${SECONDS}`],
  ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`],
  ...["-c:v", "libx264", "-preset", "ultrafast", "-crf", "35", "-pix_fmt", "yuv420p"],
  ...["-c:a", "aac", "-b:a", "64k", "-shortest"],
  ...extra,
];

/**
 * Each upload: the ffmpeg arguments that make it (the output file is appended), or its
 * content for a file ffmpeg does not make.
 */
const UPLOADS = {
  /** 16:9 landscape, 720p: the whole seed ladder. ffmpeg writes the MP4 index last, as phones do. */
  landscape: { file: "landscape-1280x720.mp4", args: video("1280x720") },
  /** A portrait phone video, stored upright. */
  portrait: { file: "portrait-720x1280.mp4", args: video("720x1280") },
  /**
   * Landscape pixels with a display matrix turning them 90°, as phones record portrait.
   * ffmpeg 5.1 has no `-display_rotation`; the `rotate` stream tag writes the matrix,
   * but only when the stream is copied, not encoded: so the landscape file, remuxed.
   */
  rotated: {
    file: "rotated-1280x720-r90.mov",
    from: "landscape",
    args: ["-c", "copy", "-metadata:s:v:0", "rotate=90"],
  },
  /** 4:3 SD. */
  fourThree: { file: "four-three-640x480.mp4", args: video("640x480") },
  /** 480p, 16:9 (854 wide: an odd 16:9 width made even). */
  sd: { file: "sd-854x480.mkv", args: video("854x480") },
  /** Below the smallest rung. */
  tiny: { file: "tiny-320x240.mp4", args: video("320x240") },
  /** Sound only, in an MP4. */
  audioOnly: {
    file: "audio-only.mp4",
    args: [
      ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`],
      ...["-c:a", "aac", "-b:a", "64k"],
    ],
  },
  /** Notes saved with a video suffix. */
  text: { file: "notes.mp4", content: "Shot list\n1. Wide\n2. Close-up\n" },
} as const;

export type UploadName = keyof typeof UPLOADS;
type Upload =
  | { readonly file: string; readonly args: readonly string[] }
  | { readonly file: string; readonly from: UploadName; readonly args: readonly string[] }
  | { readonly file: string; readonly content: string };

let made: Promise<Record<UploadName, string>> | undefined;

/** Makes every upload once per process (removed at exit); resolves to each one's path. */
export function makeSourceMedia(): Promise<Record<UploadName, string>> {
  made ??= (async () => {
    const dir = processTempFolder("convert-sources-");
    const ffmpeg = (args: readonly string[]) =>
      run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args]);
    const at = (name: UploadName) => path.join(dir, UPLOADS[name].file);
    const made = async (name: UploadName) => {
      const upload: Upload = UPLOADS[name];
      if ("content" in upload) writeFileSync(at(name), upload.content);
      else if (!("from" in upload)) await ffmpeg([...upload.args, at(name)]);
    };
    const names = Object.keys(UPLOADS) as UploadName[];
    await Promise.all(names.map(made));
    // Remuxes of files made above.
    for (const name of names) {
      const upload: Upload = UPLOADS[name];
      if ("from" in upload) await ffmpeg(["-i", at(upload.from), ...upload.args, at(name)]);
    }
    return Object.fromEntries(names.map((name) => [name, at(name)])) as Record<UploadName, string>;
  })();
  return made;
}

/**
 * The uploads, for a test that needs them; without ffmpeg the test is skipped (or, with
 * REQUIRE_BROWSER_TESTS=1 as CI sets it, fails naming the install command).
 */
export async function sourceMediaFor(test: Mocha.Context): Promise<Record<UploadName, string>> {
  if (ffmpegMissing()) {
    if (process.env.REQUIRE_BROWSER_TESTS === "1") {
      throw new Error(`ffmpeg is required to make test uploads: ${FFMPEG_INSTALL_COMMAND}`);
    }
    test.skip();
  }
  return makeSourceMedia();
}
