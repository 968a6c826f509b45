import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { PlanConfig, SECRET_PLACEHOLDER } from "./stackConfig";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_REGION = "us-east-1";

/** Said with every plan: none of the account's identifiers it prints is real. */
export const PLACEHOLDER_NOTE =
  `Account ids, ARNs, domains and URLs are placeholders (account ${MOCK_ACCOUNT_ID}, ${MOCK_REGION}); ` +
  "`pulumi up` assigns the real ones.";

/** One resource the program registered, with the inputs the engine received. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent, or undefined for children of the stack. */
  readonly parent?: string;
  /** The resource options the engine never shows the mocks, as the program set them. */
  readonly options: PlannedOptions;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
  /** What the mocks computed for the resource, as the provider would. */
  readonly outputs: Record<string, any>;
  readonly urn: string;
}

/** Resource options that matter on real AWS: ordering, secrets and lifecycle. */
export interface PlannedOptions {
  /** `type::name` of each explicit dependency. */
  readonly dependsOn: string[];
  /** `type::name` of the explicit provider, if any. */
  readonly provider?: string;
  readonly additionalSecretOutputs: string[];
  readonly retainOnDelete: boolean;
  readonly aliases: number;
}

/** What a run of the program under the mocks produced. */
export interface PlannedStack {
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
}

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

/** What the mocks know of a resource when they fake its outputs. */
interface FakeContext {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** The outputs every resource gets: its inputs, an `id`, an `arn` and a `name`. */
  readonly base: { readonly id: string; readonly arn: string; readonly name: string };
}

/** The outputs AWS computes for one resource type, over and above {@link FakeContext.base}. */
type FakeOutputs = (resource: FakeContext) => Record<string, any>;

const regional = (service: string) => `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT_ID}`;

/**
 * The outputs the program reads, by resource type, in the shapes AWS gives them. A type
 * not listed gets only the common outputs.
 */
