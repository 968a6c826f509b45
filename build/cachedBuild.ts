/**
 * esbuild builds for the deployment: run in esbuild's own process, so that bundling
 * overlaps with loading the SDKs and registering resources, and cached on disk, so
 * that an unchanged bundle is not built again.
 *
 * A cache entry is found by the build's key (esbuild's version and the build options)
 * and is used only if every file the build depended on still has the content it had:
 * each of the project's own inputs esbuild read (its metafile), the `package.json` and
 * `tsconfig.json` files that steer how those inputs resolve and compile, the listing of
 * each input's folder (a new file can change what an import resolves to), and npm's
 * record of the installed packages. Contents are compared by SHA-256, never by
 * modification time, so an edited source always rebuilds. Installed packages (inputs
 * under `node_modules/`, most of a handler's thousand inputs) are vouched for by npm's
 * record alone, which names each package's version and integrity and is rewritten by
 * every install, as webpack treats its managed paths: a file edited by hand inside
 * `node_modules/` needs the cache deleted. What the cache cannot vouch for (an input
 * outside the project or in a namespace, an input edited while the build ran) is
 * simply not stored.
 *
 * The cache lives in `node_modules/.cache/vod-multidrm/`: delete it at will, set
 * `VOD_BUILD_CACHE=off` to build every time, or `VOD_BUILD_CACHE=<folder>` to move it.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import type { BuildOptions, BuildResult, Metafile } from "esbuild";

/**
 * The project's root, the folder holding `Pulumi.yaml`: the default working folder of a
 * build. Looked for upwards from this module's folder, which is `build/` when the sources
 * run as they are (tests, the plan) and the cache folder when `pulumi up` runs the
 * program's bundle (`main.js`).
 */
export const ROOT = projectRoot(__dirname);

function projectRoot(from: string): string {
  for (let folder = from; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, "Pulumi.yaml"))) return folder;
    if (path.dirname(folder) === folder) {
      throw new Error(`No Pulumi.yaml in ${from} or any folder above it`);
    }
  }
}

/**
 * What a cached build takes: esbuild's options for an in-memory build, without plugins
 * (the cache could not see what they read). `absWorkingDir` defaults to {@link ROOT}.
 */
export type CachedBuildOptions = Omit<BuildOptions, "write" | "plugins" | "metafile">;

/** One output file, as esbuild's `outputFiles` gives it. */
export interface BuiltFile {
  /** Absolute, as esbuild reports it. */
  readonly path: string;
  readonly contents: Uint8Array;
  readonly text: string;
}

/** What is stored for one build key. */
interface CacheEntry {
  readonly key: string;
  /** SHA-256 of each file the build depended on ("" for one that must stay absent). */
  readonly files: Record<string, string>;
  /** SHA-256 of the sorted listing of each folder holding an input. */
  readonly folders: Record<string, string>;
  readonly outputs: { readonly path: string; readonly base64: string }[];
}

/** Bump when {@link CacheEntry} or what goes into a key changes. */
const ENTRY_FORMAT = 2;
/** npm rewrites this on every install: a changed package set invalidates every entry. */
const NPM_INSTALL_RECORD = path.join("node_modules", ".package-lock.json");
/** Files that change how esbuild resolves and compiles the inputs of their folder and below. */
const STEERING_FILES = ["package.json", "tsconfig.json", "jsconfig.json"];
/**
 * An input modified this close to the build's start may have changed while esbuild read
 * it (some file systems keep modification times to the second): its build is not stored.
 */
const SETTLE_MS = 2_000;

/** The cache folder, or undefined when caching is off. */
export function cacheFolder(): string | undefined {
  const setting = process.env.VOD_BUILD_CACHE;
  if (setting === "off") return undefined;
  return setting
    ? path.resolve(setting)
    : path.join(ROOT, "node_modules", ".cache", "vod-multidrm");
}

/** esbuild, loaded on first use: a deployment whose builds are all cached never loads it. */
const esbuild = () => require("esbuild") as typeof import("esbuild");

/** The options esbuild runs with: in memory, with a metafile, from a known folder. */
function fullOptions(options: CachedBuildOptions) {
  return { absWorkingDir: ROOT, ...options, write: false, metafile: true } as const;
}

let esbuildVersion: string | undefined;

