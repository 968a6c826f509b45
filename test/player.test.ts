import * as assert from "node:assert/strict";
import { buildPlayer, bundlePlayer } from "../player/build";
import { cspOrigin, playerConnectSources, playerContentSecurityPolicy } from "../player/csp";
import { AssetDrm, metadataFetchFailed, planAsset } from "../player/src/asset";
import {
  DEFAULT_KEY_SYSTEMS,
  PALLYCON_LICENSE_URL,
  resolvePlayerConfig,
} from "../player/src/config";
import {
  base64ToBytes,
  bytesToBase64,
  chooseKeySystem,
  Fetch,
  FairPlayGetLicense,
  fairplayContentId,
  LICENSE_TOKEN_HEADER,
  LicenseRefusedError,
  licenseRefusalOf,
  protectedSource,
  StandardGetLicense,
} from "../player/src/drm";
import {
  licenseRefused,
  MESSAGES,
  playbackFailed,
  PlayerMessageError,
} from "../player/src/messages";
import { AUTO, enabledLevels, qualityChoices } from "../player/src/quality";
import { parsePageRequest } from "../player/src/request";
import { startSession } from "../player/src/session";
import { requestLicenseToken } from "../player/src/token";
import { outputPrefixFor } from "../shared/outputLayout";
import { assetResource } from "../shared/signedCookies";

const ORIGIN = "https://d111111abcdef8.cloudfront.net";
const PAGE = `${ORIGIN}/player/index.html`;
const METADATA = `${ORIGIN}/trailers/My%20Movie/asset.json`;

const DRM: AssetDrm = {
  contentId: "trailers-my-movie",
  dash: { url: `${ORIGIN}/trailers/My%20Movie/dash/index.mpd`, systems: ["Widevine", "PlayReady"] },
  hls: { url: `${ORIGIN}/trailers/My%20Movie/hls-fairplay/index.m3u8`, systems: ["FairPlay"] },
};

/** A fetch that records its calls and answers from a table of URL → [status, body]. */
function fakeFetch(answers: Record<string, [number, string | Uint8Array]>) {
  const calls: Array<{ url: string; init?: Parameters<Fetch>[1] }> = [];
  const fetch: Fetch = async (url, init) => {
    calls.push({ url, init });
    const [status, body] = answers[url] ?? [404, ""];
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    return {
      ok: status < 300,
      status,
      text: async () => new TextDecoder().decode(bytes),
      arrayBuffer: async () => new Uint8Array(bytes).buffer,
    };
  };
  return { fetch, calls };
}

