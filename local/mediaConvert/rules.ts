/**
 * The grammar of the settings table (see `./settingsTable`) and the walk that holds a
 * job to it. Every key a job carries must be in the table, as a setting the stand-in
 * executes or one it accepts as having no local effect (with the reason); any other
 * key, enum value, type or range is refused with the exact path of the setting.
 */

/** A setting the local stand-in cannot honour, named by its path in the request. */
export class UnsupportedSettingError extends Error {
  constructor(
    readonly path: string,
    detail?: string,
  ) {
    super(
      `${path} is not supported by the local MediaConvert stand-in${detail ? `: ${detail}` : ""}`,
    );
    this.name = "UnsupportedSettingError";
  }
}

/** What a value must be. */
export type Rule =
  | { readonly kind: "object"; readonly fields: Readonly<Record<string, Field>> }
  /** Keys chosen by the caller (audio selector names), each value by `values`. */
  | { readonly kind: "map"; readonly values: Rule }
  | { readonly kind: "list"; readonly items: Rule; readonly min?: number; readonly max?: number }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly kind: "string"; readonly pattern?: RegExp; readonly describe?: string }
  /** A rule chosen by the value itself (an output group by its type). */
  | { readonly kind: "variant"; readonly choose: (value: unknown) => Rule };

/** One key of an object: its rule, and whether the stand-in acts on it. */
export interface Field {
  readonly rule: Rule;
  /** `executed`, or why the setting changes nothing in the local outputs. */
  readonly effect: "executed" | { readonly noLocalEffect: string };
  readonly required?: boolean;
}

export const object = (fields: Record<string, Field>): Rule => ({ kind: "object", fields });
export const map = (values: Rule): Rule => ({ kind: "map", values });
export const list = (items: Rule, min?: number, max?: number): Rule => ({
  kind: "list",
  items,
  min,
  max,
});
export const oneOf = (...values: string[]): Rule => ({ kind: "enum", values });
export const integer = (min: number, max: number): Rule => ({ kind: "integer", min, max });
export const text = (pattern?: RegExp, describe?: string): Rule => ({
  kind: "string",
  pattern,
  describe,
});
export const variant = (choose: (value: unknown) => Rule): Rule => ({ kind: "variant", choose });

/** A setting mapped to ffmpeg or Shaka Packager options. */
export const executed = (rule: Rule): Field => ({ rule, effect: "executed" });
/** A setting the stand-in must have: a job without it is refused. */
export const required = (rule: Rule): Field => ({ rule, effect: "executed", required: true });
/** A setting accepted with no local effect, and why. */
export const noLocalEffect = (why: string, rule: Rule): Field => ({
  rule,
  effect: { noLocalEffect: why },
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Holds `value` at `path` to `rule`; throws {@link UnsupportedSettingError} on the first breach. */
export function checkRule(value: unknown, rule: Rule, path: string): void {
  const refuse = (detail?: string): never => {
    throw new UnsupportedSettingError(path, detail);
  };
  switch (rule.kind) {
    case "variant":
      return checkRule(value, rule.choose(value), path);
    case "object": {
      if (!isObject(value)) return refuse("expected an object");
      const at = (key: string) => (path ? `${path}.${key}` : key);
      for (const [key, field] of Object.entries(rule.fields)) {
        if (field.required && value[key] === undefined) {
          throw new UnsupportedSettingError(at(key), "required, and missing");
        }
      }
      for (const [key, child] of Object.entries(value)) {
        const field = Object.hasOwn(rule.fields, key) ? rule.fields[key] : undefined;
        if (!field) throw new UnsupportedSettingError(at(key));
        if (child !== undefined && child !== null) checkRule(child, field.rule, at(key));
      }
      return;
    }
    case "map": {
      if (!isObject(value)) return refuse("expected a map");
      for (const [key, child] of Object.entries(value)) {
        checkRule(child, rule.values, `${path}[${JSON.stringify(key)}]`);
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return refuse("expected a list");
      if (rule.min !== undefined && value.length < rule.min) {
        refuse(`${value.length} items; at least ${rule.min}`);
      }
      if (rule.max !== undefined && value.length > rule.max) {
        refuse(`${value.length} items; at most ${rule.max}`);
      }
      value.forEach((item, index) => checkRule(item, rule.items, `${path}[${index}]`));
      return;
    }
    case "enum":
      if (typeof value !== "string" || !rule.values.includes(value)) {
        refuse(`value ${JSON.stringify(value)}; supported: ${rule.values.join(", ")}`);
      }
      return;
    case "integer":
      if (
        !Number.isInteger(value) ||
        (value as number) < rule.min ||
        (value as number) > rule.max
      ) {
        refuse(`value ${JSON.stringify(value)}; supported: integers ${rule.min} to ${rule.max}`);
      }
      return;
    case "string":
      if (typeof value !== "string" || (rule.pattern && !rule.pattern.test(value))) {
        refuse(`value ${JSON.stringify(value)}${rule.describe ? `; ${rule.describe}` : ""}`);
      }
      return;
  }
}
