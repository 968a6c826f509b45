/**
 * Media for the player's browser tests and benchmark, made locally with ffmpeg and
 * Shaka Packager and laid out exactly as the convert job writes an asset
 * (shared/outputLayout.ts OUTPUT_LAYOUT):
 *
 *   <prefix>/hls/index.m3u8, hls/index_<height>.m3u8, hls/index_<height>_<date>_00001.ts …
 *   <prefix>/dash/index.mpd (+ its segments)
 *   <prefix>/cmaf/index.mpd and cmaf/index.m3u8 over one set of `cbcs` segments
 *   <prefix>/thumbnails/thumb.0000000.jpg
 *   <prefix>/asset.json
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { PlayerAsset } from "../../player/src/asset";

const run = promisify(execFile);

/** Where Debian installs Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const INSTALL_COMMAND = "apt-get install -y chromium ffmpeg";

/**
 * Flags for a machine without Internet access: no background fetches, component
 * updates, first-run UI or sync, which would only time out.
 */
export const CHROMIUM_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

/** The tools the browser tests need that are missing here, by name. */
export function missingBrowserTools(): string[] {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push("chromium");
  if (spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).status !== 0) missing.push("ffmpeg");
  return missing;
}

/** The test ladder: the default ladder's sizes, at test bitrates. */
export const TEST_LADDER = [
  { width: 640, height: 360, bitrate: "1M" },
  { width: 960, height: 540, bitrate: "2M" },
  { width: 1280, height: 720, bitrate: "3M" },
] as const;

/** MediaConvert's `$dt$` segment modifier: the job's start time, `YYYYMMDDTHHMMSS`. */
const SEGMENT_DATE = "20261101T120000";
/**
 * Two 2-second segments per rendition: no test plays more than a second and a half, and
 * the encode is the browser tests' largest set-up cost.
 */
const DURATION_SECONDS = 4;
const FRAME_RATE = 24;

/** Raw-key ClearKey for the encrypted stream (16-byte hex key id and key). */
export const CLEARKEY = {
  keyId: "0123456789abcdef0123456789abcdef",
  key: "fedcba9876543210fedcba9876543210",
} as const;
export const PROTECTED_CONTENT_ID = "test-content-0001";

/** The asset prefixes under the media root, each for one thing a test checks. */
export const ASSETS = {
  clear: "videos/clip",
  protected: "videos/protected",
  cmaf: "videos/cmaf",
  processing: "videos/processing",
  failed: "videos/failed",
  missing: "videos/never-uploaded",
} as const;
export const FAILED_JOB_MESSAGE = "Demuxer: [ReadPacketData File read failed - end of file hit]";

/** Video and audio from lavfi: a test pattern with a tone, the same every run. */
function lavfiInputs(size: string, frequency: number): string[] {
  return [
    ...[
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${size}:rate=${FRAME_RATE}:duration=${DURATION_SECONDS}`,
    ],
    ...[
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${frequency}:sample_rate=48000:duration=${DURATION_SECONDS}`,
    ],
  ];
}

/** H.264 with a keyframe every second and AAC-LC stereo at 48 kHz, as the job encodes. */
const ENCODE = [
  ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
  ...["-g", String(FRAME_RATE), "-keyint_min", String(FRAME_RATE), "-sc_threshold", "0"],
  ...["-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "2"],
];

const ffmpeg = (args: string[], cwd: string) =>
  run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], { cwd });

/** The three-rendition HLS ladder, muxed TS, in MediaConvert's names. */
async function makeLadder(dir: string): Promise<void> {
  mkdirSync(path.join(dir, "hls"), { recursive: true });
  const split = TEST_LADDER.map((_, i) => `[s${i}]`).join("");
  const scales = TEST_LADDER.map(
    ({ width, height }, i) => `[s${i}]scale=${width}:${height}[v${i}]`,
  );
  await ffmpeg(
    [
      ...lavfiInputs("1280x720", 440),
      "-filter_complex",
      [`[0:v]split=${TEST_LADDER.length}${split}`, ...scales].join(";"),
      ...TEST_LADDER.flatMap((_, i) => ["-map", `[v${i}]`, "-map", "1:a"]),
      ...ENCODE,
      ...TEST_LADDER.flatMap(({ bitrate }, i) => [`-b:v:${i}`, bitrate]),
      ...["-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-start_number", "1"],
      ...["-hls_segment_filename", `hls/index_%v_${SEGMENT_DATE}_%05d.ts`],
      ...["-master_pl_name", "index.m3u8"],
      "-var_stream_map",
      TEST_LADDER.map(({ height }, i) => `v:${i},a:${i},name:${height}`).join(" "),
      "hls/index_%v.m3u8",
    ],
    dir,
  );
}

/** The first frame capture, as the thumbnails output names it. */
async function makeThumbnail(dir: string): Promise<void> {
  mkdirSync(path.join(dir, "thumbnails"), { recursive: true });
  await ffmpeg(
    [
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=1280x720",
      "-frames:v",
      "1",
      "thumbnails/thumb.0000000.jpg",
    ],
    dir,
  );
}

/**
 * CENC-encrypted DASH with a raw key, which ClearKey can decrypt: Shaka Packager,
 * because ffmpeg's own CENC DASH output carries no per-segment encryption data.
 */
