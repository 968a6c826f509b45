/**
 * `npm run plan` as a user runs it, each in a fresh process. A plan loads the SDKs and
 * runs the whole program, seconds of work, and many tests read the same one: so each
 * command line runs once per test process, its result shared by every test (and file)
 * that asks for it, and runs start side by side, one per core.
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** How a plan ended: its exit status and what it printed. */
export interface PlanRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const runs = new Map<string, Promise<PlanRun>>();
let running = 0;
const waiting: Array<() => void> = [];

/**
 * The plan for a command line (`plan("--stack", "dev", "--json")`), run on the first
 * call; later calls with the same arguments, in the same order, share that run.
 */
export function plan(...args: string[]): Promise<PlanRun> {
  const key = JSON.stringify(args);
  let run = runs.get(key);
  if (!run) {
    run = inTurn(() => spawnPlan(args));
    runs.set(key, run);
  }
  return run;
}

/** Runs `task` once fewer plans than cores are running. */
async function inTurn<T>(task: () => Promise<T>): Promise<T> {
  if (running >= availableParallelism()) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function spawnPlan(args: string[]): Promise<PlanRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "./scripts/register-typescript.js", "plan/cli.ts", ...args],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({
        status,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
}
