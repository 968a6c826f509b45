import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { allPolicies, EvaluatedResource, evaluatePolicies, PACK_NAME } from "../rules";
import {
  atFirstPreview,
  BUCKET_POLICY,
  changed,
  compliantStack,
  convertFunction,
  corsConfiguration,
  customCertificate,
  customOrigin,
  distributionWithOrigin,
  drmEndpoint,
  encryptedQueue,
  encryptedTopic,
  httpsIntegration,
  iamMethod,
  loggedStage,
  MEDIACONVERT_ROLE_ARN,
  messagesOf,
  oaiDistribution,
  oailessDistribution,
  OWNERSHIP_CONTROLS,
  privateBucketWith,
  privateBucketWithout,
  policyDocument,
  PUBLIC_ACCESS_BLOCK,
  resource,
  ROLE_POLICY_ATTACHMENT,
  rolePolicy,
  rotatingKey,
  seedLambdaPolicy,
  seedPublicBucket,
  seedWildcardCors,
  SSE_CONFIGURATION,
  UNKNOWN_STRING,
} from "./fixtures";

const PACK_DIR = path.resolve(__dirname, "..");

type Level = "mandatory" | "advisory";
/** The levels at which one policy reports on these resources. */
const levelsOf = async (policyName: string, resources: EvaluatedResource[]): Promise<Level[]> =>
  (await evaluatePolicies(resources))
    .filter((v) => v.policyName === policyName)
    .map((v) => v.enforcementLevel as Level);

