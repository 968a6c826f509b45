/**
 * Runs the program as `pulumi preview` and `pulumi up` do, in a fresh process.
 *
 * The Pulumi CLI's Node.js language host runs `node <nodeargs> @pulumi/pulumi/cmd/run`,
 * with `PULUMI_NODEJS_TYPESCRIPT` and `PULUMI_NODEJS_TSCONFIG_PATH` set from Pulumi.yaml's
 * `runtime.options` and the stack's config in `PULUMI_CONFIG`; `cmd/run` then registers
 * ts-node (transpile-only when tsconfig.json says `noCheck`) and loads the program that
 * package.json's `main` names. Here the same entry point runs with the same environment,
 * against Pulumi's mock monitor instead of the engine. The process reports what the
 * engine would have received: each resource's type and name, and the stack's outputs.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { readPlanConfig } from "../../plan/stackConfig";

/** Pulumi.yaml's `runtime.options` that the language host turns into node args and env. */
interface RuntimeOptions {
  readonly typescript?: boolean;
  readonly tsconfig?: string;
  readonly nodeargs?: string;
}

/** What the engine received from one run. */
export interface HostReport {
  readonly resources: { readonly type: string; readonly name: string }[];
  /** The stack's output names. */
  readonly outputs: string[];
}

export interface HostRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly report?: HostReport;
  /** Wall time of the whole process, in milliseconds. */
  readonly ms: number;
}

/**
 * Loads `cmd/run` as the language host's node process does, with a mock monitor that
 * answers with the inputs, an id and an ARN: enough for the program to run to the end.
 * Registrations are recorded as they reach the monitor, and written to `HOST_REPORT`.
 */
const HOST = `
const root = process.cwd();
const fromRoot = (id) => require(require.resolve(id, { paths: [root] }));
const run = require.resolve("@pulumi/pulumi/cmd/run", { paths: [root] });
const [project, stack] = [process.env.HOST_PROJECT, process.env.HOST_STACK];
process.argv = [process.argv[0], run, "--monitor=mock", "--project=" + project, "--stack=" + stack, "--pwd=" + root, "."];
require(run);
const pulumi = fromRoot("@pulumi/pulumi");
pulumi.runtime.setMocks({
  newResource: ({ type, name, inputs }) => ({
    id: name + "-id",
    state: { ...inputs, name: inputs.name ?? name, arn: "arn:aws:" + type.split(":")[1] + ":us-east-1:123456789012:" + name },
  }),
  call: () => ({ accountId: "123456789012", region: "us-east-1", name: "us-east-1", partition: "aws", dnsSuffix: "amazonaws.com" }),
}, project, stack, true);
const monitor = fromRoot("@pulumi/pulumi/runtime/settings").getMonitor();
// The engine answers this at the end of a run; the mock monitor does not implement it.
monitor.signalAndWaitForShutdown = (_request, done) => done(null, {});
const report = { resources: [], outputs: [] };
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (request, done) => {
  report.resources.push({ type: request.getType(), name: request.getName() });
  return registerResource(request, done);
};
const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
monitor.registerResourceOutputs = (request, done) => {
  if (request.getUrn().includes("::pulumi:pulumi:Stack::")) {
    report.outputs = Object.keys(request.getOutputs()?.toJavaScript() ?? {});
  }
  return registerOutputs(request, done);
};
process.on("exit", () => require("fs").writeFileSync(process.env.HOST_REPORT, JSON.stringify(report)));
`;

/**
 * Runs the project at `root` for `stack` under the language host's entry point, in a
 * fresh process with an empty temporary folder (cold, as on a CI runner). `stackFile` is
 * the stack's settings file, if not `Pulumi.<stack>.yaml` in `root`.
 */
export async function runUnderLanguageHost(
  root: string,
  stack: string,
  stackFile?: string,
): Promise<HostRun> {
  const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    runtime: { options?: RuntimeOptions };
  };
  const options = project.runtime.options ?? {};
  const config = readPlanConfig(root, stack, stackFile);
  const nodeArgs = options.nodeargs?.split(/\s+/).filter(Boolean) ?? [];
  const temp = mkdtempSync(path.join(tmpdir(), "language-host-"));
  const reportFile = path.join(temp, "report.json");
  try {
    const started = process.hrtime.bigint();
    const { status, stderr } = await new Promise<{ status: number | null; stderr: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          [...nodeArgs, "-e", HOST],
          {
            cwd: root,
            encoding: "utf8",
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              TMPDIR: temp,
              PULUMI_CONFIG: JSON.stringify(config.values),
              PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(config.secretKeys),
              ...(options.typescript !== false && { PULUMI_NODEJS_TYPESCRIPT: "true" }),
              ...(options.tsconfig && { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig }),
              HOST_PROJECT: config.project,
              HOST_STACK: config.stack,
              HOST_REPORT: reportFile,
            },
          },
          (_error, _stdout, stderr) => resolve({ status: child.exitCode, stderr }),
        );
      },
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    let report: HostReport | undefined;
    try {
      report = JSON.parse(readFileSync(reportFile, "utf8")) as HostReport;
    } catch {
      // The process failed before it could write one.
    }
    return { status, stderr, report, ms };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
