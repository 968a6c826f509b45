/** Running a bundled function as Lambda does: a fresh Node process, its environment only. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** Runs node with arguments, without blocking this process's event loop. */
export async function runNode(args: string[], options: { env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
      ...options,
      encoding: "utf8",
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * A script for `node -e` that loads the bundled function as Lambda does and invokes it
 * once with `event` and a Lambda context with a minute left.
 */
export function invokeBundle(bundlePath: string, event: unknown): string {
  const context = `{ functionName: "vod-convert", awsRequestId: "r-" + process.pid, getRemainingTimeInMillis: () => deadline - Date.now() }`;
  return [
    `const deadline = Date.now() + 60000;`,
    `require(${JSON.stringify(bundlePath)}).handler(${JSON.stringify(event)}, ${context})`,
    `.then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })`,
  ].join("\n");
}