/** A fixture each rule must flag. */
const VIOLATING: Record<string, EvaluatedResource[]> = {
  "s3-bucket-public-access-blocked": privateBucketWithout(PUBLIC_ACCESS_BLOCK),
  "s3-bucket-server-side-encryption": privateBucketWithout(SSE_CONFIGURATION),
  "s3-bucket-tls-requests-only": privateBucketWithout(BUCKET_POLICY),
  "s3-bucket-policy-not-public": seedPublicBucket(),
  "s3-bucket-no-public-acl": seedPublicBucket(),
  "s3-bucket-acls-disabled": privateBucketWith(OWNERSHIP_CONTROLS, {
    rule: { objectOwnership: "BucketOwnerPreferred" },
  }),
  "s3-cors-allowed-origins": [seedWildcardCors()],
  "cloudfront-s3-origin-access-identity": [oailessDistribution()],
  "cloudfront-viewer-https": [
    changed(oaiDistribution(), { viewerCertificate: customCertificate() }),
  ],
  "cloudfront-origin-https": [
    distributionWithOrigin(customOrigin({ originProtocolPolicy: "http-only" })),
  ],
  "sns-topic-encrypted": [changed(encryptedTopic(), { kmsMasterKeyId: undefined })],
  "sqs-queue-encrypted": [changed(encryptedQueue(), { sqsManagedSseEnabled: undefined })],
  "kms-key-rotation-enabled": [changed(rotatingKey(), { enableKeyRotation: undefined })],
  "mediapackage-endpoint-speke-encrypted": [drmEndpoint({ dashPackage: {} })],
  "mediapackage-key-rotation-interval": [
    drmEndpoint({
      dashPackage: {
        encryption: {
          ...drmEndpoint().props.dashPackage.encryption,
          keyRotationIntervalSeconds: 60,
        },
      },
    }),
  ],
  "apigateway-method-iam-authorization": [changed(iamMethod(), { authorization: "NONE" })],
  "apigateway-integration-https": [changed(httpsIntegration(), { uri: "http://kms.example.com" })],
  "apigateway-stage-access-logging": [changed(loggedStage(), { accessLogSettings: undefined })],
  "iam-no-wildcard-actions": [seedLambdaPolicy()],
  "iam-passrole-scoped": [seedLambdaPolicy()],
  "iam-passrole-passed-to-service": [seedLambdaPolicy()],
  "iam-no-aws-managed-policies": [
    resource(ROLE_POLICY_ATTACHMENT, "admin", {
      role: "convert",
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
  ],
  "lambda-supported-runtime": [changed(convertFunction(), { runtime: "nodejs20.x" })],
  "lambda-no-plaintext-secrets": [convertFunction({ PALLYCON_ENC_TOKEN: "abc" })],
};

describe("the policy pack", () => {
  it("names every rule once, in kebab-case", () => {
    const names = allPolicies.map((policy) => policy.name);
    for (const name of names) assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
    assert.equal(new Set(names).size, names.length);
  });

  it("describes every rule by what it requires or checks", () => {
    for (const policy of allPolicies)
      assert.match(policy.description, /^(Requires|Checks whether) /, policy.name);
  });

  it("makes every rule mandatory by default", () => {
    for (const policy of allPolicies)
      assert.equal(policy.enforcementLevel, "mandatory", policy.name);
  });

  it("gives every setting a default", () => {
    for (const policy of allPolicies) {
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {}))
        assert.notEqual(schema.default, undefined, `${policy.name}.${key}`);
    }
  });

  it("passes one compliant resource of every type it checks", async () => {
    assert.deepEqual(await evaluatePolicies(compliantStack()), []);
  });

  for (const policy of allPolicies) {
    it(`has a fixture that ${policy.name} flags`, async () => {
      const fixture = VIOLATING[policy.name];
      assert.ok(fixture, `no violating fixture for ${policy.name}`);
      assert.notDeepEqual(await messagesOf(policy.name, fixture), []);
    });
  }

  it("is a Node.js policy pack of its own, named vod-multidrm", () => {
    const manifest = parse(readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8"));
    assert.equal(manifest.runtime, "nodejs");
    const pkg = JSON.parse(readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
    assert.ok(pkg.version && pkg.dependencies["@pulumi/policy"]);
    assert.equal(PACK_NAME, "vod-multidrm");
    const index = readFileSync(path.join(PACK_DIR, "index.ts"), "utf8");
    assert.match(
      index,
      /new PolicyPack\(PACK_NAME, \{ enforcementLevel: "mandatory", policies: allPolicies \}\)/,
    );
  });

  it("loads none of the policy SDK's server when the rules are imported", () => {
    const loaded = Object.keys(require.cache).filter((file) =>
      /@pulumi[\\/]policy[\\/](server|policy|index)\.js$/.test(file),
    );
    assert.deepEqual(loaded, []);
  });
});

/**
 * For each rule that binds only at `up`: a violation wired as the program wires it, with
 * the value the rule needs coming from another resource's output. Unless given, its
 * first-preview form is `atFirstPreview` of it.
 */
const PASS_ROLE = {
  Sid: "PassTheMediaConvertRole",
  Effect: "Allow",
  Action: "iam:PassRole",
  Resource: MEDIACONVERT_ROLE_ARN,
};
const UP_CASES: Record<string, { atUp: EvaluatedResource[]; atPreview?: EvaluatedResource[] }> = {
  "s3-bucket-tls-requests-only": {
    atUp: privateBucketWith(BUCKET_POLICY, {
      policy: policyDocument({
        Sid: "ReadObjects",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1" },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::uploads/*",
      }),
    }),
  },
  "s3-bucket-policy-not-public": { atUp: seedPublicBucket() },
  "s3-cors-allowed-origins": {
    atUp: [seedWildcardCors()],
    // The program merges the configured origins with the distribution's own domain.
    atPreview: [
      changed(seedWildcardCors(), {
        corsRules: [{ allowedMethods: ["GET"], allowedOrigins: UNKNOWN_STRING }],
      }),
    ],
  },
  "iam-no-wildcard-actions": {
    atUp: [
      rolePolicy("convert", {
        Effect: "Allow",
        Action: "s3:*",
        Resource: "arn:aws:s3:::vod-output/*",
      }),
    ],
  },
  "iam-passrole-scoped": {
    atUp: [rolePolicy("convert", { ...PASS_ROLE, Resource: "arn:aws:iam::123456789012:role/*" })],
  },
  "iam-passrole-passed-to-service": { atUp: [rolePolicy("convert", PASS_ROLE)] },
};

describe("when each rule binds", () => {
  it("says for every rule whether it binds at preview or only at up, and why", () => {
    for (const policy of allPolicies) {
      assert.ok(["preview", "up"].includes(policy.binds.at), policy.name);
      assert.match(policy.binds.reason, /^[A-Z].*\.$/, policy.name);
    }
  });

  for (const policy of allPolicies.filter((p) => p.binds.at === "preview")) {
    it(`${policy.name} binds at preview: it flags its violation with outputs of new resources unknown`, async () => {
      const fixture = atFirstPreview(VIOLATING[policy.name]);
      assert.deepEqual([...new Set(await levelsOf(policy.name, fixture))], ["mandatory"]);
    });
  }

  for (const policy of allPolicies.filter((p) => p.binds.at === "up")) {
    it(`${policy.name} binds at up: at the first preview it can only say it can't run yet`, async () => {
      const { atUp, atPreview = atFirstPreview(atUp) } = UP_CASES[policy.name] ?? {};
      assert.ok(atUp, `no up case for ${policy.name}`);
      assert.deepEqual([...new Set(await levelsOf(policy.name, atPreview))], ["advisory"]);
      assert.match(
        (await messagesOf(policy.name, atPreview))[0],
        /^can't run policy .* during preview: /,
      );
      assert.deepEqual([...new Set(await levelsOf(policy.name, atUp))], ["mandatory"]);
    });
  }

  it("leaves to up exactly the rules that say so, over the compliant stack at its first preview", async () => {
    const violations = await evaluatePolicies(atFirstPreview(compliantStack()));
    assert.deepEqual(
      violations.filter((v) => v.enforcementLevel === "mandatory"),
      [],
    );
    const waiting = new Set(violations.map((v) => v.policyName));
    const claimed = allPolicies.filter((p) => p.binds.at === "up").map((p) => p.name);
    // CORS origins are literals in the compliant fixture; the program computes them.
    assert.deepEqual(
      [...waiting].sort(),
      claimed.filter((name) => name !== "s3-cors-allowed-origins").sort(),
    );
  });
});

describe("the source design's own setup", () => {
  const flaggedBy = async (resources: EvaluatedResource[]) => [
    ...new Set(
      (await evaluatePolicies(resources)).map((v) => `${v.enforcementLevel} ${v.policyName}`),
    ),
  ];

  it("flags its public output bucket and Principal * read policy", async () => {
    assert.deepEqual(await flaggedBy(seedPublicBucket()), [
      "mandatory s3-bucket-public-access-blocked",
      "mandatory s3-bucket-server-side-encryption",
      "mandatory s3-bucket-tls-requests-only",
      "mandatory s3-bucket-policy-not-public",
      "mandatory s3-bucket-no-public-acl",
    ]);
  });

  it("flags its S3 origin without an OAI", async () => {
    assert.deepEqual(await flaggedBy([oailessDistribution()]), [
      "mandatory cloudfront-s3-origin-access-identity",
    ]);
  });

  it("flags its CORS allowing every origin", async () => {
    assert.deepEqual(await flaggedBy([seedWildcardCors()]), ["mandatory s3-cors-allowed-origins"]);
  });

  it("flags its Lambda policy with s3:*, mediaconvert:* and iam:PassRole on *", async () => {
    assert.deepEqual(await flaggedBy([seedLambdaPolicy()]), [
      "mandatory iam-no-wildcard-actions",
      "mandatory iam-passrole-scoped",
      "mandatory iam-passrole-passed-to-service",
    ]);
  });

  it("passes the same CORS once its origins are named", async () => {
    assert.deepEqual(await flaggedBy([corsConfiguration("https://player.example.com")]), []);
  });
});