describe("player page", () => {
  describe("what the URL asks for", () => {
    it("reads an asset's metadata from <key>/asset.json on the same origin, encoded", () => {
      assert.deepEqual(parsePageRequest(`${PAGE}?asset=trailers/My+Movie`), {
        kind: "asset",
        key: "trailers/My Movie",
        assetPath: "trailers/My Movie",
        metadataUrl: METADATA,
      });
    });

    it("keeps the upload's key for the session, whose cookies cover the folder it fetches from", () => {
      const host = new URL(ORIGIN).host;
      for (const key of [
        "trailers/My Movie.mp4",
        "Mon Film (2024).mp4",
        "100%.mp4",
        "a@b;c=d,e.mp4",
        "Café/映画.mov",
        "../up.mp4",
      ]) {
        const request = parsePageRequest(`${PAGE}?asset=${encodeURIComponent(key)}`);
        assert.equal(request.kind, "asset", key);
        if (request.kind !== "asset") continue;
        assert.equal(request.key, key);
        // What the session service signs for this key covers the asset file the page reads.
        const granted = assetResource(host, outputPrefixFor(key)).slice(0, -1);
        assert.ok(
          request.metadataUrl.startsWith(granted),
          `${request.metadataUrl} under ${granted}`,
        );
      }
    });

    it("reads a key with `..` from its stand-in folder, which cannot climb out", () => {
      const request = parsePageRequest(`${PAGE}?asset=../secrets/x.mp4`);
      assert.ok(request.kind === "asset");
      assert.match(new URL(request.metadataUrl).pathname, /^\/_\/secrets\/x\.mp4~[0-9a-f]{8}\//);
    });

    it("plays a same-origin manifest given as ?src, absolute or root-relative", () => {
      for (const src of [`${ORIGIN}/a/hls/index.m3u8`, "/a/hls/index.m3u8"]) {
        assert.deepEqual(parsePageRequest(`${PAGE}?src=${encodeURIComponent(src)}`), {
          kind: "source",
          source: { src: `${ORIGIN}/a/hls/index.m3u8`, type: "application/x-mpegURL" },
        });
      }
      const dash = parsePageRequest(`${PAGE}?src=/a/dash/index.mpd`);
      assert.equal(dash.kind === "source" && dash.source.type, "application/dash+xml");
    });

    it("refuses a manifest on another origin", () => {
      const request = parsePageRequest(`${PAGE}?src=https://evil.example.com/index.m3u8`);
      assert.equal(request.kind, "message");
      assert.match(request.kind === "message" ? String(request.message.detail) : "", /this site/);
    });

    it("says how to use the page when it is opened without a query", () => {
      assert.deepEqual(parsePageRequest(PAGE), { kind: "message", message: MESSAGES.noRequest });
    });
  });

  describe("asset.json", () => {
    const complete = {
      status: "COMPLETE",
      jobId: "job",
      hls: `${ORIGIN}/trailers/My%20Movie/hls/index.m3u8`,
      thumbnails: { first: "thumbnails/thumb.0000000.jpg", last: "x", count: 3 },
      renditions: [{ width: 640, height: 360 }],
    };

    it("plays the clear HLS with the first thumbnail as the poster", () => {
      assert.deepEqual(planAsset(complete, METADATA, ORIGIN), {
        kind: "play",
        poster: `${ORIGIN}/trailers/My%20Movie/thumbnails/thumb.0000000.jpg`,
        clear: { src: complete.hls, type: "application/x-mpegURL" },
        drm: undefined,
      });
    });

    it("passes the DRM block on when the asset is encrypted", () => {
      const outcome = planAsset({ ...complete, drm: DRM }, METADATA, ORIGIN);
      assert.deepEqual(outcome.kind === "play" && outcome.drm, DRM);
    });

    it("says a video is still processing, or failed with its error", () => {
      assert.deepEqual(
        planAsset({ status: "PROCESSING", jobId: "j", renditions: [] }, METADATA, ORIGIN),
        {
          kind: "message",
          message: MESSAGES.processing,
        },
      );
      const failed = planAsset(
        {
          status: "ERROR",
          jobId: "j",
          renditions: [],
          error: { code: 1010, message: "bad input" },
        },
        METADATA,
        ORIGIN,
      );
      assert.equal(failed.kind, "message");
      assert.equal(failed.kind === "message" && failed.message.detail, "bad input (error 1010)");
    });

    it("ignores streams on another origin, and says there is nothing to play", () => {
      const outcome = planAsset(
        { ...complete, hls: "https://elsewhere.example.com/i.m3u8" },
        METADATA,
        ORIGIN,
      );
      assert.deepEqual(outcome, { kind: "message", message: MESSAGES.noStream });
    });

    it("treats 403 like 404: S3 behind an OAI answers 403 for a missing key", () => {
      for (const status of [403, 404]) {
        assert.deepEqual(metadataFetchFailed(status), {
          kind: "message",
          message: MESSAGES.notFound,
        });
      }
      assert.deepEqual(metadataFetchFailed(503), {
        kind: "message",
        message: MESSAGES.unavailable,
      });
    });
  });

  describe("config.json", () => {
    it("defaults to PallyCon's license URL and Widevine, PlayReady, FairPlay in that order", () => {
      assert.deepEqual(resolvePlayerConfig({}), {
        tokenUrl: undefined,
        sessionUrl: undefined,
        licenseUrl: PALLYCON_LICENSE_URL,
        fairplayCertificateUrl: undefined,
        keySystems: DEFAULT_KEY_SYSTEMS,
      });
    });

    it("names the field that is wrong", () => {
      assert.throws(() => resolvePlayerConfig({ tokenUrl: "ftp://x" }), /`tokenUrl`/);
      assert.throws(() => resolvePlayerConfig({ tokenUrl: "//evil.example/t" }), /`tokenUrl`/);
      assert.throws(() => resolvePlayerConfig({ licenseUrl: "/license" }), /`licenseUrl`/);
      assert.throws(() => resolvePlayerConfig({ sessionUrl: "//evil.example/s" }), /`sessionUrl`/);
      assert.throws(() => resolvePlayerConfig({ keySystems: [] }), /`keySystems`/);
    });
  });

  describe("choosing a key system", () => {
    const supports =
      (...systems: string[]) =>
      async (keySystem: string) =>
        systems.includes(keySystem);

    it("takes the first preferred system the browser supports", async () => {
      assert.equal(
        await chooseKeySystem(
          DEFAULT_KEY_SYSTEMS,
          DRM,
          supports("com.microsoft.playready", "com.apple.fps.1_0"),
        ),
        "com.microsoft.playready",
      );
      assert.equal(
        await chooseKeySystem(DEFAULT_KEY_SYSTEMS, DRM, supports("com.apple.fps.1_0")),
        "com.apple.fps.1_0",
      );
    });

    it("skips a system the asset wasn't packaged for", async () => {
      const widevineOnly = { ...DRM, dash: { ...DRM.dash, systems: ["Widevine" as const] } };
      assert.equal(
        await chooseKeySystem(
          DEFAULT_KEY_SYSTEMS,
          widevineOnly,
          supports("com.microsoft.playready"),
        ),
        undefined,
      );
    });

    it("uses ClearKey only when it is configured", async () => {
      const all = supports("org.w3.clearkey", "com.widevine.alpha");
      assert.equal(
        await chooseKeySystem(DEFAULT_KEY_SYSTEMS, DRM, supports("org.w3.clearkey")),
        undefined,
      );
      assert.equal(await chooseKeySystem(["org.w3.clearkey"], DRM, all), "org.w3.clearkey");
    });
  });

  describe("protected sources", () => {
    const config = resolvePlayerConfig({
      tokenUrl: "https://tokens.example.com/token",
      fairplayCertificateUrl: "https://license-global.pallycon.com/ri/fpsKeyManager.do?siteId=DEMO",
    });

    /** Calls a contrib-eme callback-style function as a promise. */
    const call = <T>(f: (cb: (e: unknown, v?: T) => void) => void) =>
      new Promise<T>((resolve, reject) => f((e, v) => (e ? reject(e) : resolve(v as T))));

    it("plays DASH for Widevine, posting the challenge with the token in PallyCon's header", async () => {
      const challenge = new Uint8Array([8, 1, 18, 200]);
      const license = new Uint8Array([0x08, 0x02, 0x12, 0xff]);
      const { fetch, calls } = fakeFetch({ [PALLYCON_LICENSE_URL]: [200, license] });
      const source = protectedSource({
        keySystem: "com.widevine.alpha",
        drm: DRM,
        config,
        token: "T1",
        fetch,
      });
      assert.equal(source.src, DRM.dash.url);
      assert.equal(source.type, "application/dash+xml");
      const widevine = source.keySystems["com.widevine.alpha"];
      assert.equal(widevine.url, PALLYCON_LICENSE_URL);
      assert.deepEqual(widevine.licenseHeaders, { [LICENSE_TOKEN_HEADER]: "T1" });
      const getLicense = widevine.getLicense as StandardGetLicense;
      assert.deepEqual(
        await call<Uint8Array>((cb) => getLicense({}, challenge.buffer, cb)),
        license,
      );
      assert.equal(calls[0].url, PALLYCON_LICENSE_URL);
      assert.equal(calls[0].init?.method, "POST");
      assert.equal(calls[0].init?.headers?.[LICENSE_TOKEN_HEADER], "T1");
      assert.deepEqual(calls[0].init?.body, challenge);
    });

    it("leaves PlayReady's challenge to contrib-eme, with the token header", () => {
      const { fetch } = fakeFetch({});
      const source = protectedSource({
        keySystem: "com.microsoft.playready",
        drm: DRM,
        config,
        token: "T1",
        fetch,
      });
      assert.deepEqual(source.keySystems["com.microsoft.playready"], {
        url: PALLYCON_LICENSE_URL,
        licenseHeaders: { [LICENSE_TOKEN_HEADER]: "T1" },
      });
    });

    describe("a license error answered as HTTP 200 with JSON, as PallyCon does", () => {
      const refusal = '{"errorCode":"8001","message":"Invalid token: expired"}';

      it("is told apart from a license", () => {
        assert.deepEqual(licenseRefusalOf(refusal), {
          errorCode: "8001",
          message: "Invalid token: expired",
        });
        assert.deepEqual(licenseRefusalOf(new TextEncoder().encode(` ${refusal}`)), {
          errorCode: "8001",
          message: "Invalid token: expired",
        });
        assert.deepEqual(licenseRefusalOf('{"errorCode":7002}'), { errorCode: "7002" });
        // A Widevine license, FairPlay's base64 CKC and a ClearKey license are none.
        assert.equal(licenseRefusalOf(new Uint8Array([0x08, 0x02, 0x7b])), undefined);
        assert.equal(licenseRefusalOf(bytesToBase64(new Uint8Array([1, 2, 3]))), undefined);
        assert.equal(licenseRefusalOf('{"keys":[],"type":"temporary"}'), undefined);
        assert.equal(licenseRefusalOf("{not json"), undefined);
      });

      it("fails a Widevine license request with the server's code, not the CDM's decode error", async () => {
        const { fetch } = fakeFetch({ [PALLYCON_LICENSE_URL]: [200, refusal] });
        const source = protectedSource({
          keySystem: "com.widevine.alpha",
          drm: DRM,
          config,
          token: "T",
          fetch,
        });
        const getLicense = source.keySystems["com.widevine.alpha"].getLicense as StandardGetLicense;
        await assert.rejects(
          call((cb) => getLicense({}, new Uint8Array([1]), cb)),
          (error: unknown) => {
            assert.ok(error instanceof LicenseRefusedError);
            assert.deepEqual(error.licenseRefusal, {
              errorCode: "8001",
              message: "Invalid token: expired",
            });
            return true;
          },
        );
      });

      it("fails a FairPlay license request with the server's code, not a base64 error", async () => {
        const { fetch } = fakeFetch({ [PALLYCON_LICENSE_URL]: [200, refusal] });
        const source = protectedSource({
          keySystem: "com.apple.fps.1_0",
          drm: DRM,
          config,
          token: "T",
          fetch,
        });
        const getLicense = source.keySystems["com.apple.fps.1_0"].getLicense as FairPlayGetLicense;
        await assert.rejects(
          call((cb) => getLicense({}, "c", new Uint8Array([1]), cb)),
          (error: unknown) =>
            error instanceof LicenseRefusedError && error.licenseRefusal.errorCode === "8001",
        );
      });

      it("shows the viewer the code when the player reports it (contrib-eme's originalError)", () => {
        const error = new LicenseRefusedError({ errorCode: "8001", message: "Invalid token" });
        const message = playbackFailed({ code: 5, message: error.message, originalError: error });
        assert.deepEqual(message, licenseRefused({ errorCode: "8001", message: "Invalid token" }));
        assert.match(message.detail!, /8001/);
        assert.equal(licenseRefused({ errorCode: "7002" }).detail, "License error 7002.");
        // Without a refusal, a decryption error stays the generic sentence.
        assert.equal(playbackFailed({ code: 5 }).detail, "The video could not be decrypted.");
      });
    });

    it("plays the FairPlay HLS with PallyCon's base64 certificate, skd content id and spc form", async () => {
      const spc = new Uint8Array([1, 2, 3, 250]);
      const ckc = new Uint8Array([9, 8, 7]);
      const { fetch, calls } = fakeFetch({
        [config.fairplayCertificateUrl!]: [200, `${bytesToBase64(new Uint8Array([42, 43]))}\n`],
        [PALLYCON_LICENSE_URL]: [200, bytesToBase64(ckc)],
      });
      const source = protectedSource({
        keySystem: "com.apple.fps.1_0",
        drm: DRM,
        config,
        token: "T2",
        fetch,
      });
      assert.equal(source.src, DRM.hls.url);
      const fairplay = source.keySystems["com.apple.fps.1_0"];
      const call = <T>(f: (cb: (e: unknown, v?: T) => void) => void) =>
        new Promise<T>((resolve, reject) => f((e, v) => (e ? reject(e) : resolve(v as T))));

      assert.deepEqual(
        await call<Uint8Array>((cb) => fairplay.getCertificate!({}, cb)),
        new Uint8Array([42, 43]),
      );
      assert.equal(fairplay.getContentId!({}, "skd://trailers-my-movie"), "trailers-my-movie");
      assert.deepEqual(
        await call<Uint8Array>((cb) =>
          (fairplay.getLicense as FairPlayGetLicense)({}, "c", spc, cb),
        ),
        ckc,
      );
      const license = calls[1];
      assert.equal(license.init?.method, "POST");
      assert.equal(license.init?.headers?.[LICENSE_TOKEN_HEADER], "T2");
      assert.equal(license.init?.headers?.["Content-Type"], "application/x-www-form-urlencoded");
      assert.equal(license.init?.body, `spc=${encodeURIComponent(bytesToBase64(spc))}`);
    });

    it("reports a license server's refusal through the callback", async () => {
      const { fetch } = fakeFetch({ [PALLYCON_LICENSE_URL]: [403, "no"] });
      const source = protectedSource({
        keySystem: "com.apple.fps.1_0",
        drm: DRM,
        config,
        token: "T",
        fetch,
      });
      const error = await new Promise((resolve) =>
        (source.keySystems["com.apple.fps.1_0"].getLicense as FairPlayGetLicense)(
          {},
          "c",
          new Uint8Array(),
          resolve,
        ),
      );
      assert.match(String(error), /HTTP 403/);
    });

    it("refuses FairPlay without a certificate URL", () => {
      const { fetch } = fakeFetch({});
      assert.throws(
        () =>
          protectedSource({
            keySystem: "com.apple.fps.1_0",
            drm: DRM,
            config: resolvePlayerConfig({}),
            token: "T",
            fetch,
          }),
        /fairplayCertificateUrl/,
      );
    });

    it("takes the content id from skd:// init data, however it is padded", () => {
      assert.equal(fairplayContentId("\u0000skd://abc-123 "), "abc-123");
      assert.deepEqual(
        base64ToBytes(bytesToBase64(new Uint8Array([0, 255]))),
        new Uint8Array([0, 255]),
      );
    });
  });

  describe("the license token", () => {
    it("posts the content id and DRM type, with the viewer's Bearer token when there is one", async () => {
      const { fetch, calls } = fakeFetch({ "https://t/token": [200, '{"token":"abc"}'] });
      const token = await requestLicenseToken({
        fetch,
        tokenUrl: "https://t/token",
        contentId: "cid-1",
        drmType: "Widevine",
        authorization: "jwt",
      });
      assert.equal(token, "abc");
      assert.deepEqual(JSON.parse(String(calls[0].init?.body)), {
        cid: "cid-1",
        drmType: "Widevine",
      });
      assert.equal(calls[0].init?.headers?.Authorization, "Bearer jwt");
    });

    it("sends no Authorization header without a sign-in token", async () => {
      const { fetch, calls } = fakeFetch({ "https://t/token": [200, '{"token":"abc"}'] });
      await requestLicenseToken({
        fetch,
        tokenUrl: "https://t/token",
        contentId: "c",
        drmType: "PlayReady",
      });
      assert.equal(calls[0].init?.headers?.Authorization, undefined);
    });

    it("asks the viewer to sign in on 401, and fails on an answer without a token", async () => {
      const args = { tokenUrl: "https://t/token", contentId: "c", drmType: "Widevine" };
      await assert.rejects(
        requestLicenseToken({ ...args, fetch: fakeFetch({ "https://t/token": [401, ""] }).fetch }),
        /Sign in/,
      );
      await assert.rejects(
        requestLicenseToken({
          ...args,
          fetch: fakeFetch({ "https://t/token": [200, "{}"] }).fetch,
        }),
        /no token/,
      );
    });

    it("says the viewer has no access on 403 (not entitled), with no token", async () => {
      const args = { tokenUrl: "https://t/token", contentId: "c", drmType: "Widevine" };
      await assert.rejects(
        requestLicenseToken({
          ...args,
          fetch: fakeFetch({ "https://t/token": [403, '{"error":"not_entitled"}'] }).fetch,
        }),
        (error: unknown) =>
          error instanceof PlayerMessageError && error.playerMessage === MESSAGES.notEntitled,
      );
    });
  });

  describe("the playback session", () => {
    /** A session fetch that records its calls and answers with one status, or fails. */
    function sessionFetch(status: number | "offline") {
      const calls: Array<{ url: string; init: Record<string, any> }> = [];
      const fetch = async (url: string, init: Record<string, any>) => {
        calls.push({ url, init });
        if (status === "offline") throw new TypeError("Failed to fetch");
        return { ok: status < 300, status };
      };
      return { fetch, calls };
    }

    it("posts to the session URL with the viewer's Bearer token, keeping same-origin cookies", async () => {
      const { fetch, calls } = sessionFetch(204);
      const outcome = await startSession({
        fetch,
        sessionUrl: "/session",
        asset: "films/Le Film.mp4",
        authorization: "jwt",
      });
      assert.deepEqual(outcome, { kind: "started" });
      assert.deepEqual(calls, [
        {
          url: "/session",
          init: {
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: "Bearer jwt" },
            body: '{"asset":"films/Le Film.mp4"}',
            credentials: "same-origin",
          },
        },
      ]);
    });

    it("sends no Authorization header without a sign-in token", async () => {
      const { fetch, calls } = sessionFetch(204);
      await startSession({ fetch, sessionUrl: "/session", asset: "a.mp4" });
      assert.deepEqual(calls[0].init.headers, { "Content-Type": "application/json" });
    });

    it("asks the viewer to sign in on 401", async () => {
      const outcome = await startSession({
        fetch: sessionFetch(401).fetch,
        sessionUrl: "/s",
        asset: "a.mp4",
      });
      assert.deepEqual(outcome, { kind: "message", message: MESSAGES.signIn });
      assert.match(MESSAGES.signIn.title, /Sign in/);
    });

    it("says the viewer has no access to the video on 403 (not entitled)", async () => {
      const outcome = await startSession({
        fetch: sessionFetch(403).fetch,
        sessionUrl: "/s",
        asset: "a.mp4",
      });
      assert.deepEqual(outcome, { kind: "message", message: MESSAGES.notEntitled });
      assert.equal(MESSAGES.notEntitled.title, "You don't have access to this video.");
    });

    it("says to try later when the service fails or cannot be reached", async () => {
      for (const status of [500, "offline"] as const) {
        const outcome = await startSession({
          fetch: sessionFetch(status).fetch,
          sessionUrl: "/s",
          asset: "a.mp4",
        });
        assert.deepEqual(outcome, { kind: "message", message: MESSAGES.unavailable });
      }
    });

    it("is read from config.json, as a path on the page's origin or a URL", () => {
      assert.equal(resolvePlayerConfig({ sessionUrl: "/session" }).sessionUrl, "/session");
      assert.deepEqual(playerConnectSources({ sessionUrl: "/session" }), [
        "https://license-global.pallycon.com",
      ]);
      assert.deepEqual(playerConnectSources({ sessionUrl: "https://s.example.com/session" }), [
        "https://s.example.com",
        "https://license-global.pallycon.com",
      ]);
    });
  });

  describe("the quality menu", () => {
    const levels = [
      { height: 720, width: 1280 },
      { height: 360, width: 640 },
      { height: 540, width: 960 },
    ];

    it("offers Auto and each rendition, lowest first", () => {
      assert.deepEqual(
        qualityChoices(levels).map((c) => c.label),
        ["Auto", "360p", "540p", "720p"],
      );
      assert.deepEqual(
        qualityChoices([{ height: 720 }]),
        [],
        "nothing to choose from one rendition",
      );
    });

    it("names portrait renditions by their short side, as viewers know them", () => {
      const portrait = [
        { width: 360, height: 640 },
        { width: 540, height: 960 },
        { width: 720, height: 1280 },
      ];
      assert.deepEqual(
        qualityChoices(portrait).map((c) => c.label),
        ["Auto", "360p", "540p", "720p"],
      );
      assert.deepEqual(enabledLevels(portrait, { label: "720p", size: 720 }), [false, false, true]);
    });

    it("enables only the chosen rendition, or all of them for Auto", () => {
      assert.deepEqual(enabledLevels(levels, { label: "540p", size: 540 }), [false, false, true]);
      assert.deepEqual(enabledLevels(levels, AUTO), [true, true, true]);
    });
  });

  describe("messages", () => {
    it("explains a player error in words before its technical message", () => {
      assert.equal(
        playbackFailed({ code: 3, message: "PIPELINE_ERROR_DECODE" }).detail,
        "The video could not be decoded.",
      );
      assert.equal(playbackFailed({ message: "custom" }).detail, "custom");
    });
  });

  describe("Content-Security-Policy", () => {
    it("allows only the page's own files, MSE blobs, the transmuxing worker and the named origins", () => {
      assert.equal(
        playerContentSecurityPolicy({ connectSources: ["https://tokens.example.com/v1/token"] }),
        [
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          "font-src 'self'",
          "img-src 'self'",
          "media-src 'self' blob:",
          "worker-src blob:",
          "connect-src 'self' https://tokens.example.com",
          "frame-ancestors 'none'",
          "base-uri 'none'",
          "form-action 'none'",
        ].join("; "),
      );
    });

    it("rejects wildcards, keywords and plain http except on loopback", () => {
      assert.throws(() => cspOrigin("*"), /explicit origin/);
      assert.throws(() => cspOrigin("https://*.example.com"), /explicit origin/);
      assert.throws(() => cspOrigin("'unsafe-eval'"), /explicit origin/);
      assert.throws(() => cspOrigin("http://tokens.example.com"), /https/);
      assert.equal(cspOrigin("http://127.0.0.1:8080/license"), "http://127.0.0.1:8080");
    });

    it("derives the connect sources from the player's settings, PallyCon's license server by default", () => {
      assert.deepEqual(playerConnectSources({ tokenUrl: "https://t.example.com/token" }), [
        "https://t.example.com",
        "https://license-global.pallycon.com",
      ]);
    });

    it("needs no connect source for a token service on the page's own origin", () => {
      assert.equal(resolvePlayerConfig({ tokenUrl: "/token" }).tokenUrl, "/token");
      assert.deepEqual(playerConnectSources({ tokenUrl: "/token" }), [
        "https://license-global.pallycon.com",
      ]);
    });
  });

  describe("the build", () => {
    it("is deterministic: the same sources give the same names and bytes", () => {
      const again = bundlePlayer();
      assert.deepEqual(
        again.map((f) => [f.path, f.body]),
        buildPlayer().map((f) => [f.path, f.body]),
      );
    });

    it("makes a page that loads only its own hashed script and stylesheet", () => {
      const files = buildPlayer();
      const html = files.find((f) => f.path === "index.html")!.body.toString();
      const script = files.find((f) => f.role === "script")!;
      const stylesheet = files.find((f) => f.role === "stylesheet")!;
      assert.match(script.path, /^player\.[0-9a-f]{12}\.js$/);
      assert.ok(html.includes(`<script src="${script.path}" defer></script>`));
      assert.ok(html.includes(`href="${stylesheet.path}"`));
      assert.doesNotMatch(
        html,
        /<script>|<style|style="|https?:\/\//,
        "no inline code, no remote files",
      );
      assert.doesNotMatch(
        stylesheet.body.toString(),
        /url\(\s*["']?data:/,
        "the font is a file, not a data: URL",
      );
      assert.ok(
        files.some((f) => f.role === "font" && stylesheet.body.toString().includes(f.path)),
      );
    });
  });
});