async function makeProtectedDash(dir: string): Promise<void> {
  mkdirSync(path.join(dir, "dash"), { recursive: true });
  await ffmpeg([...lavfiInputs("640x360", 660), ...ENCODE, "-b:v", "1M", "source.mp4"], dir);
  const packager = require.resolve("shaka-packager/index.js");
  const stream = (type: string) =>
    `in=source.mp4,stream=${type},init_segment=dash/${type}_init.mp4,segment_template=dash/${type}_$Number$.m4s`;
  await run(
    process.execPath,
    [
      packager,
      stream("video"),
      stream("audio"),
      "--enable_raw_key_encryption",
      `--keys=label=:key_id=${CLEARKEY.keyId}:key=${CLEARKEY.key}`,
      ...["--protection_scheme", "cenc", "--protection_systems", "CommonSystem"],
      ...["--clear_lead", "0", "--segment_duration", "2"],
      "--generate_static_live_mpd",
      ...["--mpd_output", "dash/index.mpd"],
    ],
    { cwd: dir },
  );
}

/**
 * The `cmaf` packaging's layout: `cbcs`-encrypted fMP4 segments with a raw key, and a
 * DASH and an HLS manifest over them, as the CMAF group writes (`cmaf/index.mpd`,
 * `cmaf/index.m3u8`). The DASH manifest carries the common-system `pssh`, so ClearKey
 * stands in for Widevine and PlayReady.
 */
export async function makeCmaf(dir: string): Promise<void> {
  mkdirSync(path.join(dir, "cmaf"), { recursive: true });
  await ffmpeg([...lavfiInputs("640x360", 880), ...ENCODE, "-b:v", "1M", "source.mp4"], dir);
  const packager = require.resolve("shaka-packager/index.js");
  const stream = (type: string, hls: string) =>
    `in=source.mp4,stream=${type},init_segment=cmaf/index_${type}_init.mp4,` +
    `segment_template=cmaf/index_${type}_$Number$.mp4,playlist_name=index_${type}.m3u8${hls}`;
  await run(
    process.execPath,
    [
      packager,
      stream("video", ""),
      stream("audio", ",hls_group_id=program_audio,hls_name=audio"),
      "--enable_raw_key_encryption",
      `--keys=label=:key_id=${CLEARKEY.keyId}:key=${CLEARKEY.key}`,
      ...["--protection_scheme", "cbcs", "--protection_systems", "CommonSystem"],
      ...["--clear_lead", "0", "--segment_duration", "2"],
      "--generate_static_live_mpd",
      ...["--mpd_output", "cmaf/index.mpd"],
      ...["--hls_master_playlist_output", "cmaf/index.m3u8", "--hls_playlist_type", "VOD"],
    ],
    { cwd: dir },
  );
}

/** The media root's assets, with their absolute URLs on `origin`. */
export interface PlayerMedia {
  readonly root: string;
  readonly origin: string;
  readonly clearManifest: string;
}

/**
 * Writes every test asset under `root`, served at `origin`: the clear ladder, the
 * encrypted DASH stream and asset.json files for each state. Takes a few seconds.
 */
export async function makePlayerMedia(root: string, origin: string): Promise<PlayerMedia> {
  const dir = (prefix: string) => {
    const full = path.join(root, prefix);
    mkdirSync(full, { recursive: true });
    return full;
  };
  const url = (prefix: string, file: string) =>
    `${origin}/${prefix.split("/").map(encodeURIComponent).join("/")}/${file}`;
  const writeAsset = (prefix: string, asset: PlayerAsset) =>
    writeFileSync(path.join(dir(prefix), "asset.json"), JSON.stringify(asset, null, 2));

  await Promise.all([
    makeLadder(dir(ASSETS.clear)),
    makeThumbnail(dir(ASSETS.clear)),
    makeProtectedDash(dir(ASSETS.protected)),
    makeThumbnail(dir(ASSETS.protected)),
    makeCmaf(dir(ASSETS.cmaf)),
  ]);

  const complete = (prefix: string) => ({
    status: "COMPLETE" as const,
    assetId: prefix.split("/").pop(),
    jobId: `1700000000000-${prefix.length}`,
    input: `s3://uploads/${prefix}.mp4`,
    completedAt: "2026-11-01T12:01:00.000Z",
    durationSeconds: DURATION_SECONDS,
    thumbnails: {
      first: url(prefix, "thumbnails/thumb.0000000.jpg"),
      last: url(prefix, "thumbnails/thumb.0000000.jpg"),
      count: 1,
    },
    renditions: TEST_LADDER.map(({ width, height }) => ({ width, height })),
  });
  writeAsset(ASSETS.clear, { ...complete(ASSETS.clear), hls: url(ASSETS.clear, "hls/index.m3u8") });
  writeAsset(ASSETS.protected, {
    ...complete(ASSETS.protected),
    renditions: [{ width: 640, height: 360 }],
    drm: {
      contentId: PROTECTED_CONTENT_ID,
      dash: { url: url(ASSETS.protected, "dash/index.mpd"), systems: ["Widevine", "PlayReady"] },
      hls: { url: url(ASSETS.protected, "hls-fairplay/index.m3u8"), systems: ["FairPlay"] },
    },
  });
  writeAsset(ASSETS.cmaf, {
    ...complete(ASSETS.cmaf),
    thumbnails: undefined,
    renditions: [{ width: 640, height: 360 }],
    drm: {
      contentId: PROTECTED_CONTENT_ID,
      packaging: "cmaf",
      dash: { url: url(ASSETS.cmaf, "cmaf/index.mpd"), systems: ["Widevine", "PlayReady"] },
      hls: { url: url(ASSETS.cmaf, "cmaf/index.m3u8"), systems: ["FairPlay"] },
    },
  });
  writeAsset(ASSETS.processing, {
    status: "PROCESSING",
    jobId: "1700000000000-processing",
    renditions: [],
  });
  writeAsset(ASSETS.failed, {
    status: "ERROR",
    jobId: "1700000000000-failed",
    renditions: [],
    error: { code: 1010, message: FAILED_JOB_MESSAGE },
  });
  return { root, origin, clearManifest: url(ASSETS.clear, "hls/index.m3u8") };
}
