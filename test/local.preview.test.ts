/**
 * The local preview end to end: a clip dropped into the watch folder goes through the
 * stack's own functions, the MediaConvert stand-in and the local S3, and plays in
 * headless Chromium from the playback origin, as `npm start` runs it.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Browser, chromium, Page } from "playwright-core";
import { startPreview, Preview, UploadEvent } from "../local/preview";
import { watchFolder, WatchFolder } from "../local/watchFolder";
import { LICENSE_TOKEN_HEADER } from "../player/src/drm";
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  INSTALL_COMMAND,
  missingBrowserTools,
} from "./support/playerMedia";

declare const document: any;

const missing = missingBrowserTools();
const required = process.env.REQUIRE_BROWSER_TESTS === "1";
const runs = missing.length === 0 || required;
const suite = runs ? describe : (describe.skip as typeof describe);
const skipNote = runs
  ? ""
  : ` (skipped: ${missing.join(" and ")} not found; install with \`${INSTALL_COMMAND}\`)`;

/** A test clip: a pattern with a tone, `seconds` long, made by ffmpeg. */
function makeClip(file: string, size: string, seconds = 2): void {
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=24:duration=${seconds}`],
    ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    file,
  ]);
}

/** Runs a preview with a watch folder, and waits for an upload to finish. */
class RunningPreview {
  readonly events: UploadEvent[] = [];
  private constructor(
    readonly preview: Preview,
    readonly watch: string,
    private readonly watcher: WatchFolder,
  ) {
    preview.onUpload((event) => this.events.push(event));
  }

  static async start(folder: string, drm: boolean): Promise<RunningPreview> {
    const preview = await startPreview({
      stack: "dev",
      drm,
      port: 0,
      folder: path.join(folder, "data"),
      log: () => undefined,
    });
    const watch = path.join(folder, "watch");
    const watcher = watchFolder({
      folder: watch,
      s3: preview.s3,
      bucket: preview.stack.sourceBucket,
      stateFile: path.join(folder, "watch-state.json"),
      onUploaded: () => undefined,
      onFailed: (key, error) => assert.fail(`${key}: ${error.message}`),
      settleMs: 100,
    });
    return new RunningPreview(preview, watch, watcher);
  }

  /** Drops `file` into the watch folder as `name`; resolves with the asset's last state. */
  async drop(file: string, name: string): Promise<UploadEvent> {
    copyFileSync(file, path.join(this.watch, name));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const done = this.events.find(
        (e) => "key" in e && e.key === name && (e.kind === "complete" || e.kind === "error"),
      );
      if (done) return done;
      const lost = this.events.find((e) => e.kind === "dead-letter");
      if (lost) assert.fail(`an event was dead-lettered: ${JSON.stringify(lost)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`${name} did not finish: ${JSON.stringify(this.events)}`);
  }

  async close(): Promise<void> {
    this.watcher.close();
    await this.preview.close();
  }
}

