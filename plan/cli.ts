/**
 * The offline plan: runs the Pulumi program for a stack under Pulumi's mock
 * runtime, with the stack's config (secrets replaced by placeholders), and prints
 * what `pulumi up` would create.
 *
 *   npm run plan -- [--stack dev] [--config-file path/to/Pulumi.x.yaml]
 *                   [--policy-config policy-config.json] [--json] [--help]
 *
 * `--policy-config` takes the same file as `pulumi preview --policy-pack-config`.
 *
 * It then runs the policy pack over what it planned and prints each violation
 * with its resource and the fix, and the cost per source minute (`./cost.ts`).
 *
 * Exit status: 0 on success, 1 on a usage, configuration or program error, 2 when a
 * mandatory policy is violated.
 */
import { readFileSync } from "node:fs";
import * as nodeModule from "node:module";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { PolicyConfig } from "../policies/rules";

const ROOT = path.resolve(__dirname, "..");

// Before the SDKs load (in main): Node keeps the compiled code of their thousands of
// modules in its compile cache, under the system's temporary directory, so the next plan
// skips compiling them (https://nodejs.org/api/module.html#module-compile-cache).
nodeModule.enableCompileCache?.();

const USAGE = `Usage: npm run plan -- [options]

Runs the program for a stack under Pulumi's mock runtime, offline, and prints what
\`pulumi up\` would create, the stack outputs, the policy pack's verdicts and what a
minute of source video costs to encode, store and serve (list prices).

Options:
  --stack <name>           reads Pulumi.<name>.yaml (default: dev)
  --config-file <path>     reads the stack settings from another file
  --policy-config <path>   policy settings, the same file as \`pulumi preview --policy-pack-config\`
  --json                   prints the resources, their inputs, the outputs, the violations and
                           the cost estimate (\`cost\`) as JSON
  -h, --help               prints this help

Exit status: 0 planned, 1 usage, configuration or program error, 2 mandatory policy violation.`;

/** A command line the plan does not understand: reported with the usage. */
class UsageError extends Error {}

/** What is wrong with the stack's configuration: reported as a list, without a stack trace. */
class PlanConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(configProblemList(problems));
  }
}

/** The list the program's `ConfigError` prints, in the same words. */
const configProblemList = (problems: readonly string[]) =>
  `Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`;

/**
 * The program's `ConfigError` (config/reader.ts), recognised by its shape: the plan
 * loads the config module only with the SDKs.
 */
