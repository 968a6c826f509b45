/**
 * The player page in headless Chromium, against a ladder made locally and laid
 * out the way MediaConvert writes it, served with the deployed CSP.
 */
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Browser, BrowserContext, chromium, Page } from "playwright-core";
import { LICENSE_TOKEN_HEADER } from "../player/src/drm";
import { MESSAGES } from "../player/src/messages";
import {
  ASSETS,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  CLEARKEY,
  FAILED_JOB_MESSAGE,
  INSTALL_COMMAND,
  makePlayerMedia,
  missingBrowserTools,
  PROTECTED_CONTENT_ID,
} from "./support/playerMedia";
import {
  DrmServices,
  PlaybackServer,
  startDrmServices,
  startPlaybackServer,
} from "./support/playerServer";

// Browser globals for the callbacks passed to page.evaluate and friends: they run in
// the page, not in Node, whose type library has no DOM.
declare const document: any;
declare const window: any;
declare const sessionStorage: { setItem(key: string, value: string): void };

/** Screenshots and other evidence, kept out of git. */
const ARTIFACTS = path.resolve(__dirname, "..", "test-artifacts");

const missing = missingBrowserTools();
const required = process.env.REQUIRE_BROWSER_TESTS === "1";
const title = "player page in Chromium";
// Without the tools the suite is reported as skipped, with how to install them;
// CI sets REQUIRE_BROWSER_TESTS=1 so that their absence fails instead.
const suite = missing.length === 0 || required ? describe : (describe.skip as typeof describe);
const suiteTitle =
  missing.length === 0 || required
    ? title
    : `${title} (skipped: ${missing.join(" and ")} not found; install with \`${INSTALL_COMMAND}\`)`;

