/**
 * The local preview's upload-to-playable time: a 10 s 720p clip uploaded to the dev
 * stack's source bucket as the watch folder uploads it, until its COMPLETE asset.json is
 * written (the page plays from then on), with each stage's share:
 * - event → job submitted: the S3 event, the convert function (cold), probe and CreateJob;
 * - encode: the MediaConvert stand-in running the job with ffmpeg, outputs written;
 * - metadata → playable: the job event, the metadata function, the asset file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startPreview, UploadEvent } from "../local/preview";
import { uploadFile } from "../local/watchFolder";
import { INSTALL_COMMAND, missingBrowserTools } from "../test/support/playerMedia";
import type { Figure } from "./figures";

const CLIP = { size: "1280x720", seconds: 10 };

export async function benchPreview(): Promise<Figure[]> {
  const name = `local preview: upload to playable, ${CLIP.seconds} s ${CLIP.size} clip, dev stack`;
  if (missingBrowserTools().includes("ffmpeg")) {
    return [{ name, value: `skipped: ffmpeg not found (${INSTALL_COMMAND})` }];
  }
  const folder = mkdtempSync(path.join(tmpdir(), "bench-preview-"));
  const preview = await startPreview({
    stack: "dev",
    drm: false,
    port: 0,
    folder: path.join(folder, "data"),
    log: () => undefined,
  });
  try {
    const clip = path.join(folder, "clip.mp4");
    execFileSync("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", `testsrc2=size=${CLIP.size}:rate=30:duration=${CLIP.seconds}`],
      ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${CLIP.seconds}`],
      ...["-c:v", "libx264", "-preset", "fast", "-b:v", "5M", "-pix_fmt", "yuv420p", "-c:a", "aac"],
      clip,
    ]);
    const at: Partial<Record<UploadEvent["kind"], number>> = {};
    const done = new Promise<UploadEvent>((resolve) =>
      preview.onUpload((event) => {
        at[event.kind] ??= performance.now();
        if (event.kind === "complete" || event.kind === "error" || event.kind === "dead-letter") {
          resolve(event);
        }
      }),
    );
    const started = performance.now();
    await uploadFile(preview.s3, preview.stack.sourceBucket, "bench/clip.mp4", clip);
    const uploaded = performance.now();
    const outcome = await done;
    if (outcome.kind !== "complete")
      throw new Error(`the clip did not play: ${JSON.stringify(outcome)}`);
    const stages: Array<[string, number]> = [
      ["upload", uploaded - started],
      ["event → job submitted", at.processing! - uploaded],
      ["encode", at.encoded! - at.processing!],
      ["metadata → playable", at.complete! - at.encoded!],
    ];
    const total = at.complete! - started;
    const share = stages
      .map(
        ([stage, ms]) =>
          `${stage} ${(ms / 1000).toFixed(1)} s (${Math.round((100 * ms) / total)}%)`,
      )
      .join(", ");
    return [{ name, value: `${(total / 1000).toFixed(1)} s: ${share}` }];
  } finally {
    await preview.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
