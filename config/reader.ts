/**
 * Reading stack config: every problem is collected under its key, so that all of them
 * are reported together, and secrets are read with `requireSecret`.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_DEFAULTS, DECLARED_CONFIG_KEYS, DefaultedKey, SecretKey } from "./keys";

/** A configuration error that names the key; the program stops at `pulumi preview`. */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Reads this project's config and collects what is wrong with it. */
export class ConfigReader {
  readonly config = new pulumi.Config();
  readonly problems: string[] = [];

  /** `<project>:<name>`, as users set it. */
  readonly key = (name: string) => `${pulumi.getProject()}:${name}`;

  /** A value, or the fallback; Pulumi's own getters throw for a wrongly typed value. */
  readonly read = <T>(get: () => T | undefined, fallback: T): T => {
    try {
      return get() ?? fallback;
    } catch (e) {
      this.problems.push(e instanceof Error ? e.message : String(e));
      return fallback;
    }
  };

  /** Records `message` under the key unless `ok`. */
  readonly check = (name: string, ok: boolean, message: string): void => {
    if (!ok) this.problems.push(`${this.key(name)}: ${message}`);
  };

  /** A boolean key, or its default. */
  readonly flag = (name: DefaultedKey) =>
    this.read(() => this.config.getBoolean(name), CONFIG_DEFAULTS[name] as boolean);

  /** A number key, or its default. */
  readonly number = (name: DefaultedKey) =>
    this.read(() => this.config.getNumber(name), CONFIG_DEFAULTS[name] as number);

  /** A string key, or its default. */
  readonly text = (name: DefaultedKey) =>
    this.read(() => this.config.get(name), CONFIG_DEFAULTS[name] as string);

  /**
   * A string key that must be one of `allowed`, or its default. Any other value is a
   * problem naming the choices; the default stands in for it until the problems are thrown.
   */
  readonly choice = <T extends string>(name: DefaultedKey, allowed: readonly T[]): T => {
    const value = this.text(name);
    const known = (allowed as readonly string[]).includes(value);
    this.check(name, known, `"${value}" must be one of ${allowed.join(", ")}`);
    return known ? (value as T) : (CONFIG_DEFAULTS[name] as T);
  };

  /** A list key (any JSON value until checked), or its default. */
  readonly list = (name: DefaultedKey) =>
    this.read(() => this.config.getObject<unknown>(name), CONFIG_DEFAULTS[name] as unknown);

  /**
   * `value()`, or `fallback` when it throws: its message, less a leading backquoted
   * field name, is recorded under the key.
   */
  readonly validated = <T>(name: string, value: () => T, fallback: T): T => {
    try {
      return value();
    } catch (error) {
      this.check(name, false, (error as Error).message.replace(/^`\w+` /, ""));
      return fallback;
    }
  };

  /**
   * A secret the enabled feature `neededBy` requires, read with `requireSecret`. Its
   * absence is reported with the command that sets it. `validate` sees the plain value
   * only to check its shape; its message never includes the value.
   */
  readonly secret = (
    name: SecretKey,
    neededBy: DefaultedKey,
    validate: (plain: string) => string | undefined,
  ): pulumi.Output<string> => {
    const fullKey = this.key(name);
    try {
      const secret = this.config.requireSecret(name);
      const plain = pulumi.runtime.getConfig(fullKey) ?? "";
      const problem = PLAN_SECRET_PLACEHOLDER.test(plain) ? undefined : validate(plain);
      if (problem) this.problems.push(`${fullKey}: ${problem}`);
      return secret;
    } catch {
      this.problems.push(
        `${fullKey}: is required when ${neededBy} is true; set it with \`pulumi config set --secret ${fullKey} <value>\``,
      );
      return pulumi.secret("");
    }
  };

  /** Reports keys of this project's namespace that `Pulumi.yaml` does not declare. */
  readonly checkUndeclaredKeys = (): void => {
    for (const undeclared of undeclaredKeys()) {
      const closest = closestKey(undeclared);
      this.check(
        undeclared,
        false,
        `is not a key this program reads (Pulumi.yaml declares them)` +
          (closest ? `; did you mean ${this.key(closest)}?` : ".") +
          ` Remove it with \`pulumi config rm ${this.key(undeclared)}\``,
      );
    }
  };

  /** Throws one {@link ConfigError} listing every problem, if there is any. */
  readonly throwIfInvalid = (): void => {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  };
}

/** Keys of this project's namespace that the stack sets but `Pulumi.yaml` does not declare. */
function undeclaredKeys(): string[] {
  const prefix = `${pulumi.getProject()}:`;
  return Object.keys(pulumi.runtime.allConfig())
    .filter((fullKey) => fullKey.startsWith(prefix))
    .map((fullKey) => fullKey.slice(prefix.length))
    .filter((name) => !DECLARED_CONFIG_KEYS.includes(name))
    .sort();
}

/**
 * The declared key meant by an undeclared one, if one is clearly meant: one a typo away,
 * else the one sharing most of its words (a key renamed with its feature's prefix, such
 * as `rateControl` for `ladderRateControl`), else the closest by spelling.
 */
function closestKey(name: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const declared of DECLARED_CONFIG_KEYS) {
    const distance = editDistance(name.toLowerCase(), declared.toLowerCase());
    if (!best || distance < best.distance) best = { key: declared, distance };
  }
  if (best && best.distance <= 2) return best.key;
  const sharing = keySharingWords(name);
  if (sharing) return sharing;
  return best && best.distance <= Math.floor(name.length / 3) ? best.key : undefined;
}

/** The one declared key that shares the most words with `name`, at least half of them. */
function keySharingWords(name: string): string | undefined {
  const wanted = words(name);
  const scored = DECLARED_CONFIG_KEYS.map((key) => ({
    key,
    shared: words(key).filter((word) => wanted.includes(word)).length,
  })).sort((a, b) => b.shared - a.shared);
  const [first, second] = scored;
  const enough = first.shared > 0 && first.shared * 2 >= wanted.length;
  return enough && first.shared > (second?.shared ?? 0) ? first.key : undefined;
}

/** `kmsGatewayRateLimit` → kms, gateway, rate, limit. */
const words = (key: string) => key.split(/(?=[A-Z])/).map((word) => word.toLowerCase());

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * What the offline plan passes instead of a secret it cannot decrypt (`[secret]`) or
 * that the stack has not set (`[secret:unset:<key>]`). Their shape is not checked.
 */
export const planSecretPlaceholder = (unsetKey?: string) =>
  unsetKey ? `[secret:unset:${unsetKey}]` : "[secret]";
const PLAN_SECRET_PLACEHOLDER = /^\[secret(:unset:[^\]]+)?\]$/;
