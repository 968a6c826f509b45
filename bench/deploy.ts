/**
 * The deploy path: how long `pulumi preview` and `pulumi up` take to load and run the
 * program, compared with a process that only imports the SDKs it is built on.
 *
 * The Pulumi CLI's Node.js language host runs `node <nodeargs> @pulumi/pulumi/cmd/run`,
 * with `PULUMI_NODEJS_TYPESCRIPT` and `PULUMI_NODEJS_TSCONFIG_PATH` set from Pulumi.yaml's
 * `runtime.options`, and the stack's config in `PULUMI_CONFIG`. `cmd/run` then registers
 * ts-node (type-checking unless the tsconfig says `noCheck`) and requires the program.
 * Here the same entry point runs with the same environment, against Pulumi's mock
 * monitor instead of the engine, in a fresh process with an empty temporary directory:
 * ts-node's cache lives there, so every run is as cold as on a CI runner. The target is
 * for a CI runner's first deploy, with an empty build cache too (the bundles are built
 * while the program loads); a developer's deploy, with the bundles cached, is shown
 * beside it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { readPlanConfig } from "../plan/stackConfig";
import { Figure, median } from "./figures";

const RUNS = 5;
const TARGET_RATIO = 3;

/** Pulumi.yaml's `runtime.options` that the language host turns into node args and env. */
interface RuntimeOptions {
  readonly typescript?: boolean;
  readonly tsconfig?: string;
  readonly nodeargs?: string;
}

/**
 * Runs `@pulumi/pulumi/cmd/run` as the language host does, with a mock monitor. The
 * mocks return the inputs, an id and an ARN: enough for the program to run to the end.
 */
const HOST = `
const root = process.cwd();
const run = require.resolve("@pulumi/pulumi/cmd/run", { paths: [root] });
const [project, stack] = [process.env.BENCH_PROJECT, process.env.BENCH_STACK];
process.argv = [process.argv[0], run, "--monitor=mock", "--project=" + project, "--stack=" + stack, "--pwd=" + root, "."];
require(run);
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [root] }));
pulumi.runtime.setMocks({
  newResource: ({ type, name, inputs }) => ({
    id: name + "-id",
    state: { ...inputs, name: inputs.name ?? name, arn: "arn:aws:" + type.split(":")[1] + ":us-east-1:123456789012:" + name },
  }),
  call: () => ({ accountId: "123456789012", region: "us-east-1", name: "us-east-1", partition: "aws", dnsSuffix: "amazonaws.com" }),
}, project, stack, true);
// The engine answers this at the end of a run; the mock monitor does not implement it.
require(require.resolve("@pulumi/pulumi/runtime/settings", { paths: [root] })).getMonitor().signalAndWaitForShutdown = (_request, done) => done(null, {});
`;

/**
 * Wall time of `node <args>` in a fresh process with a fresh temporary directory, and
 * with an empty build cache in it if `emptyBuildCache`.
 */
function timeNode(
  root: string,
  args: string[],
  env: Record<string, string>,
  emptyBuildCache = false,
): number {
  const temp = mkdtempSync(path.join(tmpdir(), "deploy-bench-"));
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, {
      cwd: root,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: temp,
        ...(emptyBuildCache && { VOD_BUILD_CACHE: path.join(temp, "build-cache") }),
        ...env,
      },
    });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
      throw new Error(`node ${args.slice(0, 2).join(" ")} failed: ${result.stderr}`);
    }
    return elapsed;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * The program's cold load under the language host, against importing `@pulumi/pulumi`
 * and `@pulumi/aws` alone: median wall time of fresh processes, run alternately.
 */
export function benchDeploy(root: string): Figure[] {
  const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    runtime: { options?: RuntimeOptions };
  };
  const options = project.runtime.options ?? {};
  const config = readPlanConfig(root, "dev");
  const hostEnv: Record<string, string> = {
    PULUMI_CONFIG: JSON.stringify(config.values),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(config.secretKeys),
    BENCH_PROJECT: config.project,
    BENCH_STACK: config.stack,
    ...(options.typescript !== false && { PULUMI_NODEJS_TYPESCRIPT: "true" }),
    ...(options.tsconfig && { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig }),
  };
  const nodeArgs = options.nodeargs?.split(/\s+/).filter(Boolean) ?? [];

  const cold: number[] = [];
  const warm: number[] = [];
  const sdk: number[] = [];
  // Fills the project's build cache for the warm runs; not timed.
  timeNode(root, [...nodeArgs, "-e", HOST], hostEnv);
  for (let run = 0; run < RUNS; run++) {
    sdk.push(timeNode(root, ["-e", 'require("@pulumi/pulumi"); require("@pulumi/aws");'], {}));
    cold.push(timeNode(root, [...nodeArgs, "-e", HOST], hostEnv, true));
    warm.push(timeNode(root, [...nodeArgs, "-e", HOST], hostEnv));
  }
  const sdkMs = median(sdk);
  const [coldMs, warmMs] = [median(cold), median(warm)];
  const setting = options.tsconfig ? `tsconfig ${options.tsconfig}` : "ts-node defaults";
  const figure = (ms: number) =>
    `${(ms / sdkMs).toFixed(2)}× (${Math.round(ms)} ms vs ${Math.round(sdkMs)} ms, fresh processes, median of ${RUNS})`;
  return [
    {
      name: `deploy: cold program load as the language host runs it (${setting}, empty build cache) vs importing the SDKs`,
      value: figure(coldMs),
      target: `≤ ${TARGET_RATIO}×`,
      ok: coldMs / sdkMs <= TARGET_RATIO,
    },
    {
      name: "deploy: the same with the bundles in the build cache",
      value: figure(warmMs),
    },
  ];
}
