/**
 * `npm start`: the local preview. Stands the stack up on this machine (./preview.ts),
 * watches a folder for videos, and prints a line per service and per step of each
 * upload, with the page to open. Ctrl-C stops everything it started.
 *
 *   npm start -- [--stack dev] [--drm] [--watch ./watch] [--port 8443] [--quiet]
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DEV_USER, startPreview } from "./preview";
import { functionLogLine, progressLine } from "./progressLines";
import { watchFolder } from "./watchFolder";

const USAGE = `Usage: npm start -- [options]

Runs the stack's pipeline on this machine, with no AWS account: drop a video into the
watch folder and open the page it prints.

Options:
  --stack <name>   the stack's settings, Pulumi.<name>.yaml (default: dev)
  --drm            turns on VOD DRM and license tokens (ClearKey stands in for the DRMs)
  --watch <dir>    the watch folder (default: ./watch)
  --port <n>       the playback domain's port on 127.0.0.1 (default: 8443; 0 for any)
  --data <dir>     where the buckets and the functions' code are kept (default: ./.local)
  --quiet          leaves out the functions' own log lines
  -h, --help       prints this help`;

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      drm: { type: "boolean", default: false },
      watch: { type: "string", default: "watch" },
      port: { type: "string", default: "8443" },
      data: { type: "string", default: ".local" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (flags.help) return console.log(USAGE);
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number, not ${flags.port}`);
  }

  // ffmpeg runs the jobs, openssl makes the playback domain's certificate.
  const missing = [
    ["ffmpeg", "-version"],
    ["openssl", "version"],
  ].flatMap(([tool, flag]) =>
    spawnSync(tool, [flag], { stdio: "ignore" }).status === 0 ? [] : [tool],
  );
  if (missing.length > 0) {
    throw new Error(
      `needs ${missing.join(" and ")}: install with \`apt-get install -y ${missing.join(" ")}\` (or your system's packages)`,
    );
  }

  const started = Date.now();
  const preview = await startPreview({
    stack: flags.stack!,
    drm: flags.drm!,
    port,
    folder: flags.data!,
    log: console.log,
    functionLog: flags.quiet
      ? undefined
      : (fn, line) => {
          const shown = functionLogLine(fn, line);
          if (shown) console.log(shown);
        },
  });
  const { stack } = preview;
  console.log(`Local preview of stack ${flags.stack}${flags.drm ? " with DRM" : ""}:`);
  console.log(
    `  S3            buckets ${stack.sourceBucket} (uploads), ${stack.outputBucket} (outputs)`,
  );
  console.log(`  DynamoDB      table ${stack.idempotencyTable.name} (dynalite)`);
  for (const fn of Object.values(stack.functions)) {
    if (!fn) continue;
    console.log(
      `  Lambda        ${fn.functionName}: ${fn.timeoutSeconds} s timeout, ${fn.memoryMb} MB, the deployed bundle`,
    );
  }
  console.log(`  MediaConvert  stand-in running the job settings with ffmpeg`);
  if (stack.functions.convert?.environment.SPEKE_URL) {
    console.log(
      `  SPEKE         key server stand-in; licenses as ClearKey from a PallyCon stand-in`,
    );
  }
  if (stack.tokenApi)
    console.log(
      `  Tokens        the token service behind a local identity provider; ${DEV_USER} is signed in`,
    );
  console.log(
    `  Playback      ${preview.playbackOrigin}/player/ (a self-signed certificate: accept it once)`,
  );
  for (const change of preview.changes) console.log(`  Setting       ${change}`);
  for (const missing of preview.notEmulated) console.log(`  Not emulated  ${missing}`);

  const watchPath = path.resolve(flags.watch!);
  // Encoding progress in quarters: a line each time an upload passes 25, 50, 75 %.
  const quarters = new Map<string, number>();
  preview.onUpload((event) => {
    if (event.kind === "progress") {
      const quarter = Math.floor(event.percent / 25);
      if (quarter === 0 || quarter >= 4 || quarters.get(event.key) === quarter) return;
      quarters.set(event.key, quarter);
    }
    console.log(progressLine(event, preview.pageUrl));
  });
  const watcher = watchFolder({
    folder: watchPath,
    s3: preview.s3,
    bucket: stack.sourceBucket,
    stateFile: path.join(path.resolve(flags.data!), "watch-state.json"),
    onUploaded: (key, bytes) => console.log(`${key}: uploaded (${(bytes / 1e6).toFixed(1)} MB)`),
    onFailed: (key, error) => console.log(`${key}: upload failed: ${error.message}`),
  });
  console.log(
    `Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Drop videos into ${path.relative(process.cwd(), watchPath) || "."}/ (Ctrl-C to stop).`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    await preview.close();
    console.log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: Error) => {
  // Config errors carry their list of problems; the rest, their message.
  const problems = (error as { problems?: string[] }).problems;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const inUse = code === "EADDRINUSE";
  // parseArgs names an unknown or malformed option with an ERR_PARSE_ARGS_* code.
  if (code.startsWith("ERR_PARSE_ARGS_")) {
    console.error(`npm start: ${error.message}\n\n${USAGE}`);
    process.exit(1);
  }
  console.error(
    problems
      ? `Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`
      : inUse
        ? `npm start: ${error.message}: another program has the port; choose one with --port`
        : `npm start: ${error.message}`,
  );
  process.exit(1);
});
