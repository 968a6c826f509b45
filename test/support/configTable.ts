/**
 * The reference table of the stack's keys, for the README and its test: every key by
 * group, with its type and description from `Pulumi.yaml` and its default from the code
 * ({@link CONFIG_DEFAULTS}, which a test keeps equal to `Pulumi.yaml`'s). The program
 * itself does not import this module: it reads Pulumi.yaml with a development dependency.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  APPLICATION_NAME_KEY,
  CONFIG_DEFAULTS,
  CONFIG_GROUPS,
  ConfigGroup,
  SECRET_CONFIG_KEYS,
} from "../../config/keys";

/** One key of the table. */
export interface ConfigKeyRow {
  readonly key: string;
  readonly group: ConfigGroup;
  /** `Pulumi.yaml`'s type: string, integer, number, boolean or array. */
  readonly type: string;
  /** Set with `pulumi config set --secret`; it has no default. */
  readonly secret: boolean;
  /** The default, as the code states it; undefined for a secret or a computed default. */
  readonly default: unknown;
  /** The default as a README shows it: `30`, `CBR`, `[]`, `""`, `<project>-<stack>`, `(secret)`. */
  readonly defaultText: string;
  readonly description: string;
}

/** The project file beside this folder. */
const PROJECT_FILE = path.join(__dirname, "..", "..", "Pulumi.yaml");

/** Every key, in `CONFIG_GROUPS` order. */
export function configKeyTable(projectFile = PROJECT_FILE): ConfigKeyRow[] {
  const project = parse(readFileSync(projectFile, "utf8")) as {
    config: Record<string, { type: string; description: string }>;
  };
  return Object.entries(CONFIG_GROUPS).flatMap(([group, keys]) =>
    keys.map((key): ConfigKeyRow => {
      const declared = project.config[key];
      const secret = (SECRET_CONFIG_KEYS as readonly string[]).includes(key);
      const value = (CONFIG_DEFAULTS as Record<string, unknown>)[key];
      return {
        key,
        group: group as ConfigGroup,
        type: declared?.type ?? "",
        secret,
        default: value,
        defaultText:
          key === APPLICATION_NAME_KEY
            ? "<project>-<stack>"
            : secret
              ? "(secret)"
              : showDefault(value),
        description: (declared?.description ?? "").replace(/\s+/g, " ").trim(),
      };
    }),
  );
}

function showDefault(value: unknown): string {
  if (typeof value === "string") return value === "" ? '""' : value;
  if (Array.isArray(value)) return value.length === 0 ? "[]" : value.join(", ");
  return String(value);
}
