/**
 * Every rule of the pack, and an in-process evaluator for tests and the offline plan.
 * Importing this module does not construct the PolicyPack (which starts a gRPC server);
 * of the policy SDK it loads only the engine's unknown-checking proxy, which has no
 * dependencies.
 */
import type {
  EnforcementLevel,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";
import { deliveryPolicies } from "./delivery";
import { drmPolicies } from "./drm";
import { encryptionPolicies } from "./encryption";
import { gatewayPolicies } from "./gateway";
import { iamPolicies } from "./iam";
import { lambdaPolicies } from "./lambda";
import { messagingPolicies } from "./messaging";
import { storagePolicies } from "./storage";
import type { Binding, BoundResourcePolicy, BoundStackPolicy } from "./util";

export type { Binding } from "./util";

// The engine's own proxy (marked internal in the SDK's typings): it throws the engine's
// "can't be known during preview" error when a rule reads an unknown value.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(props: T): T;
};

export const PACK_NAME = "vod-multidrm";

/** A rule of this pack: a Pulumi policy that says when it binds. */
export type Rule = BoundResourcePolicy | BoundStackPolicy;

/** A policy the evaluator runs: the pack's rules, or any Pulumi policy (in tests). */
export type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** When a policy binds; a policy from outside the pack says nothing, so it is left out. */
export const bindingOf = (policy: AnyPolicy): Binding | undefined =>
  (policy as Partial<Rule>).binds;

/** Every rule, grouped by area. */
export const allPolicies: Rule[] = [
  ...storagePolicies,
  ...deliveryPolicies,
  ...messagingPolicies,
  ...encryptionPolicies,
  ...drmPolicies,
  ...gatewayPolicies,
  ...iamPolicies,
  ...lambdaPolicies,
];

/** A resource to evaluate: its type token, logical name and input properties. */
export interface EvaluatedResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>;
  /** Defaults to a URN built from the type and name. */
  readonly urn?: string;
  /** The URN of the parent resource, if any. */
  readonly parent?: string;
  /** URNs of the resources each input came from, as the engine records them. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One violation. `fix` is the policy's description, which says what to change. */
export interface Violation {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  /** The resource in violation; absent when a stack rule reports the stack as a whole. */
  readonly resourceType?: string;
  readonly resourceName?: string;
  readonly resourceUrn?: string;
  readonly message: string;
  readonly fix: string;
}

/** A policy's settings: a level, or an object with a level and the policy's properties. */
export type PolicySettings =
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/**
 * Settings by policy name, in the shape of a Pulumi policy config file
 * (`--policy-pack-config`). The key `all` sets the level of every policy; a policy's
 * own entry wins over it.
 */
export type PolicyConfig = Readonly<Record<string, PolicySettings>>;

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Runs every policy over the resources, as `pulumi preview --policy-pack policies` does,
 * and returns the violations. Resource rules see each resource's props; stack rules see
 * them all. Disabled policies are skipped.
 *
 * Unlike the Pulumi CLI, which ignores them, a config entry for a policy the pack does
 * not have, or a property a policy does not declare, is an error: it is a typo that
 * would otherwise silently leave a rule at its default.
 *
 * @param resources what the program registers: type token, name and inputs of each.
 * @param config per-policy levels and settings, as in a `--policy-pack-config` file.
 * @param policies the rules to run; every rule of the pack by default.
 */
export async function evaluatePolicies(
  resources: readonly EvaluatedResource[],
  config: PolicyConfig = {},
  policies: readonly AnyPolicy[] = allPolicies,
): Promise<Violation[]> {
  const settings = resolveConfig(config, policies);
  const stackTags: ReadonlyMap<string, string> = new Map();
  // As the engine does, rules see props through a proxy that throws on a value unknown
  // at preview (the engine's sentinel strings).
  const subjects = resources.map((r) => ({
    ...r,
    props: unknownCheckingProxy(r.props),
    urn: r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`,
  }));
  const byUrn = new Map(subjects.map((subject) => [subject.urn, subject]));
  let stackResources: PolicyResource[] | undefined;
  const violations: Violation[] = [];

  for (const policy of policies) {
    const { level, properties } = settings.get(policy.name)!;
    if (level === "disabled") continue;
    const enforcementLevel = level === "remediate" ? "mandatory" : level;
    const getConfig = <T extends object>() => ({ ...properties }) as T;
    const reporter =
      (subject?: (typeof subjects)[number]): ReportViolation =>
      (message, urn) => {
        const resource = (urn && byUrn.get(urn)) || subject;
        violations.push({
          policyName: policy.name,
          enforcementLevel,
          resourceType: resource?.type,
          resourceName: resource?.name,
          resourceUrn: resource?.urn,
          message,
          fix: policy.description,
        });
      };
    const run = async (validate: () => unknown, subject?: (typeof subjects)[number]) => {
      try {
        await validate();
      } catch (error) {
        if (error instanceof NotApplicable) return;
        // As the engine does: a value unknown at preview stops the rule, with an advisory.
        if (error instanceof Error && "unknownTypeSentinel" in error) {
          violations.push({
            policyName: policy.name,
            enforcementLevel: "advisory",
            resourceType: subject?.type,
            resourceName: subject?.name,
            resourceUrn: subject?.urn,
            message: `can't run policy '${policy.name}' during preview: ${error.message}`,
            fix: policy.description,
          });
          return;
        }
        const where = subject ? ` on ${subject.type} ${subject.name}` : "";
        throw new Error(`Policy ${policy.name} failed${where}: ${String(error)}`, { cause: error });
      }
    };

    if (isResourcePolicy(policy)) {
      const validations = [policy.validateResource ?? []].flat();
      for (const subject of subjects) {
        const args = resourceArgs(subject, stackTags, getConfig);
        const report = reporter(subject);
        for (const validate of validations) {
          await run(() => validate(args, report), subject);
        }
      }
    } else {
      stackResources ??= policyResources(subjects);
      const args: StackValidationArgs = {
        resources: stackResources,
        stackTags,
        getConfig,
        notApplicable,
      };
      const report = reporter();
      await run(() => policy.validateStack(args, report));
    }
  }
  return violations;
}

