import { spawnSync } from "node:child_process";

/** One benchmark figure, printed as a row. */
export interface Figure {
  readonly name: string;
  readonly value: string;
  readonly target?: string;
  readonly ok?: boolean;
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Wall time of a command in a fresh process, in milliseconds; throws if it fails.
 * `env` is added to this process's environment.
 */
export function timeCommand(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return elapsed;
}

/** Prints figures as an aligned table, with a verdict against each target. */
export function printFigures(figures: Figure[]): void {
  const width = Math.max(...figures.map((f) => f.name.length));
  for (const { name, value, target, ok } of figures) {
    const verdict = target === undefined ? "" : `  (target ${target}: ${ok ? "met" : "MISSED"})`;
    console.log(`${name.padEnd(width)}  ${value}${verdict}`);
  }
}
