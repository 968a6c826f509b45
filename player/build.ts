/**
 * Builds the player page: its HTML, one script and one stylesheet bundled with
 * esbuild from `src/main.ts` (Video.js, videojs-contrib-eme and Video.js's CSS
 * included, nothing loaded from elsewhere), and the icon font Video.js's CSS would
 * otherwise inline as a data: URL. The deployment and the browser tests both use
 * this, so what is tested is what is deployed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BuildOptions, buildSync, OutputFile } from "esbuild";
import { build, ROOT } from "../bundling/bundles";

/** One file of the page, with the headers S3 should serve it with. */
export interface PlayerFile {
  /** Path relative to the page's folder: `index.html`, `player.<hash>.js`, … */
  readonly path: string;
  /** A stable name for the file's role, for resource names: `page`, `script`, `stylesheet`, `font`. */
  readonly role: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly body: Buffer;
}

/**
 * The page and its settings file change with each deploy, so they are revalidated
 * within a minute. Everything else is named by its content's hash and never changes.
 */
export const PAGE_CACHE_CONTROL = "public, max-age=60";
export const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The page's HTML template. */
const TEMPLATE = path.join(ROOT, "player", "index.html");
/** Video.js's icon font, inlined in its CSS as the only data: URL. */
const DATA_FONT =
  /url\(\s*["']?data:application\/font-woff;charset=utf-8;base64,([A-Za-z0-9+/=]+)["']?\s*\)/g;

/** The page's script and stylesheet, bundled by esbuild. Entry points are relative to the project root. */
export const PLAYER_BUILD: BuildOptions = {
  entryPoints: { player: path.join("player", "src", "main.ts") },
  bundle: true,
  outdir: "out",
  platform: "browser",
  format: "iife",
  // The browsers that have MSE/EME with the APIs the page uses (fetch, async, URL).
  target: ["chrome100", "edge100", "firefox100", "safari15"],
  minify: true,
  legalComments: "eof",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".css": "css" },
  logLevel: "silent",
};

let built: PlayerFile[] | undefined;

/** The page's files, built once per process: the deployment and the tests share them. */
export function buildPlayer(): PlayerFile[] {
  built ??= filesFrom(build(PLAYER_BUILD));
  return built;
}

/**
 * Bundles the page afresh, past the per-process build: what shows the build is
 * deterministic (unchanged sources give byte-identical files with the same names, so an
 * unchanged page is no diff).
 */
export function bundlePlayer(): PlayerFile[] {
  return filesFrom(buildSync({ absWorkingDir: ROOT, ...PLAYER_BUILD, write: false }).outputFiles);
}

/** The page's files from esbuild's outputs: the font moved out of the CSS, names hashed. */
function filesFrom(outputs: readonly OutputFile[]): PlayerFile[] {
  const output = (extension: string) => {
    const file = outputs.find((f) => f.path.endsWith(extension));
    if (!file) throw new Error(`the player build produced no ${extension} file`);
    return file.text;
  };

  const fonts: PlayerFile[] = [];
  const css = output(".css").replace(DATA_FONT, (_match, base64: string) => {
    const font = hashed("font", "videojs", ".woff", "font/woff", Buffer.from(base64, "base64"));
    fonts.push(font);
    return `url(${font.path})`;
  });
  const script = hashed("script", "player", ".js", "text/javascript; charset=utf-8", output(".js"));
  const stylesheet = hashed("stylesheet", "player", ".css", "text/css; charset=utf-8", css);
  const html = readFileSync(TEMPLATE, "utf8")
    .replace("{{script}}", script.path)
    .replace("{{stylesheet}}", stylesheet.path);
  const page: PlayerFile = {
    path: "index.html",
    role: "page",
    contentType: "text/html; charset=utf-8",
    cacheControl: PAGE_CACHE_CONTROL,
    body: Buffer.from(html),
  };
  return [page, script, stylesheet, ...fonts];
}

/** A file named `<name>.<hash><extension>` with the long-lived cache header. */
function hashed(
  role: string,
  name: string,
  extension: string,
  contentType: string,
  content: string | Buffer,
): PlayerFile {
  const body = Buffer.from(content);
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return {
    path: `${name}.${hash}${extension}`,
    role,
    contentType,
    cacheControl: ASSET_CACHE_CONTROL,
    body,
  };
}
