/**
 * The offline plan: runs the Pulumi program for a stack under Pulumi's mock
 * runtime, with the stack's config (secrets replaced by placeholders), and prints
 * what `pulumi up` would create.
 *
 *   npm run plan [-- --stack dev] [--config-file path/to/Pulumi.x.yaml]
 *                [--policy-config policy-config.json] [--json]
 *
 * `--policy-config` takes the same file as `pulumi preview --policy-pack-config`.
 *
 * It then runs the policy pack over what it planned and prints each violation
 * with its resource and the fix.
 *
 * Exit status: 0 on success, 1 on a configuration or program error, 2 when a
 * mandatory policy is violated.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { runUnderMocks } from "./mockCloud";
import { renderOutputs, renderTree } from "./render";
import { readPlanConfig, unsetSecretPlaceholder } from "./stackConfig";
import { planVerdicts, renderVerdicts } from "./verdicts";
import { allPolicies, PolicyConfig } from "../policies/rules";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<number> {
  const { values: flags } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      "config-file": { type: "string" },
      "policy-config": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const stack = flags.stack!;
  const configFile = flags["config-file"] ? path.resolve(flags["config-file"]) : undefined;
  const config = readPlanConfig(ROOT, stack, configFile);
  const plan = await runUnderMocks(config, () => import("../index"));

  const policyConfig = flags["policy-config"]
    ? (JSON.parse(readFileSync(path.resolve(flags["policy-config"]), "utf8")) as PolicyConfig)
    : undefined;
  const violations = await planVerdicts(plan, policyConfig);

  if (flags.json) {
    const result = { project: config.project, stack, ...plan, violations };
    console.log(JSON.stringify(result, elideLongText, 2));
  } else {
    const title = `Plan for ${config.project}/${stack}: ${plan.resources.length} resources`;
    console.log(renderTree(plan, title));
    console.log(`\nOutputs:\n${renderOutputs(plan.outputs)}`);
    console.log(`\n${renderVerdicts(violations, allPolicies.length)}`);
    // Unset secrets the program used: `pulumi preview` stops until they are set.
    const inputs = JSON.stringify(plan.resources.map((resource) => resource.inputs));
    const used = config.unsetSecrets.filter((key) => inputs.includes(unsetSecretPlaceholder(key)));
    for (const key of used) {
      console.log(
        `\nNote: ${key} is not set for this stack; the plan used a placeholder. ` +
          `Set it before \`pulumi up\`: pulumi config set --secret ${key} <value>`,
      );
    }
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

main().then(
  // Exit once stdout has drained: a pipe would otherwise lose the end of a long plan.
  (code) => process.stdout.write("", () => process.exit(code)),
  (error: unknown) => {
    console.error(`plan failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