const FAKE_OUTPUTS: Record<string, FakeOutputs> = {
  "aws:s3/bucket:Bucket": ({ inputs, base }) => {
    const bucket = inputs.bucket ?? base.id;
    return {
      id: bucket,
      bucket,
      arn: `arn:aws:s3:::${bucket}`,
      bucketRegionalDomainName: `${bucket}.s3.${MOCK_REGION}.amazonaws.com`,
    };
  },
  "aws:cloudfront/originAccessIdentity:OriginAccessIdentity": ({ name }) => {
    const oaiId = `E${shortHash(name).toUpperCase()}`;
    return {
      id: oaiId,
      iamArn: `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ${oaiId}`,
      cloudfrontAccessIdentityPath: `origin-access-identity/cloudfront/${oaiId}`,
    };
  },
  "aws:cloudfront/distribution:Distribution": ({ name, base }) => ({
    domainName: `d${shortHash(name)}.cloudfront.net`,
    // CloudFront's one hosted zone for alias records.
    hostedZoneId: "Z2FDTNDATAQYW2",
    arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${base.id}`,
  }),
  // CloudFront public key ids are upper-case letters and digits, starting with K.
  "aws:cloudfront/publicKey:PublicKey": ({ type, name }) => ({
    id: `K${shortHash(type + name)
      .toUpperCase()
      .slice(0, 13)}`,
  }),
  // Key group ids are UUIDs.
  "aws:cloudfront/keyGroup:KeyGroup": ({ type, name }) => {
    const hex = shortHash(type + name) + shortHash(`${name}-key-group`) + shortHash(name);
    const parts = [
      [0, 8],
      [8, 12],
      [12, 16],
      [16, 20],
      [20, 32],
    ];
    return { id: parts.map(([from, to]) => hex.slice(from, to)).join("-") };
  },
  "aws:mediaconvert/queue:Queue": ({ inputs, base }) => {
    const queueName = inputs.name ?? base.id;
    return {
      id: queueName,
      name: queueName,
      arn: `${regional("mediaconvert")}:queues/${queueName}`,
    };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": ({ base }) => ({
    arn: `${regional("cloudwatch")}:alarm:${base.name}`,
  }),
  "aws:cloudwatch/dashboard:Dashboard": ({ inputs }) => ({
    id: inputs.dashboardName,
    dashboardArn: `arn:aws:cloudwatch::${MOCK_ACCOUNT_ID}:dashboard/${inputs.dashboardName}`,
  }),
  "aws:acm/certificate:Certificate": ({ name, inputs }) => ({
    arn: `arn:aws:acm:us-east-1:${MOCK_ACCOUNT_ID}:certificate/${shortHash(name)}`,
    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(
      (domainName: string) => ({
        domainName,
        resourceRecordName: `_${shortHash(domainName)}.${domainName}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${shortHash(`${domainName}-value`)}.acm-validations.aws.`,
      }),
    ),
  }),
  "aws:route53/record:Record": ({ inputs }) => ({
    fqdn: String(inputs.name).replace(/\.$/, ""),
  }),
  "aws:sqs/queue:Queue": ({ base }) => ({
    url: `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT_ID}/${base.name}`,
    arn: `${regional("sqs")}:${base.name}`,
  }),
  "aws:iam/role:Role": ({ base }) => ({
    id: base.name,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${base.name}`,
  }),
  "aws:cloudwatch/logGroup:LogGroup": ({ base }) => ({
    arn: `${regional("logs")}:log-group:${base.name}`,
  }),
  "aws:cloudwatch/eventRule:EventRule": ({ base }) => ({
    arn: `${regional("events")}:rule/${base.name}`,
  }),
  "aws:apigateway/restApi:RestApi": ({ name }) => {
    const apiId = shortHash(name).slice(0, 10);
    return {
      id: apiId,
      rootResourceId: shortHash(`${name}-root`).slice(0, 10),
      executionArn: `${regional("execute-api")}:${apiId}`,
    };
  },
  "aws:apigateway/stage:Stage": ({ inputs }) => {
    const api = String(inputs.restApi);
    return {
      invokeUrl: `https://${api}.execute-api.${MOCK_REGION}.amazonaws.com/${inputs.stageName}`,
      executionArn: `${regional("execute-api")}:${api}/${inputs.stageName}`,
    };
  },
  "aws:mediapackage/channel:Channel": ({ name, inputs }) => ({
    id: inputs.channelId,
    hlsIngests: [
      {
        ingestEndpoints: [1, 2].map((n) => ({
          url: `https://${shortHash(`${name}${n}`)}.mediapackage.${MOCK_REGION}.amazonaws.com/in/v2/${shortHash(name)}/channel`,
          username: shortHash(`${name}-user${n}`),
          password: `mock-ingest-password-${shortHash(`${name}-password${n}`)}`,
        })),
      },
    ],
  }),
  "aws-native:mediapackage:OriginEndpoint": ({ name, inputs }) => {
    const host = `${shortHash(`${name}-host`)}.mediapackage.${MOCK_REGION}.amazonaws.com`;
    const manifest = inputs.dashPackage ? "index.mpd" : "index.m3u8";
    return { url: `https://${host}/out/v1/${shortHash(name)}/${manifest}` };
  },
  "aws:lambda/function:Function": ({ base }) => {
    const functionArn = `${regional("lambda")}:function:${base.name}`;
    return {
      arn: functionArn,
      invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
    };
  },
  // Secrets Manager appends a dash and six random characters to the name.
  "aws:secretsmanager/secret:Secret": ({ name, base }) => {
    const arn = `${regional("secretsmanager")}:secret:${base.name}-${shortHash(name).slice(0, 6)}`;
    return { id: arn, arn };
  },
  "aws:apigatewayv2/api:Api": ({ type, name }) => {
    const apiId = shortHash(type + name).slice(0, 10);
    return {
      id: apiId,
      arn: `arn:aws:apigateway:${MOCK_REGION}::/apis/${apiId}`,
      apiEndpoint: `https://${apiId}.execute-api.${MOCK_REGION}.amazonaws.com`,
      executionArn: `${regional("execute-api")}:${apiId}`,
    };
  },
  // The $default stage is served at the API's root; others under their name.
  "aws:apigatewayv2/stage:Stage": ({ name, inputs }) => {
    const stage = inputs.name ?? name;
    const path = stage === "$default" ? "" : stage;
    return {
      id: stage,
      invokeUrl: `https://${inputs.apiId}.execute-api.${MOCK_REGION}.amazonaws.com/${path}`,
      executionArn: `${regional("execute-api")}:${inputs.apiId}/${stage}`,
    };
  },
};

/**
 * The outputs AWS would compute for a resource, derived deterministically from its
 * name so the plan prints the same thing every time.
 */
export function fakeState(
  type: string,
  name: string,
  inputs: Record<string, any>,
): Record<string, any> {
  const service = type.split(":")[1].split("/")[0].toLowerCase();
  const id = `${name}-${shortHash(type + name).slice(0, 8)}`;
  const base = { id, arn: `${regional(service)}:${id}`, name: inputs.name ?? id };
  const computed = FAKE_OUTPUTS[type]?.({ type, name, inputs, base }) ?? {};
  return { ...inputs, ...base, ...computed };
}

