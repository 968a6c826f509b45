import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { PlanConfig } from "./stackConfig";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_REGION = "us-east-1";

/** One resource the program registered, with the inputs the engine received. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent, or undefined for children of the stack. */
  readonly parent?: string;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
  /** What the mocks computed for the resource, as the provider would. */
  readonly outputs: Record<string, any>;
  readonly urn: string;
}

/** What a run of the program under the mocks produced. */
export interface PlannedStack {
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
}

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

/**
 * The outputs AWS would compute for a resource, derived deterministically from its
 * name so the plan prints the same thing every time.
 */
export function fakeState(
  type: string,
  name: string,
  inputs: Record<string, any>,
): Record<string, any> {
  const [pkg, module] = type.split(":");
  const service = module.split("/")[0].toLowerCase();
  const id = `${name}-${shortHash(type + name).slice(0, 8)}`;
  const arn = `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${id}`;
  const base = { ...inputs, id, arn, name: inputs.name ?? id };
  if (pkg !== "aws") return base;

  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? id;
      return {
        ...base,
        id: bucket,
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketRegionalDomainName: `${bucket}.s3.${MOCK_REGION}.amazonaws.com`,
      };
    }
    case "aws:cloudfront/originAccessIdentity:OriginAccessIdentity": {
      const oaiId = `E${shortHash(name).toUpperCase()}`;
      return {
        ...base,
        id: oaiId,
        iamArn: `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ${oaiId}`,
        cloudfrontAccessIdentityPath: `origin-access-identity/cloudfront/${oaiId}`,
      };
    }
    case "aws:cloudfront/distribution:Distribution":
      return { ...base, domainName: `d${shortHash(name)}.cloudfront.net` };
    case "aws:sqs/queue:Queue":
      return {
        ...base,
        url: `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT_ID}/${base.name}`,
        arn: `arn:aws:sqs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${base.name}`,
      };
    case "aws:iam/role:Role":
      return { ...base, id: base.name, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${base.name}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return {
        ...base,
        arn: `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${base.name}`,
      };
    case "aws:cloudwatch/eventRule:EventRule":
      return { ...base, arn: `arn:aws:events:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:rule/${base.name}` };
    case "aws:lambda/function:Function":
      return {
        ...base,
        arn: `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:${base.name}`,
      };
    default:
      return base;
  }
}

/** Results of the provider functions (invokes) the program calls. */
export function fakeCall(token: string): Record<string, any> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/plan`,
        userId: "AIDAPLAN",
        id: MOCK_ACCOUNT_ID,
      };
    case "aws:index/getRegion:getRegion":
      return { region: MOCK_REGION, name: MOCK_REGION, id: MOCK_REGION };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    default:
      throw new Error(`The plan has no mock for the provider function ${token}`);
  }
}

/**
 * Runs `program` (which imports the Pulumi program) under Pulumi's mock runtime
 * with the given stack configuration, and returns every resource it registered.
 *
 * `preview` = false, so every output the mocks compute is known and nested
 * `apply` calls run, as in `pulumi up`.
 */
export async function runUnderMocks(
  config: PlanConfig,
  program: () => Promise<unknown>,
): Promise<PlannedStack> {
  const byKey = new Map<string, Omit<PlannedResource, "parent">>();
  const parents = new Map<string, string | undefined>();
  const keyOf = new WeakMap<pulumi.Resource, string>();

  await pulumi.runtime.setMocks(
    {
      newResource({ type, name, inputs, custom }) {
        const state = custom ? fakeState(type, name, inputs) : {};
        const key = `${type}::${name}`;
        byKey.set(key, { type, name, custom: custom ?? true, inputs, outputs: state, urn: key });
        return { id: custom ? state.id : `${name}-component`, state };
      },
      call({ token }) {
        return fakeCall(token);
      },
    },
    config.project,
    config.stack,
    false,
  );
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);

  const exported = await pulumi.runtime.runInPulumiStack(async () => {
    // Record each resource's parent as it is constructed: the mock monitor isn't told.
    pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
      const key = `${type}::${name}`;
      keyOf.set(resource, key);
      parents.set(key, opts.parent ? keyOf.get(opts.parent) : undefined);
      return undefined;
    });
    return (await program()) as Record<string, unknown>;
  });
  const outputs = await resolveOutputs(exported ?? {});
  await waitForRegistrations();

  const resources = [...byKey.entries()]
    .filter(([, resource]) => resource.type !== "pulumi:pulumi:Stack")
    .map(([key, resource]) => ({ ...resource, parent: parents.get(key) }));
  return { resources, outputs };
}

/** Unwraps the stack's exports; a module namespace object needs its own keys copied. */
function resolveOutputs(exported: Record<string, unknown>): Promise<Record<string, unknown>> {
  const plain = Object.fromEntries(Object.entries(exported).filter(([key]) => key !== "default"));
  return new Promise((resolve) =>
    pulumi.output(plain).apply((values) => resolve(values as Record<string, unknown>)),
  );
}

/** Waits until every pending registration has reached the mock monitor. */
async function waitForRegistrations(): Promise<void> {
  // `waitForRPCs` is exported at run time but marked internal in the typings.
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
}
