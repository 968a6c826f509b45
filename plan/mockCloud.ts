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
  if (type === "aws-native:mediapackage:OriginEndpoint") {
    const host = `${shortHash(`${name}-host`)}.mediapackage.${MOCK_REGION}.amazonaws.com`;
    const manifest = inputs.dashPackage ? "index.mpd" : "index.m3u8";
    return { ...base, url: `https://${host}/out/v1/${shortHash(name)}/${manifest}` };
  }
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
      return {
        ...base,
        domainName: `d${shortHash(name)}.cloudfront.net`,
        // CloudFront's one hosted zone for alias records.
        hostedZoneId: "Z2FDTNDATAQYW2",
        arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${id}`,
      };
    case "aws:cloudfront/publicKey:PublicKey":
      // CloudFront public key ids are upper-case letters and digits, starting with K.
      return {
        ...base,
        id: `K${shortHash(type + name)
          .toUpperCase()
          .slice(0, 13)}`,
      };
    case "aws:cloudfront/keyGroup:KeyGroup": {
      // Key group ids are UUIDs.
      const hex = shortHash(type + name) + shortHash(`${name}-key-group`) + shortHash(name);
      const id = [
        hex.slice(0, 8),
        hex.slice(8, 12),
        hex.slice(12, 16),
        hex.slice(16, 20),
        hex.slice(20, 32),
      ];
      return { ...base, id: id.join("-") };
    }
    case "aws:mediaconvert/queue:Queue": {
      const queueName = inputs.name ?? id;
      return {
        ...base,
        id: queueName,
        name: queueName,
        arn: `arn:aws:mediaconvert:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:queues/${queueName}`,
      };
    }
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return {
        ...base,
        arn: `arn:aws:cloudwatch:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:alarm:${base.name}`,
      };
    case "aws:cloudwatch/dashboard:Dashboard":
      return {
        ...base,
        id: inputs.dashboardName,
        dashboardArn: `arn:aws:cloudwatch::${MOCK_ACCOUNT_ID}:dashboard/${inputs.dashboardName}`,
      };
    case "aws:acm/certificate:Certificate":
      return {
        ...base,
        arn: `arn:aws:acm:us-east-1:${MOCK_ACCOUNT_ID}:certificate/${shortHash(name)}`,
        domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(
          (domainName: string) => ({
            domainName,
            resourceRecordName: `_${shortHash(domainName)}.${domainName}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: `_${shortHash(`${domainName}-value`)}.acm-validations.aws.`,
          }),
        ),
      };
    case "aws:route53/record:Record":
      return { ...base, fqdn: String(inputs.name).replace(/\.$/, "") };
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
    case "aws:apigateway/restApi:RestApi":
      return {
        ...base,
        id: shortHash(name).slice(0, 10),
        rootResourceId: shortHash(`${name}-root`).slice(0, 10),
        executionArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${shortHash(name).slice(0, 10)}`,
      };
    case "aws:apigateway/stage:Stage": {
      const api = String(inputs.restApi);
      return {
        ...base,
        invokeUrl: `https://${api}.execute-api.${MOCK_REGION}.amazonaws.com/${inputs.stageName}`,
        executionArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${api}/${inputs.stageName}`,
      };
    }
    case "aws:mediapackage/channel:Channel":
      return {
        ...base,
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
      };
    case "aws:lambda/function:Function": {
      const functionArn = `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:${base.name}`;
      return {
        ...base,
        arn: functionArn,
        invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
      };
    }
    case "aws:secretsmanager/secret:Secret":
      // Secrets Manager appends a dash and six random characters to the name.
      return {
        ...base,
        id: `arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:${base.name}-${shortHash(name).slice(0, 6)}`,
        arn: `arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:${base.name}-${shortHash(name).slice(0, 6)}`,
      };
    case "aws:apigatewayv2/api:Api": {
      const apiId = shortHash(type + name).slice(0, 10);
      return {
        ...base,
        id: apiId,
        arn: `arn:aws:apigateway:${MOCK_REGION}::/apis/${apiId}`,
        apiEndpoint: `https://${apiId}.execute-api.${MOCK_REGION}.amazonaws.com`,
        executionArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${apiId}`,
      };
    }
    case "aws:apigatewayv2/stage:Stage": {
      // The $default stage is served at the API's root; others under their name.
      const stage = inputs.name ?? name;
      const path = stage === "$default" ? "" : stage;
      return {
        ...base,
        id: stage,
        invokeUrl: `https://${inputs.apiId}.execute-api.${MOCK_REGION}.amazonaws.com/${path}`,
        executionArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${inputs.apiId}/${stage}`,
      };
    }
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
