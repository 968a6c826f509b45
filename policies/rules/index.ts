/**
 * Every rule of the pack, and an in-process evaluator. Importing this module does
 * not construct the PolicyPack (which would start its gRPC server).
 */
import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { deliveryPolicies } from "./delivery";
import { drmPolicies } from "./drm";
import { gatewayPolicies } from "./gateway";
import { iamPolicies } from "./iam";
import { lambdaPolicies } from "./lambda";
import { messagingPolicies } from "./messaging";
import { storagePolicies } from "./storage";

export const PACK_NAME = "vod-multidrm";

export const allPolicies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  ...storagePolicies,
  ...deliveryPolicies,
  ...messagingPolicies,
  ...drmPolicies,
  ...gatewayPolicies,
  ...iamPolicies,
  ...lambdaPolicies,
];

/** A resource to evaluate: its type token, logical name and (input) properties. */
export interface EvaluatedResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>;
  readonly urn?: string;
}

/** One violation, with the policy's description as the fix. */
export interface Violation {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly resourceType?: string;
  readonly resourceName?: string;
  readonly message: string;
  readonly fix: string;
}

/**
 * Per-policy settings, in the shape of a Pulumi policy config file: a level
 * (`"advisory"`), or an object with `enforcementLevel` and the policy's properties.
 */
export type PolicyConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

function settingsFor(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  config: PolicyConfig,
) {
  const entry = config[policy.name];
  const overrides = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
  const { enforcementLevel, ...properties } = overrides;
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
      .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
  );
  return {
    level: (enforcementLevel ?? policy.enforcementLevel ?? "mandatory") as EnforcementLevel,
    values: { ...defaults, ...properties },
  };
}

class NotApplicable extends Error {}
const notApplicable = (): never => {
  throw new NotApplicable();
};

/**
 * Runs every policy over the resources, as `pulumi preview --policy-pack` would,
 * and returns the violations. Disabled policies are skipped.
 */
export async function evaluatePolicies(
  resources: readonly EvaluatedResource[],
  config: PolicyConfig = {},
): Promise<Violation[]> {
  const stackTags = new Map<string, string>();
  const withUrns = resources.map((r) => ({
    ...r,
    urn: r.urn ?? `urn:pulumi:plan::vod-multidrm::${r.type}::${r.name}`,
  }));
  const byUrn = new Map(withUrns.map((r) => [r.urn, r]));
  const violations: Violation[] = [];

  for (const policy of allPolicies) {
    const { level, values } = settingsFor(policy, config);
    if (level === "disabled") continue;
    const getConfig = <T>() => values as T;
    const report = (resource?: EvaluatedResource) => (message: string, urn?: string) => {
      const subject = urn ? byUrn.get(urn) : resource;
      violations.push({
        policyName: policy.name,
        enforcementLevel: level,
        resourceType: subject?.type,
        resourceName: subject?.name,
        message,
        fix: policy.description,
      });
    };
    try {
      if ("validateResource" in policy && policy.validateResource) {
        const validations = [policy.validateResource].flat();
        for (const resource of withUrns) {
          const args = {
            ...resource,
            opts: {
              protect: false,
              ignoreChanges: [],
              aliases: [],
              customTimeouts: {},
              additionalSecretOutputs: [],
            },
            stackTags,
            getConfig,
            notApplicable,
            isType: () => false,
            asType: () => undefined,
          };
          for (const validate of validations) await validate(args as never, report(resource));
        }
      } else if ("validateStack" in policy) {
        const policyResources = withUrns.map(
          (r) =>
            ({
              ...r,
              opts: {},
              dependencies: [],
              propertyDependencies: {},
            }) as unknown as PolicyResource,
        );
        await policy.validateStack(
          { resources: policyResources, stackTags, getConfig, notApplicable } as never,
          report(),
        );
      }
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return violations;
}
