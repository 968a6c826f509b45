/**
 * The player page in headless Chromium, against a ladder made locally and laid
 * out the way MediaConvert writes it, served with the deployed CSP.
 */
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
import { opensslKeyPair, TEST_KEY_PAIR_ID } from "./support/playerCookies";
import {
  DrmServices,
  LICENSE_REFUSAL,
  PlaybackServer,
  SignedCookieProtection,
  startDrmServices,
  startPlaybackServer,
} from "./support/playerServer";

// Browser globals for the callbacks passed to page.evaluate and friends: they run in
// the page, not in Node, whose type library has no DOM.
declare const document: any;
declare const window: any;
declare const sessionStorage: { setItem(key: string, value: string): void };
declare const performance: { getEntriesByType(type: string): Array<{ name: string }> };

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
    await playUntil(0.5);
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
    await playUntil(0.5);
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
    await playUntil(0.5);
    assert.equal(await page.locator("#vod").getAttribute("data-key-system"), "org.w3.clearkey");

    const tokenRequests = drm.tokenRequests.slice(tokensBefore);
    assert.equal(tokenRequests.length, 1);
    // ClearKey stands in for Widevine: the page asks for a Widevine token.
    assert.deepEqual(JSON.parse(tokenRequests[0].body), {
      cid: PROTECTED_CONTENT_ID,
      drmType: "Widevine",
    });
    const token = drm.issuedTokens[tokensBefore];
    const licenses = drm.licenseRequests.slice(licensesBefore);
    assert.ok(licenses.length >= 1, "a license was requested");
    for (const license of licenses) assert.equal(license.headers[LICENSE_TOKEN_HEADER], token);
    await page.screenshot({ path: path.join(ARTIFACTS, "player-drm.png") });
  });

  it("plays the cbcs CMAF asset's DASH manifest through ClearKey, with the token on every license request", async () => {
    const tokensBefore = drm.issuedTokens.length;
    const licensesBefore = drm.licenseRequests.length;
    // The stream is cbcs, as MediaConvert's CMAF group writes it: the init segment's
    // scheme type box says so, and so does the MPD.
    const init = readFileSync(path.join(workdir, ASSETS.cmaf, "cmaf/index_video_init.mp4"));
    const schm = init.indexOf("schm");
    assert.ok(schm > 0, "the init segment has a scheme type box");
    assert.equal(init.subarray(schm + 8, schm + 12).toString("latin1"), "cbcs");
    const mpd = readFileSync(path.join(workdir, ASSETS.cmaf, "cmaf/index.mpd"), "utf8");
    assert.match(
      mpd,
      /<ContentProtection value="cbcs" schemeIdUri="urn:mpeg:dash:mp4protection:2011"/,
    );

    await open(`?asset=${ASSETS.cmaf}`);
    await playUntil(0.5);
    assert.equal(await page.locator("#vod").getAttribute("data-key-system"), "org.w3.clearkey");
    const sources = await page.evaluate(() =>
      performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname),
    );
    assert.ok(
      sources.some((p) => p.endsWith(`/${ASSETS.cmaf}/cmaf/index.mpd`)),
      "the CMAF DASH manifest was played",
    );
    assert.ok(
      sources.some((p) => /\/cmaf\/index_video_\d+\.mp4$/.test(p)),
      "its segments were fetched",
    );
    const token = drm.issuedTokens[tokensBefore];
    const licenses = drm.licenseRequests.slice(licensesBefore);
    assert.ok(licenses.length >= 1, "a license was requested");
    for (const license of licenses) assert.equal(license.headers[LICENSE_TOKEN_HEADER], token);
    await page.screenshot({ path: path.join(ARTIFACTS, "player-cmaf-cbcs.png") });
  });

  it("shows the license server's error code when it refuses with HTTP 200 and JSON, as PallyCon does", async () => {
    const config = server.config;
    server.config = { ...config, licenseUrl: drm.refusingLicenseUrl };
    try {
      const licensesBefore = drm.licenseRequests.length;
      await open(`?asset=${ASSETS.protected}`);
      await page.getByRole("alert").waitFor();
      const text = String(await messageText());
      assert.match(text, /license server refused/);
      assert.ok(text.includes(LICENSE_REFUSAL.errorCode), text);
      assert.ok(text.includes(LICENSE_REFUSAL.message), text);
      const licenses = drm.licenseRequests.slice(licensesBefore);
      assert.ok(
        licenses.some((l) => l.path === "/license-refusing"),
        "the license was asked for",
      );
      await page.screenshot({ path: path.join(ARTIFACTS, "player-license-refused.png") });
    } finally {
      server.config = config;
    }
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
  it("tells a viewer not entitled to the content that they have no access, and asks for no license", async () => {
    const tokensBefore = drm.tokenRequests.length;
    const licensesBefore = drm.licenseRequests.length;
    drm.entitled = (cid) => cid !== PROTECTED_CONTENT_ID;
    try {
      await open(`?asset=${ASSETS.protected}`);
      await page.getByRole("alert").waitFor();
      assert.match(String(await messageText()), /You don't have access to this video/);
      assert.equal(await page.locator("#vod").getAttribute("data-state"), "not-entitled");
    } finally {
      drm.entitled = () => true;
    }
    assert.deepEqual(
      drm.tokenRequests.slice(tokensBefore).map((r) => JSON.parse(r.body).cid),
      [PROTECTED_CONTENT_ID],
      "the page asked for a token for the asset it plays",
    );
    assert.equal(drm.licenseRequests.length, licensesBefore, "no license request was made");
    await page.screenshot({ path: path.join(ARTIFACTS, "player-not-entitled.png") });
  });

  describe("with signed cookies (protected clear playback)", () => {
    const VIEWER_JWT = "viewer-jwt";
    let protection: SignedCookieProtection;
    let openConfig: typeof server.config;
    before(() => {
      const keys = opensslKeyPair("rsa2048");
      protection = { keyPairId: TEST_KEY_PAIR_ID, ...keys, viewerJwt: VIEWER_JWT };
      openConfig = server.config;
      server.config = { ...openConfig, sessionUrl: "/session" };
      server.protection = protection;
    });
    after(() => {
      server.protection = undefined;
      server.config = openConfig;
    });
    /** Media the page asked for and was refused. Chromium's own favicon request is not the page's. */
    const refusedSince = (count: number) =>
      server.refusedMedia.slice(count).filter((r) => r.path !== "/favicon.ico");
    const signIn = () =>
      page.addInitScript(() => sessionStorage.setItem("vodPlayer.authToken", "viewer-jwt"));

    it("refuses media to a browser without the cookies, as CloudFront would", async () => {
      const response = await page.request.get(`${server.origin}/${ASSETS.clear}/asset.json`);
      assert.equal(response.status(), 403);
      assert.equal(server.refusedMedia.at(-1)?.verdict, "missing");
    });

    it("starts a session with the viewer's JWT, then plays with the cookies it set", async () => {
      const refusedBefore = server.refusedMedia.length;
      const sessionsBefore = server.sessionRequests.length;
      await signIn();
      await open(`?asset=${ASSETS.clear}`);
      await playUntil(0.5);
      assert.deepEqual(server.sessionRequests.slice(sessionsBefore), [
        { authorization: `Bearer ${VIEWER_JWT}`, status: 204 },
      ]);
      assert.deepEqual(refusedSince(refusedBefore), [], "no media request was refused");
      const cookies = await context.cookies(server.origin);
      assert.deepEqual(cookies.map((c) => c.name).sort(), [
        "CloudFront-Hash-Algorithm",
        "CloudFront-Key-Pair-Id",
        "CloudFront-Policy",
        "CloudFront-Signature",
      ]);
      for (const cookie of cookies) {
        assert.equal(cookie.httpOnly, true, cookie.name);
        assert.equal(cookie.secure, true, cookie.name);
        assert.equal(cookie.sameSite, "Strict", cookie.name);
        assert.equal(cookie.path, "/", cookie.name);
        assert.equal(cookie.expires, -1, `${cookie.name} lasts the browser session only`);
      }
      assert.equal(
        await page.evaluate(() => document.cookie),
        "",
        "the page's scripts cannot read the cookies",
      );
      await page.screenshot({ path: path.join(ARTIFACTS, "player-signed-cookies.png") });
    });

    it("asks the viewer to sign in when the session service refuses, and fetches no media", async () => {
      const requestsBefore = server.requests.length;
      await open(`?asset=${ASSETS.clear}`);
      await page.getByRole("alert").waitFor();
      assert.match(String(await messageText()), new RegExp(MESSAGES.signIn.title));
      assert.equal(await page.locator("#vod").getAttribute("data-state"), "sign-in");
      assert.equal(server.sessionRequests.at(-1)?.status, 401);
      const requested = server.requests.slice(requestsBefore).filter((p) => p !== "/favicon.ico");
      assert.ok(requested.includes("/session"));
      assert.ok(
        requested.every((p) => p.startsWith("/player/") || p === "/session"),
        `only the page and the session were requested: ${requested.join(", ")}`,
      );
      await page.screenshot({ path: path.join(ARTIFACTS, "player-sign-in.png") });
    });

    it("names the asset to the session service, and tells a viewer not entitled to it that they have no access", async () => {
      const requestsBefore = server.requests.length;
      const sessionsBefore = server.sessionRequests.length;
      const bodiesBefore = server.sessionBodies.length;
      const licensesBefore = drm.licenseRequests.length;
      const tokensBefore = drm.tokenRequests.length;
      server.protection = { ...protection, entitlements: "[trailers_*]" };
      try {
        await signIn();
        await open(`?asset=${ASSETS.protected}`);
        await page.getByRole("alert").waitFor();
        assert.match(String(await messageText()), /You don't have access to this video/);
      } finally {
        server.protection = protection;
      }
      assert.deepEqual(server.sessionRequests.slice(sessionsBefore), [
        { authorization: `Bearer ${VIEWER_JWT}`, status: 403 },
      ]);
      assert.deepEqual(
        server.sessionBodies.slice(bodiesBefore).map((b) => JSON.parse(b)),
        [{ asset: ASSETS.protected }],
      );
      assert.deepEqual(await context.cookies(server.origin), [], "no cookies were set");
      const requested = server.requests.slice(requestsBefore).filter((p) => p !== "/favicon.ico");
      assert.ok(
        requested.every((p) => p.startsWith("/player/") || p === "/session"),
        `only the page and the session were requested: ${requested.join(", ")}`,
      );
      assert.equal(drm.tokenRequests.length, tokensBefore, "no token was asked for");
      assert.equal(drm.licenseRequests.length, licensesBefore, "no license request was made");
    });

    it("plays the encrypted stream too, with the session's cookies and the license token", async () => {
      const refusedBefore = server.refusedMedia.length;
      await signIn();
      await open(`?asset=${ASSETS.protected}`);
      await playUntil(0.5);
      assert.deepEqual(refusedSince(refusedBefore), []);
    });
  });
});