const isResourcePolicy = (policy: AnyPolicy): policy is ResourceValidationPolicy =>
  "validateResource" in policy;

/** Each policy's level and properties: the schema's defaults, then `all`, then its own entry. */
function resolveConfig(config: PolicyConfig, policies: readonly AnyPolicy[]) {
  const names = new Set(policies.map((policy) => policy.name));
  for (const key of Object.keys(config)) {
    if (key !== "all" && !names.has(key))
      throw new Error(`Policy config: the pack has no policy "${key}".`);
  }
  const all = levelOf("all", config.all);
  return new Map(
    policies.map((policy) => {
      const entry = config[policy.name];
      const { enforcementLevel, ...given } = entry && typeof entry === "object" ? entry : {};
      const schema = policy.configSchema?.properties ?? {};
      for (const [key, value] of Object.entries(given))
        checkSetting(policy.name, key, value, schema[key]);
      const defaults = Object.fromEntries(
        Object.entries(schema)
          .filter(([, property]) => property.default !== undefined)
          .map(([key, property]) => [key, property.default]),
      );
      const level =
        levelOf(policy.name, typeof entry === "string" ? entry : enforcementLevel) ??
        all ??
        policy.enforcementLevel ??
        "mandatory";
      return [policy.name, { level, properties: { ...defaults, ...given } }];
    }),
  );
}

function levelOf(key: string, entry: PolicySettings | undefined): EnforcementLevel | undefined {
  const level = entry && typeof entry === "object" ? entry.enforcementLevel : entry;
  if (level !== undefined && !LEVELS.includes(level))
    throw new Error(
      `Policy config: "${key}" has enforcement level "${level}"; use ${LEVELS.join(", ")}.`,
    );
  return level;
}

/** Checks one configured value against the policy's schema for it (type, enum, minimum, items). */
function checkSetting(
  policyName: string,
  key: string,
  value: unknown,
  schema: PolicyConfigJSONSchemaDefinition | undefined,
) {
  const where = `Policy config: ${policyName}.${key}`;
  if (!schema) throw new Error(`${where} is not a setting of this policy.`);
  const problem = schemaProblem(value, schema);
  if (problem) throw new Error(`${where} ${problem}.`);
}

function schemaProblem(
  value: unknown,
  schema: PolicyConfigJSONSchemaDefinition,
): string | undefined {
  if (typeof schema === "boolean") return schema ? undefined : "is not allowed";
  const types = [schema.type ?? []].flat() as string[];
  const typeOf = Array.isArray(value)
    ? "array"
    : Number.isInteger(value)
      ? "integer"
      : typeof value;
  if (
    types.length > 0 &&
    !types.includes(typeOf) &&
    !(typeOf === "integer" && types.includes("number"))
  )
    return `must be ${types.join(" or ")}, not ${JSON.stringify(value)}`;
  if (schema.enum && !schema.enum.includes(value as never))
    return `must be one of ${schema.enum.join(", ")}, not ${JSON.stringify(value)}`;
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum)
    return `must be at least ${schema.minimum}, not ${value}`;
  if (Array.isArray(value) && schema.items && !Array.isArray(schema.items)) {
    for (const item of value) {
      const problem = schemaProblem(item, schema.items);
      if (problem) return `has an item that ${problem}`;
    }
  }
  return undefined;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

type TypedClass = { __pulumiType?: string; isInstance?: (o: unknown) => boolean };

/** `isType` as the engine implements it: by the class's type token. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const cls = resourceClass as TypedClass;
  if (cls.__pulumiType) return cls.__pulumiType === type;
  return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

const RESOURCE_OPTIONS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** The argument bag the engine passes to `validateResource`. */
function resourceArgs(
  subject: EvaluatedResource & { urn: string },
  stackTags: ReadonlyMap<string, string>,
  getConfig: <T extends object>() => T,
): ResourceValidationArgs {
  const { type, name, urn, props, parent } = subject;
  return {
    type,
    name,
    urn,
    props,
    opts: { ...RESOURCE_OPTIONS, parent },
    stackTags,
    isType: (resourceClass) => isTypeOf(type, resourceClass),
    asType: ((resourceClass: unknown) =>
      isTypeOf(type, resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig,
    notApplicable,
  };
}

/** The resources as stack rules see them, with parents and dependencies linked. */
function policyResources(subjects: Array<EvaluatedResource & { urn: string }>): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const { type, name, urn, props, parent } of subjects) {
    byUrn.set(urn, {
      type,
      name,
      urn,
      props,
      opts: { ...RESOURCE_OPTIONS, parent },
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(type, resourceClass),
      asType: ((resourceClass: unknown) =>
        isTypeOf(type, resourceClass) ? props : undefined) as PolicyResource["asType"],
    });
  }
  const resolve = (urns: readonly string[]) =>
    urns.map((urn) => byUrn.get(urn)).filter((r): r is PolicyResource => r !== undefined);
  for (const subject of subjects) {
    const resource = byUrn.get(subject.urn)!;
    if (subject.parent) resource.parent = byUrn.get(subject.parent);
    const dependencies = subject.propertyDependencies ?? {};
    for (const [property, urns] of Object.entries(dependencies))
      resource.propertyDependencies[property] = resolve(urns);
    resource.dependencies = resolve([...new Set(Object.values(dependencies).flat())]);
  }
  return [...byUrn.values()];
}