function isConfigError(error: unknown): error is Error & { problems: string[] } {
  const problems = (error as { problems?: unknown } | undefined)?.problems;
  return (
    error instanceof Error &&
    Array.isArray(problems) &&
    problems.every((p) => typeof p === "string")
  );
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string", default: "dev" },
        "config-file": { type: "string" },
        "policy-config": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    // parseArgs throws a TypeError with an ERR_PARSE_ARGS_* code for unknown or malformed flags.
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("ERR_PARSE_ARGS_")) throw new UsageError((error as Error).message);
    throw error;
  }
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  // Loaded once the command line is known good: the SDKs take most of a second to load.
  const [
    mockCloud,
    { packagingSummary, renderCost, renderOutputs, renderPackagingComparison, renderTree },
    stackConfig,
    verdicts,
    { allPolicies },
    { comparePackaging, estimateCost, settingsFromConfig },
  ] = await Promise.all([
    import("./mockCloud"),
    import("./render"),
    import("./stackConfig"),
    import("./verdicts"),
    import("../policies/rules"),
    import("./cost"),
  ]);
  const { runWholeProgram, PLACEHOLDER_NOTE } = mockCloud;
  const { readPlanConfig, unsetSecretPlaceholder } = stackConfig;
  const { planVerdicts, previewVerdicts, renderVerdicts } = verdicts;
  const stack = flags.stack!;
  const configFile = flags["config-file"] ? path.resolve(flags["config-file"]) : undefined;
  const config = readPlanConfig(ROOT, stack, configFile);
  const fileProblems = config.problems ?? [];
  let plan: Awaited<ReturnType<typeof runWholeProgram>>;
  try {
    plan = await runWholeProgram(config);
  } catch (error) {
    // The stack file's problems and the program's, reported together.
    if (isConfigError(error)) throw new PlanConfigError([...fileProblems, ...error.problems]);
    throw error;
  }
  if (fileProblems.length > 0) throw new PlanConfigError(fileProblems);

  const policyConfig = flags["policy-config"]
    ? (JSON.parse(readFileSync(path.resolve(flags["policy-config"]), "utf8")) as PolicyConfig)
    : undefined;
  const violations = await planVerdicts(plan, policyConfig);
  // The same rules as a first `pulumi preview` would run them, with new resources' outputs unknown.
  const atFirstPreview = await previewVerdicts(plan, policyConfig);
  // What a minute of source costs with this stack's transcoding settings (plan/cost.ts).
  const costSettings = settingsFromConfig(config.values, config.project);
  const cost = estimateCost(costSettings);
  // With VOD DRM, the same minute packaged the other way (vodDrmPackaging), side by side.
  const packaging = costSettings.vodDrm ? comparePackaging(costSettings) : undefined;

  if (flags.json) {
    const result = {
      project: config.project,
      stack,
      placeholders: PLACEHOLDER_NOTE,
      ...plan,
      violations,
      atFirstPreview,
      cost,
      ...(packaging && { packaging: packagingSummary(packaging) }),
    };
    console.log(JSON.stringify(result, elideLongText, 2));
  } else {
    const title = `Plan for ${config.project}/${stack}: ${plan.resources.length} resources`;
    console.log(renderTree(plan, title));
    console.log(`\nOutputs:\n${renderOutputs(plan.outputs)}`);
    console.log(`\n${renderVerdicts(violations, allPolicies.length, atFirstPreview)}`);
    console.log(`\n${renderCost(cost)}`);
    if (packaging) console.log(renderPackagingComparison(packagingSummary(packaging)));
    // Unset secrets the program used: `pulumi preview` stops until they are set.
    const inputs = JSON.stringify(plan.resources.map((resource) => resource.inputs));
    const used = config.unsetSecrets.filter((key) => inputs.includes(unsetSecretPlaceholder(key)));
    for (const key of used) {
      console.log(
        `\nNote: ${key} is not set for this stack; the plan used a placeholder. ` +
          `Set it before \`pulumi up\`: pulumi config set --secret ${key} <value>`,
      );
    }
    console.log(`\n${PLACEHOLDER_NOTE}`);
  }
  return violations.some((v) => v.enforcementLevel === "mandatory") ? 2 : 0;
}

/** Strings longer than this (bundled code, page assets) are shown by size in --json. */
const MAX_JSON_TEXT = 16_384;
function elideLongText(_key: string, value: unknown): unknown {
  return typeof value === "string" && value.length > MAX_JSON_TEXT
    ? `[${Buffer.byteLength(value)} bytes]`
    : value;
}

/** Errors already reported: the Pulumi runtime rejects its own promises with them too. */
const reported = new Set<unknown>();

function report(error: unknown): void {
  if (reported.has(error)) return;
  reported.add(error);
  if (error instanceof UsageError) {
    console.error(`plan: ${error.message}\n\n${USAGE}`);
  } else if (error instanceof PlanConfigError) {
    console.error(error.message);
  } else if (isConfigError(error)) {
    console.error(configProblemList(error.problems));
  } else {
    console.error(`plan failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = 1;
}

// The program's error also rejects promises the Pulumi runtime holds (the stack's
// outputs). Node would print each with the minified source line, the stack and its
// banner; the plan reports the error once, by its message.
process.on("unhandledRejection", (reason) => {
  if (isConfigError(reason)) reported.add(reason);
  report(reason);
});

// The process ends by itself once the output is written: no process.exit to cut a piped
// stdout short.
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, report);
