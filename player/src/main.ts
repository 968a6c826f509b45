/**
 * The player page: reads what to play from the URL, the settings from config.json,
 * starts a playback session when the media is protected by signed cookies, reads the
 * asset from its asset.json, then plays it with Video.js (through videojs-contrib-eme
 * when it is encrypted). Decisions live in the pure modules beside this one; this
 * file is the DOM glue.
 */
import "./noDynamicStyle";
import videojs from "video.js";
import "videojs-contrib-eme";
import "video.js/dist/video-js.css";
import "../player.css";
import { AssetDrm, AssetPlayback, metadataFetchFailed, planAsset } from "./asset";
import { resolvePlayerConfig, ResolvedPlayerConfig } from "./config";
import { chooseKeySystem, KEY_SYSTEMS, probeConfiguration, protectedSource } from "./drm";
import {
  MESSAGES,
  PlayerMessage,
  PlayerMessageError,
  playbackFailed,
  protectionFailed,
} from "./messages";
import { enabledLevels, QualityChoice, qualityChoices } from "./quality";
import { MediaSource, PageRequest, parsePageRequest } from "./request";
import { startSession } from "./session";
import { requestLicenseToken } from "./token";

/**
 * Where the viewer's sign-in token for the token and session services comes from, first
 * found wins: a `window.vodPlayerAuth()` hook (for sites that serve this script on their
 * own pages), then the `vodPlayer.authToken` sessionStorage key (for sign-in pages on
 * this origin). Without one, the requests are sent without Authorization.
 */
export const AUTH_STORAGE_KEY = "vodPlayer.authToken";

declare global {
  interface Window {
    vodPlayerAuth?: () => string | undefined | null | Promise<string | undefined | null>;
    WebKitMediaKeys?: { isTypeSupported(keySystem: string, type: string): boolean };
  }
}

type Player = ReturnType<typeof videojs>;

/** The parts of Video.js's quality level list the menu uses (not in its typings). */
interface QualityLevelList {
  readonly length: number;
  [index: number]: { width?: number; height?: number; bitrate?: number; enabled: boolean };
  on(event: "addqualitylevel" | "removequalitylevel" | "change", listener: () => void): void;
}

const page = {
  root: element("vod"),
  stage: element("vod-stage"),
  video: element("vod-video") as HTMLVideoElement,
  message: element("vod-message"),
  quality: element("vod-quality"),
};

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

/** Shows a message; before playback starts it replaces the player entirely. */
function show(message: PlayerMessage, { keepPlayer = false } = {}): void {
  page.root.dataset.state = message.kind;
  page.message.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = message.title;
  page.message.append(title);
  if (message.detail) {
    const detail = document.createElement("span");
    detail.textContent = message.detail;
    page.message.append(" ", detail);
  }
  page.message.hidden = false;
  if (!keepPlayer) page.stage.hidden = true;
}

async function loadConfig(): Promise<ResolvedPlayerConfig> {
  const response = await fetch(new URL("config.json", location.href));
  // Clear playback needs no settings: without config.json, the defaults apply.
  return resolvePlayerConfig(response.ok ? await response.json() : {});
}

/** What to play, or undefined after showing why nothing can be played. */
async function resolvePlayback(
  request: Exclude<PageRequest, { kind: "message" }>,
): Promise<AssetPlayback | undefined> {
  if (request.kind === "source") return { kind: "play", clear: request.source };

  let response: Response;
  try {
    response = await fetch(request.metadataUrl);
  } catch {
    return void show(MESSAGES.unavailable);
  }
  const outcome = response.ok
    ? planAsset(await response.json().catch(() => null), request.metadataUrl, location.origin)
    : metadataFetchFailed(response.status);
  if (outcome.kind === "message") return void show(outcome.message);
  return outcome;
}

async function isSupported(keySystem: string, drm: AssetDrm): Promise<boolean> {
  if (keySystem === "com.apple.fps.1_0" && window.WebKitMediaKeys) {
    return window.WebKitMediaKeys.isTypeSupported(keySystem, "video/mp4");
  }
  if (!navigator.requestMediaKeySystemAccess) return false;
  const probe = keySystem.startsWith("com.apple.fps")
    ? { initDataTypes: ["sinf"], videoCapabilities: [{ contentType: "video/mp4" }] }
    : probeConfiguration(drm);
  try {
    await navigator.requestMediaKeySystemAccess(keySystem, [
      probe as unknown as MediaKeySystemConfiguration,
    ]);
    return true;
  } catch {
    return false;
  }
}