suite(`local preview in Chromium${skipNote}`, function () {
  this.timeout(120_000);
  let folder: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), "preview-test-"));
    makeClip(path.join(folder, "landscape.mp4"), "960x540");
    makeClip(path.join(folder, "portrait.mp4"), "360x640");
    writeFileSync(path.join(folder, "notes.mp4"), "These are meeting notes, not a video.\n");
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });
  after(async () => {
    await browser?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // The preview's certificate is self-signed.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    page = await context.newPage();
  });
  afterEach(() => page?.context().close());

  const qualityMenu = async () => {
    const menu = page.getByRole("group", { name: "Quality" });
    await menu.getByRole("button", { name: "Auto" }).waitFor();
    return menu.getByRole("button").allTextContents();
  };
  const playUntil = async (seconds: number) => {
    await page.locator(".vjs-big-play-button").click();
    await page.waitForFunction(
      (t) => (document.querySelector("video")?.currentTime ?? 0) > t,
      seconds,
      {
        timeout: 20_000,
      },
    );
  };

  describe("dev stack", () => {
    let running: RunningPreview;
    before(async () => {
      running = await RunningPreview.start(path.join(folder, "dev"), false);
    });
    after(() => running?.close());

    it("plays a dropped clip, with exactly the rungs its size allows in the quality menu", async () => {
      const done = await running.drop(path.join(folder, "landscape.mp4"), "landscape.mp4");
      assert.equal(done.kind, "complete", JSON.stringify(done));
      await page.goto(running.preview.pageUrl("landscape.mp4"));
      // The dev ladder is 360p, 540p and 720p; a 540p source gets no 720p rung.
      assert.deepEqual(await qualityMenu(), ["Auto", "360p", "540p"]);
      await playUntil(0.5);
    });

    it("keeps a portrait clip portrait", async () => {
      const done = await running.drop(path.join(folder, "portrait.mp4"), "portrait.mp4");
      assert.equal(done.kind, "complete", JSON.stringify(done));
      await page.goto(running.preview.pageUrl("portrait.mp4"));
      await playUntil(0.5);
      const size = await page.evaluate(() => {
        const video = document.querySelector("video");
        return { width: video.videoWidth, height: video.videoHeight };
      });
      assert.ok(size.height > size.width, `${size.width}x${size.height} is not portrait`);
    });

    it("shows why a file that is not a video was skipped", async () => {
      const done = await running.drop(path.join(folder, "notes.mp4"), "notes.mp4");
      assert.equal(done.kind, "error");
      const reason = done.kind === "error" ? String(done.asset.error?.message) : "";
      await page.goto(running.preview.pageUrl("notes.mp4"));
      const alert = page.getByRole("alert");
      await alert.waitFor();
      assert.ok(String(await alert.textContent()).includes(reason), reason);
    });
  });

  describe("with --drm", () => {
    let running: RunningPreview;
    before(async () => {
      running = await RunningPreview.start(path.join(folder, "drm"), true);
    });
    after(() => running?.close());

    it("plays the DASH stream through ClearKey with a token the local token service issued", async () => {
      const done = await running.drop(path.join(folder, "landscape.mp4"), "secret.mp4");
      assert.equal(done.kind, "complete", JSON.stringify(done));
      const tokens: string[] = [];
      const licenseTokens: Array<string | undefined> = [];
      page.on("response", async (response) => {
        if (new URL(response.url()).pathname === "/token" && response.ok()) {
          tokens.push((await response.json()).token);
        }
      });
      page.on("request", (request) => {
        if (request.url().endsWith("/ri/licenseManager.do") && request.method() === "POST") {
          licenseTokens.push(request.headers()[LICENSE_TOKEN_HEADER]);
        }
      });
      await page.goto(running.preview.pageUrl("secret.mp4"));
      await page.waitForURL(/\/player\/index\.html/);
      await playUntil(0.5);
      assert.equal(await page.locator("#vod").getAttribute("data-key-system"), "org.w3.clearkey");
      assert.equal(tokens.length, 1, "one token from the token service");
      assert.ok(licenseTokens.length >= 1, "a license was requested");
      for (const sent of licenseTokens) assert.equal(sent, tokens[0]);
    });
  });
});

describe("npm start", function () {
  this.timeout(60_000);

  it("stops on Ctrl-C in the middle of a job with nothing left running", async function () {
    if (missing.includes("ffmpeg") && !required) this.skip();
    const folder = mkdtempSync(path.join(tmpdir(), "preview-start-"));
    try {
      mkdirSync(path.join(folder, "watch"));
      // Long enough that the job is still encoding when Ctrl-C comes.
      makeClip(path.join(folder, "long.mp4"), "640x360", 10);
      const child = spawn(
        process.execPath,
        [
          "-r",
          "./scripts/register-typescript.js",
          "local/start.ts",
          "--port",
          "0",
          "--data",
          path.join(folder, "data"),
          "--watch",
          path.join(folder, "watch"),
        ],
        { cwd: path.resolve(__dirname, ".."), stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code)),
      );
      const deadline = Date.now() + 45_000;
      while (!output.includes("Ready in") && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.match(output, /Ready in/);
      // A warm convert container, and ffmpeg running the job, both to be stopped.
      renameSync(path.join(folder, "long.mp4"), path.join(folder, "watch", "long.mp4"));
      while (!output.includes("long.mp4: encoding") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(output, /long\.mp4: probed .* submitted/);
      assert.match(output, /long\.mp4: encoding/);
      assert.doesNotMatch(output, /long\.mp4: complete/);
      child.kill("SIGINT");
      assert.equal(await exited, 0, output);
      assert.match(output, /Stopped\./);
      // Every container and every ffmpeg ran from the data folder: none may outlive the preview.
      const left = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
        .split("\n")
        .filter((line) => line.includes(folder));
      assert.deepEqual(left, []);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