/** Results of the provider functions (invokes) the program calls, by token. */
const FAKE_CALLS: Record<string, Record<string, any>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": {
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/plan`,
    userId: "AIDAPLAN",
    id: MOCK_ACCOUNT_ID,
  },
  "aws:index/getRegion:getRegion": { region: MOCK_REGION, name: MOCK_REGION, id: MOCK_REGION },
  "aws:index/getPartition:getPartition": {
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    id: "aws",
  },
};

/** The result of a provider function (invoke) the program calls. */
export function fakeCall(token: string): Record<string, any> {
  const result = FAKE_CALLS[token];
  if (!result) throw new Error(`The plan has no mock for the provider function ${token}`);
  return { ...result };
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
  const byKey = new Map<string, Omit<PlannedResource, "parent" | "options">>();
  const parents = new Map<string, string | undefined>();
  const options = new Map<string, PlannedOptions>();
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

  // The program's own exports: the stack unwraps them, and with them their secretness.
  let exported: Record<string, unknown> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    // Record each resource's parent as it is constructed: the mock monitor isn't told.
    pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
      const key = `${type}::${name}`;
      keyOf.set(resource, key);
      parents.set(key, opts.parent ? keyOf.get(opts.parent) : undefined);
      const dependsOn = Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn];
      options.set(key, {
        dependsOn: dependsOn
          .filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d))
          .map((d) => keyOf.get(d) ?? "(unknown)"),
        provider: opts.provider ? keyOf.get(opts.provider) : undefined,
        additionalSecretOutputs: [
          ...((opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? []),
        ],
        retainOnDelete: opts.retainOnDelete ?? false,
        aliases: opts.aliases?.length ?? 0,
      });
      return undefined;
    });
    exported = ((await program()) ?? {}) as Record<string, unknown>;
    // Pulumi leaves undefined exports (a feature turned off) out of the outputs, and warns
    // about each; the plan only leaves them out.
    return Object.fromEntries(Object.entries(exported).filter(([, value]) => value !== undefined));
  });
  const outputs = await resolveOutputs(exported);
  await waitForRegistrations();

  const resources = [...byKey.entries()]
    .filter(([, resource]) => resource.type !== "pulumi:pulumi:Stack")
    .map(([key, resource]) => ({
      ...resource,
      parent: parents.get(key),
      options: options.get(key) ?? NO_OPTIONS,
    }));
  return { resources, outputs };
}

/**
 * Unwraps the stack's exports (a module namespace object needs its own keys copied),
 * showing secret ones as {@link SECRET_PLACEHOLDER}, as `pulumi stack output` does.
 * Exports that are undefined (a feature turned off) are left out, as Pulumi leaves them.
 */
async function resolveOutputs(exported: Record<string, unknown>): Promise<Record<string, unknown>> {
  const entries = Object.entries(exported).filter(
    ([key, value]) => key !== "default" && value !== undefined,
  );
  const resolved = await Promise.all(
    entries.map(async ([key, value]) => {
      const output = pulumi.output(value as {}) as pulumi.Output<unknown>;
      if (await pulumi.isSecret(output)) return [key, SECRET_PLACEHOLDER] as const;
      return [key, await new Promise((resolve) => output.apply(resolve))] as const;
    }),
  );
  return Object.fromEntries(resolved);
}

/** The options of a resource created without any. */
export const NO_OPTIONS: PlannedOptions = {
  dependsOn: [],
  additionalSecretOutputs: [],
  retainOnDelete: false,
  aliases: 0,
};

/** The engine's marker for a secret value in resource inputs. */
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** Whether an input value, as the mock monitor received it, is a secret. */
export function isSecret(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.values(value).includes(SECRET_SIGNATURE) &&
    "value" in value
  );
}

/** Waits until every pending registration has reached the mock monitor. */
async function waitForRegistrations(): Promise<void> {
  // `waitForRPCs` is exported at run time but marked internal in the typings.
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
}

/** Every resource of a type the program registered. */
export function ofType(plan: PlannedStack, type: string): PlannedResource[] {
  return plan.resources.filter((resource) => resource.type === type);
}

/**
 * Runs the whole program, `index.ts`, under the mock runtime for a stack's config. The
 * module is loaded afresh each time: once loaded, requiring it again registers nothing.
 */
export function runWholeProgram(config: PlanConfig): Promise<PlannedStack> {
  const program = require.resolve("../index");
  delete require.cache[program];
  return runUnderMocks(config, async () => require(program));
}