async function viewerAuthorization(): Promise<string | undefined> {
  const fromHook = await window.vodPlayerAuth?.();
  if (fromHook) return fromHook;
  try {
    return sessionStorage.getItem(AUTH_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled
  }
}

/** The source to hand Video.js: protected when the asset is encrypted, clear otherwise. */
async function chooseSource(
  playback: AssetPlayback,
  config: ResolvedPlayerConfig,
): Promise<MediaSource | undefined> {
  const { drm } = playback;
  if (!drm) return playback.clear;
  const keySystem = await chooseKeySystem(config.keySystems, drm, (k) => isSupported(k, drm));
  if (!keySystem) return void show(MESSAGES.noKeySystem);
  page.root.dataset.keySystem = keySystem;
  if (!config.tokenUrl) return void show(protectionFailed("No license token service is set up."));
  try {
    const token = await requestLicenseToken({
      fetch: (url, init) => fetch(url, init),
      tokenUrl: config.tokenUrl,
      contentId: drm.contentId,
      drmType: KEY_SYSTEMS[keySystem].drmType,
      authorization: await viewerAuthorization(),
    });
    return protectedSource({ keySystem, drm, config, token, fetch: (u, i) => fetch(u, i) });
  } catch (error) {
    // Refused (sign in, no access): no token, so no license request is made.
    if (error instanceof PlayerMessageError) return void show(error.playerMessage);
    return void show(protectionFailed(error instanceof Error ? error.message : String(error)));
  }
}

/** A row of buttons under the player: Auto and one per rendition height. */
function qualityMenu(player: Player): void {
  const levels = (player as unknown as { qualityLevels(): QualityLevelList }).qualityLevels();
  let selected = "Auto";
  const list = () => Array.from({ length: levels.length }, (_, i) => levels[i]);
  const select = (choice: QualityChoice) => {
    selected = choice.label;
    const enabled = enabledLevels(list(), choice);
    list().forEach((level, i) => (level.enabled = enabled[i]));
    render();
  };
  const render = () => {
    const choices = qualityChoices(list());
    page.quality.hidden = choices.length === 0;
    page.quality.replaceChildren(
      ...choices.map((choice) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.label;
        button.setAttribute("aria-pressed", String(choice.label === selected));
        button.addEventListener("click", () => select(choice));
        return button;
      }),
    );
  };
  levels.on("addqualitylevel", render);
  levels.on("removequalitylevel", render);
}

/**
 * Gets the signed cookies the media needs, before anything is fetched from it.
 * @returns whether playback may go on; otherwise the page says why not.
 */
async function startPlaybackSession(sessionUrl: string, asset: string): Promise<boolean> {
  const outcome = await startSession({
    fetch: (url, init) => fetch(url, init),
    sessionUrl,
    asset,
    authorization: await viewerAuthorization(),
  });
  if (outcome.kind === "message") show(outcome.message);
  return outcome.kind === "started";
}

async function main(): Promise<void> {
  page.root.dataset.state = "loading";
  const request = parsePageRequest(location.href);
  if (request.kind === "message") return show(request.message);
  const config = await loadConfig();
  // A session covers one asset: a `?src` manifest gets none (its media must be open).
  if (
    config.sessionUrl &&
    request.kind === "asset" &&
    !(await startPlaybackSession(config.sessionUrl, request.key))
  ) {
    return;
  }
  const playback = await resolvePlayback(request);
  if (!playback) return;
  const source = await chooseSource(playback, config);
  if (!source) return;

  const player = videojs(page.video, {
    controls: true,
    preload: "auto",
    // Errors are shown in the page's own message box, which says what to do.
    errorDisplay: false,
  });
  player.on("error", () => show(playbackFailed(player.error()), { keepPlayer: true }));
  if (playback.poster) player.poster(playback.poster);
  qualityMenu(player);
  if ("keySystems" in source) (player as unknown as { eme(): void }).eme();
  player.src(source);
  page.root.dataset.state = "ready";
}

main().catch((error: unknown) => {
  console.error(error);
  show(MESSAGES.unavailable);
});