/** A build's cache key: esbuild's version and every option, so any change is a new key. */
export function buildKey(options: CachedBuildOptions): string {
  esbuildVersion ??= (
    JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const identity = JSON.stringify([ENTRY_FORMAT, esbuildVersion, fullOptions(options)]);
  return sha256(identity);
}

/** The SHA-256 of `data`, in hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Writes a file whole (its folder made if need be): written beside it and renamed, so a
 * concurrent reader sees the whole file or none.
 */
export function writeWhole(file: string, contents: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/**
 * Hashes taken while looking builds up, by absolute path. Bundles share most of their
 * inputs (the AWS SDK), and the builds a program starts together are looked up in one
 * go, so each shared file is read once. Forgotten as soon as that synchronous run of
 * look-ups ends, so a long-lived process (a test run) never trusts a hash taken before
 * an edit.
 */
let lookUpHashes: Map<string, string> | undefined;
function remembered(file: string, hash: () => string): string {
  if (!lookUpHashes) {
    lookUpHashes = new Map();
    queueMicrotask(() => (lookUpHashes = undefined));
  }
  let known = lookUpHashes.get(file);
  if (known === undefined) {
    known = hash();
    lookUpHashes.set(file, known);
  }
  return known;
}

/** The SHA-256 of a file's content, or "" if there is no such file. */
function hashFile(file: string): string {
  try {
    return sha256(readFileSync(file));
  } catch {
    return "";
  }
}

/** The SHA-256 of a folder's sorted listing, or "" if there is no such folder. */
function hashFolder(folder: string): string {
  try {
    return sha256(readdirSync(folder).sort().join("\n"));
  } catch {
    return "";
  }
}

/**
 * esbuild's name for a module a package's `browser` field maps to `false`: built as an
 * empty module, so its content is not an input. What disables it is the importing
 * package's `package.json`, a steering file of the importer, which is an input.
 */
const DISABLED = "(disabled):";

/** Whether an input is a file of an installed package, which npm's install record stands for. */
const isPackageFile = (input: string) => input.split(/[\\/]/).includes("node_modules");

/**
 * The project's own inputs of a build, relative to its working folder: neither installed
 * packages nor modules esbuild disabled. Undefined when an input is outside the working
 * folder or in another namespace (`data:`), which the cache cannot hash.
 */
function projectInputs(metafile: Metafile): string[] | undefined {
  const inputs: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (input.startsWith(DISABLED)) continue;
    if (path.isAbsolute(input) || input.startsWith("..") || /^[(\w-]+[):]/.test(input)) {
      return undefined;
    }
    if (!isPackageFile(input)) inputs.push(input);
  }
  return inputs;
}

/**
 * The files and folders a build depended on, relative to its working folder: the
 * project's inputs, the folders holding them, the steering files from each of those
 * folders up to the working folder, and npm's install record for the packages.
 */
function dependencies(inputs: readonly string[]): { files: string[]; folders: string[] } {
  const files = new Set<string>([NPM_INSTALL_RECORD]);
  const folders = new Set<string>();
  const steered = new Set<string>();
  for (const input of inputs) {
    files.add(input);
    folders.add(path.dirname(input));
    for (let folder = path.dirname(input); !steered.has(folder); folder = path.dirname(folder)) {
      steered.add(folder);
      for (const name of STEERING_FILES) files.add(path.join(folder, name));
    }
  }
  return { files: [...files].sort(), folders: [...folders].sort() };
}

/** Where the entry for a key is stored. */
const entryPath = (folder: string, key: string) => path.join(folder, `${key}.json`);

/**
 * The outputs stored for a build, if every file and folder they depended on is
 * unchanged; otherwise undefined.
 */
export function lookUp(options: CachedBuildOptions): BuiltFile[] | undefined {
  const folder = cacheFolder();
  if (!folder) return undefined;
  const key = buildKey(options);
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(entryPath(folder, key), "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
  const base = fullOptions(options).absWorkingDir;
  if (entry.key !== key) return undefined;
  for (const [file, hash] of Object.entries(entry.files)) {
    const absolute = path.join(base, file);
    if (remembered(absolute, () => hashFile(absolute)) !== hash) return undefined;
  }
  for (const [name, hash] of Object.entries(entry.folders)) {
    const absolute = path.join(base, name);
    if (remembered(`${absolute}${path.sep}`, () => hashFolder(absolute)) !== hash) return undefined;
  }
  return entry.outputs.map((file) => builtFile(file.path, Buffer.from(file.base64, "base64")));
}

/**
 * Stores a build's outputs under its key, unless an input may have changed while it
 * ran. Written whole, so a concurrent reader sees a whole entry or none.
 */
function storeEntry(
  options: CachedBuildOptions,
  result: BuildResult<{ write: false; metafile: true }>,
  startedMs: number,
): void {
  const folder = cacheFolder();
  const inputs = projectInputs(result.metafile);
  if (!folder || !inputs) return;
  const base = fullOptions(options).absWorkingDir;
  for (const input of inputs) {
    if (statSync(path.join(base, input)).mtimeMs >= startedMs - SETTLE_MS) return;
  }
  const needed = dependencies(inputs);
  const entry: CacheEntry = {
    key: buildKey(options),
    files: Object.fromEntries(needed.files.map((file) => [file, hashFile(path.join(base, file))])),
    folders: Object.fromEntries(
      needed.folders.map((name) => [name, hashFolder(path.join(base, name))]),
    ),
    outputs: result.outputFiles.map((file) => ({
      path: file.path,
      base64: Buffer.from(file.contents).toString("base64"),
    })),
  };
  try {
    writeWhole(entryPath(folder, entry.key), JSON.stringify(entry));
  } catch {
    // A read-only checkout still deploys: it builds every time.
  }
}

function builtFile(file: string, contents: Uint8Array): BuiltFile {
  let text: string | undefined;
  return {
    path: file,
    contents,
    get text() {
      text ??= Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength).toString(
        "utf8",
      );
      return text;
    },
  };
}

/**
 * Builds under way, by key: every request for one of them shares it until it settles.
 * Forgotten then, so a later request (after an edit, in a long-lived process) looks again.
 */
const pending = new Map<string, Promise<BuiltFile[]>>();
/** Builds esbuild is running for this process. */
let running = 0;

/**
 * Starts a build now, in esbuild's own process (or from the cache), for the
 * {@link cachedBuild} calls with the same options to share: call it as early as the
 * program knows it needs the build. A started build nobody takes costs time, never an
 * error.
 */
export function startBuild(options: CachedBuildOptions): void {
  cachedBuild(options).catch(() => undefined);
}

/**
 * A build's outputs: the one under way with the same options, or a new one. Once no
 * build is running, esbuild's process is stopped (and reaped), so none outlives the
 * program and nothing keeps it from exiting; a later build starts it again.
 */
export function cachedBuild(options: CachedBuildOptions): Promise<BuiltFile[]> {
  const key = buildKey(options);
  let build = pending.get(key);
  if (!build) {
    build = runBuild(options);
    pending.set(key, build);
    const settled = () => pending.delete(key);
    build.then(settled, settled);
  }
  return build;
}

async function runBuild(options: CachedBuildOptions): Promise<BuiltFile[]> {
  return lookUp(options) ?? (await freshBuild(options, true));
}

/**
 * Builds in esbuild's own process, without looking in the cache (stored in it when
 * `store` is set): what a cache hit must equal, byte for byte.
 */
export async function freshBuild(options: CachedBuildOptions, store = false): Promise<BuiltFile[]> {
  const startedMs = Date.now();
  running++;
  try {
    const result = await withServiceProcess(() => esbuild().build(fullOptions(options)));
    if (store) storeEntry(options, result, startedMs);
    return result.outputFiles.map((file) => builtFile(file.path, file.contents));
  } finally {
    if (--running === 0) await stopService();
  }
}

/** esbuild's service process, once a build has started it. */
let service: ChildProcess | undefined;

/**
 * Go settings for esbuild's service process, which lives only for the builds under way
 * (see {@link freshBuild}). Settings already in the environment are kept.
 *
 * - The garbage collector is off, as esbuild's command line turns it off for a one-shot
 *   build, whose memory is given back when the process ends (its JavaScript API keeps it
 *   on, for a service that may live long). Collecting took about a fifth of the
 *   service's CPU time: a cold build of the handlers and the page on one thread takes
 *   about 0.41 s instead of 0.53 s, with a peak of about 200 MB instead of 170 MB.
 *   Should a build's heap near the memory limit, Go collects after all.
 * - It uses every core but one: the program's main thread, which loads the SDK and
 *   registers resources meanwhile, is a deployment's critical path, and esbuild's
 *   threads slowed it down. On two cores, a cold deployment of the dev stack takes about
 *   40 ms less so.
 *
 * Not for {@link cachedBuildSync}: esbuild keeps its synchronous service for the life
 * of the process.
 */
function esbuildGoEnvironment(): Record<string, string> {
  return {
    GOGC: "off",
    GOMEMLIMIT: "1GiB",
    GOMAXPROCS: String(Math.max(1, availableParallelism() - 1)),
  };
}

/**
 * Runs `start`, noting the process esbuild spawns for its service if it spawns one
 * (it does on the first build, and on the first after a stop), and starting that
 * process with {@link esbuildGoEnvironment}. esbuild does not expose the process, and
 * stopping must wait for it: see {@link stopService}.
 */
function withServiceProcess<T>(start: () => T): T {
  const childProcess = require("node:child_process") as typeof import("node:child_process");
  const spawn = childProcess.spawn;
  childProcess.spawn = ((command: string, args: readonly string[], options: SpawnOptions) => {
    service = spawn(command, args, {
      ...options,
      env: { ...esbuildGoEnvironment(), ...(options.env ?? process.env) },
    });
    return service;
  }) as typeof spawn;
  try {
    return start();
  } finally {
    childProcess.spawn = spawn;
  }
}

/**
 * Stops esbuild's service process and waits for it to exit. esbuild kills it, but has
 * it unref'd: a program that ends right after would leave it unreaped, a zombie under
 * an init that does not reap (as in many containers).
 */
async function stopService(): Promise<void> {
  const child = service;
  service = undefined;
  await esbuild().stop();
  if (child && child.exitCode === null && child.signalCode === null) {
    child.ref();
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

/**
 * The same build, synchronously and through the same cache, for tests and tools that
 * need the outputs at once. Deployments use {@link cachedBuild}.
 */
export function cachedBuildSync(options: CachedBuildOptions): BuiltFile[] {
  const cached = lookUp(options);
  if (cached) return cached;
  const startedMs = Date.now();
  const result = esbuild().buildSync(fullOptions(options));
  storeEntry(options, result, startedMs);
  return result.outputFiles.map((file) => builtFile(file.path, file.contents));
}
