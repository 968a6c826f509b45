/**
 * A Lambda-like runner for the functions the stack declares: each warm container is a
 * Node process (./container.js) that loads the same `index.js` `pulumi up` ships, with
 * the function's environment and nothing else, and runs one invocation at a time. A
 * busy function gets another container; an invocation past the function's timeout
 * kills its container, as Lambda does. Asynchronous events (S3, EventBridge) are
 * retried as the function's invoke config says, then dead-lettered.
 *
 * Lambda's memory setting caps the process's heap here (`--max-old-space-size`): the
 * nearest Node option, not Lambda's CPU share.
 */
import { ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { bundleFunction } from "../../functions/bundle";
import { ROOT } from "../../bundling/bundles";
import type { DeclaredFunction } from "../stack";

/** What an invocation ended with: the handler's result, or Lambda's error fields. */
export type InvokeOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

export interface LocalFunction {
  readonly declared: DeclaredFunction;
  /** A synchronous invocation (API Gateway's). */
  invoke(event: unknown): Promise<InvokeOutcome>;
  /**
   * An asynchronous invocation (S3's, EventBridge's): retried after a failure, then
   * handed to `onDeadLetter`. Resolves once it succeeded or was dead-lettered.
   */
  invokeAsync(event: unknown): Promise<InvokeOutcome>;
  /** Containers started so far (cold starts). */
  readonly coldStarts: number;
  close(): Promise<void>;
}

export interface FunctionRunnerOptions {
  readonly declared: DeclaredFunction;
  /** The function's code, as its archive unpacks: `index.js` and the files beside it. */
  readonly codeFolder: string;
  /** Variables besides the function's own: endpoints, region, credentials. */
  readonly runtimeEnvironment: Readonly<Record<string, string>>;
  /** Each line the function logs. */
  readonly log: (line: string) => void;
  /** Where an event goes after its last failed attempt. */
  readonly onDeadLetter: (event: unknown, outcome: InvokeOutcome) => void;
  /**
   * The wait before retry `attempt` (1-based). Lambda waits about a minute, then two;
   * @default one second, then two: the same order, at a pace one can watch
   */
  readonly retryDelayMs?: (attempt: number) => number;
}

const CONTAINER = path.join(__dirname, "container.js");

/** Writes a function's code folder from its bundle, as its archive would unpack. */
export function writeCodeFolder(declared: DeclaredFunction, folder: string): string {
  const bundle = bundleFunction(declared.name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  copyFileSync(path.join(ROOT, bundle.indexFile), path.join(folder, "index.js"));
  for (const [name, file] of Object.entries(bundle.files))
    copyFileSync(file, path.join(folder, name));
  return folder;
}

interface Container {
  readonly child: ChildProcess;
  busy: boolean;
  /** Settles the invocation in flight when the process dies under it. */
  fail?: (outcome: InvokeOutcome) => void;
}

export function startFunction(options: FunctionRunnerOptions): LocalFunction {
  const { declared } = options;
  const containers: Container[] = [];
  let coldStarts = 0;
  let closed = false;
  const delay = options.retryDelayMs ?? ((attempt: number) => attempt * 1000);

  function startContainer(): Container {
    coldStarts++;
    const child = fork(CONTAINER, [options.codeFolder, declared.handler], {
      cwd: options.codeFolder,
      env: {
        ...declared.environment,
        ...options.runtimeEnvironment,
        AWS_LAMBDA_FUNCTION_NAME: declared.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(declared.memoryMb),
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(declared.timeoutSeconds),
        _HANDLER: declared.handler,
        LAMBDA_TASK_ROOT: options.codeFolder,
        PATH: process.env.PATH ?? "",
      },
      execArgv: [`--max-old-space-size=${declared.memoryMb}`],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const container: Container = { child, busy: false };
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => options.log(line));
    }
    child.on("exit", (code, signal) => {
      retire(container);
      container.fail?.({
        ok: false,
        errorType: "Runtime.ExitError",
        errorMessage: `RequestId: the runtime exited (${signal ?? `code ${code}`})`,
      });
    });
    containers.push(container);
    return container;
  }

  /** Takes a container out of service: no invocation is sent to it again. */
  function retire(container: Container): void {
    const index = containers.indexOf(container);
    if (index >= 0) containers.splice(index, 1);
  }

  function invoke(event: unknown): Promise<InvokeOutcome> {
    if (closed) return Promise.resolve({ ok: false, errorType: "Closed", errorMessage: "closed" });
    const container = containers.find((c) => !c.busy) ?? startContainer();
    container.busy = true;
    const id = randomUUID();
    const timeoutMs = declared.timeoutSeconds * 1000;
    return new Promise<InvokeOutcome>((resolve) => {
      const settle = (outcome: InvokeOutcome) => {
        clearTimeout(timer);
        container.child.off("message", onMessage);
        container.fail = undefined;
        container.busy = false;
        resolve(outcome);
      };
      const onMessage = (message: { id: string; result?: unknown; error?: any }) => {
        if (message.id !== id) return;
        settle(
          message.error ? { ok: false, ...message.error } : { ok: true, result: message.result },
        );
      };
      // Lambda stops the container at the timeout; the next event gets a fresh one.
      const timer = setTimeout(() => {
        retire(container);
        settle({
          ok: false,
          errorType: "Sandbox.Timedout",
          errorMessage: `Task timed out after ${declared.timeoutSeconds.toFixed(2)} seconds`,
        });
        container.child.kill("SIGKILL");
      }, timeoutMs);
      container.fail = settle;
      container.child.on("message", onMessage);
      container.child.send({ id, event, deadline: Date.now() + timeoutMs, requestId: id });
    });
  }

  async function invokeAsync(event: unknown): Promise<InvokeOutcome> {
    let outcome = await invoke(event);
    for (let attempt = 1; !outcome.ok && !closed && attempt <= declared.retryAttempts; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, delay(attempt)));
      outcome = await invoke(event);
    }
    if (!outcome.ok && !closed) options.onDeadLetter(event, outcome);
    return outcome;
  }

  return {
    declared,
    invoke,
    invokeAsync,
    get coldStarts() {
      return coldStarts;
    },
    async close() {
      closed = true;
      await Promise.all(
        containers.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGKILL");
            }),
        ),
      );
    },
  };
}
