import { readFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { planSecretPlaceholder } from "../config";

/** Shown instead of a secret's value: the plan never decrypts anything. */
export const SECRET_PLACEHOLDER = planSecretPlaceholder();

/** The value the plan gives a declared secret the stack has not set. */
export const unsetSecretPlaceholder = (key: string) => planSecretPlaceholder(key);

/** A stack's configuration as the Pulumi CLI would hand it to the program. */
export interface PlanConfig {
  readonly project: string;
  readonly stack: string;
  /** `namespace:key` → value, with arrays and objects as JSON text, as the CLI passes them. */
  readonly values: Record<string, string>;
  /** Keys whose values are secrets (encrypted in the stack file, or `secret: true` in Pulumi.yaml). */
  readonly secretKeys: string[];
  /**
   * Secret keys Pulumi.yaml declares that the stack file does not set. The plan runs
   * with a placeholder for each; `pulumi preview` fails until they are set.
   */
  readonly unsetSecrets: string[];
  /**
   * What is wrong with the stack file itself, each naming its key: a key Pulumi.yaml
   * declares secret but the file holds in plain text.
   */
  readonly problems?: string[];
}

interface ProjectFile {
  name: string;
  config?: Record<string, { default?: unknown; secret?: boolean } | unknown>;
}

/** Pulumi passes non-string values to the program as JSON text. */
function asConfigText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Reads `Pulumi.yaml` (project defaults) and a stack settings file the way the
 * Pulumi CLI combines them: stack values override project defaults, and project
 * keys are namespaced with the project name.
 */
export function readPlanConfig(root: string, stack: string, stackFile?: string): PlanConfig {
  const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as ProjectFile;
  const file = stackFile ?? path.join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    throw new Error(
      `No settings file for stack "${stack}": ${path.relative(root, file)} does not exist`,
    );
  }
  const stackSettings = (parse(readFileSync(file, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };

  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
    if (declaration && typeof declaration === "object" && "default" in declaration) {
      values[fullKey] = asConfigText((declaration as { default: unknown }).default);
    }
    if (
      declaration &&
      typeof declaration === "object" &&
      (declaration as { secret?: boolean }).secret
    ) {
      secretKeys.push(fullKey);
    }
  }
  const declaredSecret = new Set(secretKeys);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(stackSettings.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
    if (value && typeof value === "object" && "secure" in value) {
      values[fullKey] = SECRET_PLACEHOLDER;
      secretKeys.push(fullKey);
    } else {
      values[fullKey] = asConfigText(value);
      // The program cannot tell: it sees every declared secret key as a secret. The
      // Pulumi CLI refuses such a file; the plan, which runs on every pull request,
      // refuses it too, before the value is merged and published with the repository.
      if (declaredSecret.has(fullKey)) problems.push(plainSecretProblem(fullKey));
    }
  }
  // Secrets are never committed: stand in for the ones this stack has not set yet.
  const unsetSecrets = secretKeys.filter((key) => !(key in values));
  for (const key of unsetSecrets) values[key] = unsetSecretPlaceholder(key);
  return {
    project: project.name,
    stack,
    values,
    secretKeys: [...new Set(secretKeys)],
    unsetSecrets,
    problems,
  };
}

/** A secret key in plain text: never quotes the value, which must now be replaced. */
export function plainSecretProblem(fullKey: string): string {
  return (
    `${fullKey}: is a secret (Pulumi.yaml declares it \`secret: true\`) but the stack file holds it ` +
    `in plain text (once committed, treat it as leaked and replace it); set it encrypted with ` +
    `\`pulumi config set --secret ${fullKey} <value>\``
  );
}