suite(suiteTitle, function () {
  this.timeout(30_000);
  let workdir: string;
  let server: PlaybackServer;
  let drm: DrmServices;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let violations: string[];

  before(async function () {
    this.timeout(120_000);
    if (missing.length > 0) {
      throw new Error(`${missing.join(" and ")} not found: install with \`${INSTALL_COMMAND}\``);
    }
    workdir = mkdtempSync(path.join(tmpdir(), "player-test-"));
    server = await startPlaybackServer({ mediaRoot: workdir, config: {} });
    drm = await startDrmServices({ pageOrigin: server.origin, key: CLEARKEY });
    // ClearKey stands in for Widevine/PlayReady: same DASH path, same token header.
    server.config = {
      tokenUrl: drm.tokenUrl,
      licenseUrl: drm.licenseUrl,
      keySystems: ["org.w3.clearkey"],
    };
    const [launched] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }),
      makePlayerMedia(workdir, server.origin),
    ]);
    browser = launched;
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await drm?.close();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    violations = [];
    page.on("console", (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.exposeFunction("reportCspViolation", (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event: any) => {
        const report = (window as unknown as { reportCspViolation(t: string): void })
          .reportCspViolation;
        report(`${event.violatedDirective} blocked ${event.blockedURI}`);
      });
    });
  });

  afterEach(async function () {
    await context?.close();
    assert.deepEqual(violations, [], "the page ran into its Content-Security-Policy");
  });

  const open = (query: string) => page.goto(server.pageUrl(query));
  const messageText = () => page.getByRole("alert").textContent();
  const currentTime = () => page.evaluate(() => document.querySelector("video")!.currentTime);
  const playUntil = async (seconds: number) => {
    await page.locator(".vjs-big-play-button").click();
    await page.waitForFunction(
      (t) => (document.querySelector("video")?.currentTime ?? 0) > t,
      seconds,
      { timeout: 15_000 },
    );
  };

  it("plays the HLS ladder of an asset, and time advances", async () => {
    const response = await open(`?asset=${ASSETS.clear}`);
    assert.match(response!.headers()["content-security-policy"], /script-src 'self'/);
    await playUntil(1);
    const first = await currentTime();
    await page.waitForFunction(
      (t) => document.querySelector("video")!.currentTime > t + 0.5,
      first,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, "player-playing.png") });
    assert.equal(
      await page.evaluate(() => document.querySelectorAll("style").length),
      0,
      "Video.js injected no <style> element",
    );
  });

  it("shows the first thumbnail as the poster before playback", async () => {
    await open(`?asset=${ASSETS.clear}`);
    const poster = page.locator(".vjs-poster img");
    await poster.waitFor({ state: "attached" });
    assert.match(String(await poster.getAttribute("src")), /\/thumbnails\/thumb\.0000000\.jpg$/);
  });

  it("lists the three renditions in the quality menu and switches to the one picked", async () => {
    await open(`?asset=${ASSETS.clear}`);
    const menu = page.getByRole("group", { name: "Quality" });
    await menu.getByRole("button", { name: "720p" }).waitFor();
    assert.deepEqual(await menu.getByRole("button").allTextContents(), [
      "Auto",
      "360p",
      "540p",
      "720p",
    ]);
    await menu.getByRole("button", { name: "360p" }).click();
    assert.equal(
      await menu.getByRole("button", { name: "360p" }).getAttribute("aria-pressed"),
      "true",
    );
    await playUntil(0.5);
    await page.waitForFunction(() => document.querySelector("video")!.videoHeight === 360);
  });

  it("plays a same-origin manifest given as ?src", async () => {
    await open(`?src=/${ASSETS.clear}/hls/index.m3u8`);
    await playUntil(1);
  });

  it("says the video was not found when its asset.json is missing (S3 answers 403)", async () => {
    await open(`?asset=${ASSETS.missing}`);
    assert.match(String(await messageText()), new RegExp(MESSAGES.notFound.title));
    assert.equal(await page.locator("video").isVisible(), false);
  });

  it("says the video is still being processed", async () => {
    await open(`?asset=${ASSETS.processing}`);
    assert.match(String(await messageText()), new RegExp(MESSAGES.processing.title));
  });

  it("says the job failed, with its error message", async () => {
    await open(`?asset=${ASSETS.failed}`);
    const text = String(await messageText());
    assert.match(text, /could not be processed/);
    assert.ok(text.includes(FAILED_JOB_MESSAGE), text);
  });

  it("shows a message when playback itself fails", async () => {
    await open(`?src=/${ASSETS.missing}/hls/index.m3u8`);
    await page.getByRole("alert").waitFor();
    assert.match(String(await messageText()), /can't be played/);
    await page.screenshot({ path: path.join(ARTIFACTS, "player-error.png") });
  });

  it("plays the encrypted DASH stream with the token from the token service on every license request", async () => {
    const tokensBefore = drm.issuedTokens.length;
    const licensesBefore = drm.licenseRequests.length;
    await open(`?asset=${ASSETS.protected}`);
    await playUntil(1);
    assert.equal(await page.locator("#vod").getAttribute("data-key-system"), "org.w3.clearkey");

    const tokenRequests = drm.tokenRequests.slice(tokensBefore);
    assert.equal(tokenRequests.length, 1);
    assert.deepEqual(JSON.parse(tokenRequests[0].body), {
      cid: PROTECTED_CONTENT_ID,
      drmType: "ClearKey",
    });
    const token = drm.issuedTokens[tokensBefore];
    const licenses = drm.licenseRequests.slice(licensesBefore);
    assert.ok(licenses.length >= 1, "a license was requested");
    for (const license of licenses) assert.equal(license.headers[LICENSE_TOKEN_HEADER], token);
    await page.screenshot({ path: path.join(ARTIFACTS, "player-drm.png") });
  });

  it("sends the viewer's sign-in token to the token service as a Bearer token", async () => {
    const before = drm.tokenRequests.length;
    await page.addInitScript(() => sessionStorage.setItem("vodPlayer.authToken", "viewer-jwt"));
    await open(`?asset=${ASSETS.protected}`);
    await page.waitForFunction(
      () => document.querySelector("#vod")?.getAttribute("data-state") === "ready",
    );
    assert.equal(drm.tokenRequests[before]?.headers.authorization, "Bearer viewer-jwt");
  });
});
