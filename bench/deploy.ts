/**
 * The deploy path: how long `pulumi preview` and `pulumi up` take to load and run the
 * program for the dev stack, before the engine's own work.
 *
 * The program runs as the language host runs it (see test/support/languageHost.ts): ts-node
 * on `index.ts`, the Lambda handlers and the player bundled on the way, in a fresh process
 * with an empty temporary folder (ts-node's cache included), as cold as on a CI runner.
 */
import { runUnderLanguageHost } from "../test/support/languageHost";
import { Figure, median } from "./figures";

const RUNS = 5;

/** Median wall time of fresh processes; throws if a run fails. */
export async function benchDeploy(root: string): Promise<Figure[]> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { status, stderr, ms } = await runUnderLanguageHost(root, "dev");
    if (status !== 0) throw new Error(`the program failed under the language host: ${stderr}`);
    times.push(ms);
  }
  return [
    {
      name: `deploy: cold program load as the language host runs it, dev stack (median of ${RUNS})`,
      value: `${Math.round(median(times))} ms`,
    },
  ];
}
