/**
 * Figures for the player page: the size of its script as deployed (raw and gzip,
 * as CloudFront compresses it), and the time to first frame in headless Chromium
 * on the local test ladder, from navigation to the video's first decoded frame.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { buildPlayer } from "../player/build";
import {
  ASSETS,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  INSTALL_COMMAND,
  makePlayerMedia,
  missingBrowserTools,
} from "../test/support/playerMedia";
import { startPlaybackServer } from "../test/support/playerServer";
import { Figure, median } from "./figures";

const FIRST_FRAME_RUNS = 5;
const SCRIPT_GZIP_TARGET_KIB = 300;
const FIRST_FRAME_TARGET_MS = 1_500;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

function benchScriptSize(): Figure {
  const script = buildPlayer().find((file) => file.role === "script");
  if (!script) throw new Error("the player build has no script");
  const gzip = gzipSync(script.body, { level: 9 }).length;
  return {
    name: "player script size (Video.js, VHS, contrib-eme)",
    value: `${kib(script.body.length)} raw, ${kib(gzip)} gzip`,
    target: `≤ ${SCRIPT_GZIP_TARGET_KIB} KiB gzip`,
    ok: gzip / 1024 <= SCRIPT_GZIP_TARGET_KIB,
  };
}

/** Milliseconds from navigation to `loadeddata` (the first frame), each run in a fresh context. */
async function benchFirstFrame(): Promise<Figure> {
  const name = `player time to first frame, local HLS ladder (median of ${FIRST_FRAME_RUNS})`;
  const missing = missingBrowserTools();
  if (missing.length > 0) {
    return { name, value: `not measured: ${missing.join(", ")} missing (${INSTALL_COMMAND})` };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "player-bench-"));
  const server = await startPlaybackServer({ mediaRoot: dir, config: {} });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    await makePlayerMedia(dir, server.origin);
    const runs: number[] = [];
    for (let run = 0; run < FIRST_FRAME_RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      // Media events don't bubble, but a capturing listener on the document sees them.
      await page.addInitScript(() => {
        const global = globalThis as unknown as { firstFrameMs?: number };
        const target = globalThis as unknown as {
          document: { addEventListener(t: string, l: () => void, capture: boolean): void };
        };
        target.document.addEventListener(
          "loadeddata",
          () => (global.firstFrameMs ??= performance.now()),
          true,
        );
      });
      await page.goto(server.pageUrl(`?asset=${ASSETS.clear}`));
      const handle = await page.waitForFunction(
        () => (globalThis as unknown as { firstFrameMs?: number }).firstFrameMs,
        undefined,
        { timeout: 15_000 },
      );
      runs.push(Number(await handle.jsonValue()));
      await context.close();
    }
    const ms = median(runs);
    return {
      name,
      value: `${Math.round(ms)} ms`,
      target: `≤ ${FIRST_FRAME_TARGET_MS} ms`,
      ok: ms <= FIRST_FRAME_TARGET_MS,
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The player's figures: script size, then time to first frame. */
export async function benchPlayer(): Promise<Figure[]> {
  return [benchScriptSize(), await benchFirstFrame()];
}
