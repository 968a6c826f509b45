// @ts-check
/**
 * What `pulumi preview` and `pulumi up` run (package.json's `main`; Pulumi.yaml turns the
 * language host's TypeScript support off). It bundles `index.ts` and the project modules
 * it imports into one CommonJS file with esbuild, packages left to load from
 * node_modules as usual, and runs that file.
 *
 * Why not the language host's ts-node: it loads the TypeScript compiler and compiles
 * each module apart, about a second of a cold CI runner's deploy; esbuild bundles the
 * whole program in a few tens of milliseconds. Types are checked by `npm test`
 * (`tsc --noEmit`) before anything merges, not at deploy time.
 *
 * The bundle is written to `node_modules/.cache/vod-multidrm/program/`, named by its
 * content, with an inline source map: Pulumi records where each resource is declared
 * from stack traces, and the map keeps those, and error stacks, on the `.ts` sources.
 */
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/** Where program bundles are written: inside the project, so its packages resolve from there. */
const PROGRAM_FOLDER = path.join(__dirname, "node_modules", ".cache", "vod-multidrm", "program");
/** Bundles of earlier edits are deleted once unused this long (a long `up` still maps its stacks). */
const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000;

/** @type {import("esbuild").BuildOptions & { write: false }} */
const PROGRAM_BUILD = {
  entryPoints: [path.join(__dirname, "index.ts")],
  absWorkingDir: __dirname,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node22",
  format: "cjs",
  sourcemap: "inline",
  // The map points at the sources on disk: no need to carry them.
  sourcesContent: false,
  // Only names the map's folder: the bundle is written below under a name of its own.
  outfile: path.join(PROGRAM_FOLDER, "program.js"),
  write: false,
  logLevel: "silent",
};

/**
 * Bundles the program and returns the bundle's path. A TypeScript syntax error fails here,
 * naming the file and line; type errors are `npm test`'s to report.
 */
async function buildProgram() {
  const esbuild = require("esbuild");
  let code;
  try {
    const result = await esbuild.build(PROGRAM_BUILD);
    code = result.outputFiles[0].contents;
  } catch (error) {
    throw runError(`Bundling the program failed: ${describe(error)}`);
  } finally {
    // The program starts esbuild again for the Lambda bundles, and stops it when they are built.
    await esbuild.stop();
  }
  const name = `program-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.js`;
  const file = path.join(PROGRAM_FOLDER, name);
  try {
    fs.mkdirSync(PROGRAM_FOLDER, { recursive: true });
    if (fs.existsSync(file)) {
      // In use again: keep it from being pruned.
      const now = new Date();
      fs.utimesSync(file, now, now);
    } else {
      // Written whole and renamed, so a concurrent deploy never loads half a file.
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, code);
      fs.renameSync(temporary, file);
    }
  } catch (error) {
    throw runError(
      `Deploying needs a writable node_modules/.cache/vod-multidrm/ in the project: ${describe(error)}`,
    );
  }
  pruneExcept(name);
  return file;
}

/**
 * Deletes the bundles of earlier edits that no deploy has used for a day.
 * @param {string} current
 */
function pruneExcept(current) {
  const cutoff = Date.now() - PRUNE_AFTER_MS;
  for (const entry of fs.readdirSync(PROGRAM_FOLDER)) {
    if (entry === current || !entry.startsWith("program-")) continue;
    const file = path.join(PROGRAM_FOLDER, entry);
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // Removed by a concurrent deploy.
    }
  }
}

/**
 * An error the language host reports by its message alone, without a stack trace.
 * @param {string} message
 */
function runError(message) {
  const { RunError } = require("@pulumi/pulumi");
  return withoutStack(new RunError(message));
}

/**
 * Makes a `RunError`'s stack its message. The host never shows that stack, but still
 * formats it with `util.inspect` for its telemetry, and Node 22's inspect loops,
 * allocating gigabytes for seconds, on frames such as `node_modules/@pulumi/resource.ts`,
 * where the SDK's own source maps place its code. An error made after an `await` has
 * such frames.
 * @param {import("@pulumi/pulumi").RunError} error
 */
function withoutStack(error) {
  error.stack = `RunError: ${error.message}`;
  return error;
}

/** @param {unknown} error */
function describe(error) {
  const errors = /** @type {{ errors?: import("esbuild").Message[] }} */ (error).errors;
  if (!errors?.length) return error instanceof Error ? error.message : String(error);
  return errors
    .map(({ text, location }) =>
      location ? `${location.file}:${location.line}:${location.column + 1}: ${text}` : text,
    )
    .join("\n");
}

/**
 * The language host calls an exported function and awaits it, inside the stack, and takes
 * what it returns as the stack's outputs: here, the program's exports.
 */
module.exports = async () => {
  const file = await buildProgram();
  try {
    return require(file);
  } catch (error) {
    // A stack configuration error, say.
    if (require("@pulumi/pulumi").RunError.isInstance(error)) withoutStack(error);
    throw error;
  }
};
module.exports.buildProgram = buildProgram;
