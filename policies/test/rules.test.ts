import * as assert from "node:assert/strict";
import { allPolicies, evaluatePolicies } from "../rules";
import {
  messagesOf,
  oaiDistribution,
  oailessDistribution,
  privateBucket,
  rolePolicy,
  seedLambdaPolicy,
  seedPublicBucket,
  spekePackage,
  withProps,
} from "./fixtures";

const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const SSE =
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const withoutType = (type: string) => privateBucket().filter((r) => r.type !== type);

describe("policy pack", () => {
  it("names every rule in kebab-case with a description that says what to do", () => {
    for (const policy of allPolicies) {
      assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
      assert.match(policy.description, /^(Requires|Checks whether)/);
      assert.equal(policy.enforcementLevel, "mandatory");
    }
  });

  it("passes a private bucket, an OAI distribution and a scoped role", async () => {
    const scoped = rolePolicy("convert", {
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: "arn:aws:iam::123456789012:role/mc",
      Condition: { StringEquals: { "iam:PassedToService": "mediaconvert.amazonaws.com" } },
    });
    assert.deepEqual(await evaluatePolicies([...privateBucket(), oaiDistribution(), scoped]), []);
  });

  it("lets a policy be made advisory or disabled through its config", async () => {
    const levels = (
      await evaluatePolicies(seedPublicBucket(), { "s3-bucket-policy-not-public": "advisory" })
    )
      .filter((v) => v.policyName === "s3-bucket-policy-not-public")
      .map((v) => v.enforcementLevel);
    assert.deepEqual(levels, ["advisory"]);
    const disabled = await evaluatePolicies(seedPublicBucket(), {
      "s3-bucket-policy-not-public": { enforcementLevel: "disabled" },
    });
    assert.ok(!disabled.some((v) => v.policyName === "s3-bucket-policy-not-public"));
  });
});

describe("s3-bucket-public-access-blocked", () => {
  it("flags a bucket without a public access block", async () => {
    assert.deepEqual(await messagesOf("s3-bucket-public-access-blocked", withoutType(PAB)), [
      "Bucket uploads has no public access block.",
    ]);
  });

  it("flags a public access block with a setting off", async () => {
    const open = withProps(privateBucket(), PAB, (p) => ({ ...p, restrictPublicBuckets: false }));
    assert.deepEqual(await messagesOf("s3-bucket-public-access-blocked", open), [
      "Bucket uploads does not block public access: restrictPublicBuckets not true.",
    ]);
  });

  it("flags the source design's public bucket", async () => {
    assert.deepEqual(await messagesOf("s3-bucket-public-access-blocked", seedPublicBucket()), [
      "Bucket seed-output has no public access block.",
    ]);
  });
});

describe("s3-bucket-encrypted-and-tls-only", () => {
  it("flags a bucket without server-side encryption", async () => {
    assert.deepEqual(await messagesOf("s3-bucket-encrypted-and-tls-only", withoutType(SSE)), [
      "Bucket uploads has no server-side encryption configuration.",
    ]);
  });

  it("flags a bucket whose policy does not deny plain HTTP", async () => {
    assert.deepEqual(
      await messagesOf("s3-bucket-encrypted-and-tls-only", withoutType(BUCKET_POLICY)),
      ["Bucket uploads has no policy denying non-TLS (aws:SecureTransport=false) requests."],
    );
  });
});

describe("s3-bucket-policy-not-public", () => {
  it("flags the source design's Principal * read policy", async () => {
    assert.deepEqual(await messagesOf("s3-bucket-policy-not-public", seedPublicBucket()), [
      "Statement PublicRead allows s3:GetObject to everyone.",
    ]);
  });

  it("passes a Principal * statement restricted by a condition, and a deny", async () => {
    const restricted = withProps(privateBucket(), BUCKET_POLICY, (p) => ({
      ...p,
      policy: JSON.stringify({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "s3:GetObject",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
          },
        ],
      }),
    }));
    assert.deepEqual(await messagesOf("s3-bucket-policy-not-public", restricted), []);
    assert.deepEqual(await messagesOf("s3-bucket-policy-not-public", privateBucket()), []);
  });
});

describe("s3-bucket-no-public-acl", () => {
  it("flags a public-read canned ACL", async () => {
    assert.deepEqual(await messagesOf("s3-bucket-no-public-acl", seedPublicBucket()), [
      'The ACL "public-read" makes objects public.',
    ]);
  });

  it("flags a grant to AllUsers", async () => {
    const acl = {
      type: "aws:s3/bucketAcl:BucketAcl",
      name: "acl",
      props: {
        accessControlPolicy: {
          grants: [
            {
              permission: "READ",
              grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
            },
          ],
        },
      },
    };
    assert.deepEqual(await messagesOf("s3-bucket-no-public-acl", [acl]), [
      "A grant gives READ to http://acs.amazonaws.com/groups/global/AllUsers.",
    ]);
  });

  it("passes a private bucket", async () => {
    assert.deepEqual(await messagesOf("s3-bucket-no-public-acl", privateBucket()), []);
  });
});

describe("s3-cors-allowed-origins", () => {
  const cors = (...allowedOrigins: string[]) => ({
    type: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    name: "output",
    props: { bucket: "output", corsRules: [{ allowedMethods: ["GET"], allowedOrigins }] },
  });

  it("flags the source design's CORS allowing *", async () => {
    assert.deepEqual(await messagesOf("s3-cors-allowed-origins", [cors("*")]), [
      'CORS allows the wildcard origin "*".',
    ]);
  });

  it("passes named origins, and flags one outside a configured list", async () => {
    assert.deepEqual(
      await messagesOf("s3-cors-allowed-origins", [cors("https://player.example.com")]),
      [],
    );
    const config = {
      "s3-cors-allowed-origins": { allowedOrigins: ["https://player.example.com"] },
    };
    assert.deepEqual(
      await messagesOf("s3-cors-allowed-origins", [cors("https://evil.example.com")], config),
      ['CORS allows "https://evil.example.com", which is not in the allowed origins.'],
    );
  });
});

describe("cloudfront-s3-origin-access-identity", () => {
  it("flags the source design's S3 origin without an OAI", async () => {
    assert.deepEqual(
      await messagesOf("cloudfront-s3-origin-access-identity", [oailessDistribution()]),
      ["Origin output reads S3 bucket seed-output.s3.amazonaws.com without an OAI or OAC."],
    );
  });

  it("passes an OAI origin, an OAC origin and a custom origin", async () => {
    const oac = oaiDistribution();
    oac.props.origins = [
      {
        originId: "oac",
        domainName: "b.s3.eu-west-1.amazonaws.com",
        originAccessControlId: "E1OAC",
      },
      { originId: "api", domainName: "api.example.com", customOriginConfig: {} },
    ];
    assert.deepEqual(
      await messagesOf("cloudfront-s3-origin-access-identity", [oaiDistribution(), oac]),
      [],
    );
  });
});

describe("cloudfront-viewer-https", () => {
  it("flags a behaviour that allows plain HTTP", async () => {
    const open = oaiDistribution();
    open.props.orderedCacheBehaviors = [{ pathPattern: "*.ts", viewerProtocolPolicy: "allow-all" }];
    assert.deepEqual(await messagesOf("cloudfront-viewer-https", [open]), [
      "Cache behaviour *.ts allows plain HTTP viewers.",
    ]);
  });

  it("flags a custom certificate below the minimum TLS version", async () => {
    const old = oaiDistribution();
    old.props.viewerCertificate = {
      acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/x",
      minimumProtocolVersion: "TLSv1.2_2019",
    };
    assert.deepEqual(await messagesOf("cloudfront-viewer-https", [old]), [
      "The custom certificate allows TLSv1.2_2019; the minimum is TLSv1.2_2021.",
    ]);
    assert.deepEqual(
      await messagesOf("cloudfront-viewer-https", [old], {
        "cloudfront-viewer-https": { minimumProtocolVersion: "TLSv1.2_2019" },
      }),
      [],
    );
  });
});

describe("sns-topic-encrypted and sqs-queue-encrypted", () => {
  it("flags an unencrypted topic and queue", async () => {
    const topic = { type: "aws:sns/topic:Topic", name: "t", props: {} };
    const queue = {
      type: "aws:sqs/queue:Queue",
      name: "q",
      props: { sqsManagedSseEnabled: false },
    };
    assert.deepEqual(await messagesOf("sns-topic-encrypted", [topic]), [
      "The topic is not encrypted: set kmsMasterKeyId.",
    ]);
    assert.deepEqual(await messagesOf("sqs-queue-encrypted", [queue]), [
      "The queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId.",
    ]);
  });

  it("passes a KMS topic and an SSE-SQS queue", async () => {
    const topic = {
      type: "aws:sns/topic:Topic",
      name: "t",
      props: { kmsMasterKeyId: "arn:aws:kms:us-east-1:1:key/k" },
    };
    const queue = { type: "aws:sqs/queue:Queue", name: "q", props: { sqsManagedSseEnabled: true } };
    assert.deepEqual(await messagesOf("sns-topic-encrypted", [topic]), []);
    assert.deepEqual(await messagesOf("sqs-queue-encrypted", [queue]), []);
  });
});

describe("mediapackage rules", () => {
  const endpoint = (props: object) => ({
    type: "aws-native:mediapackage:OriginEndpoint",
    name: "live-hls",
    props,
  });

  it("passes an endpoint encrypted through SPEKE", async () => {
    assert.deepEqual(
      await messagesOf("mediapackage-endpoint-speke-encrypted", [
        endpoint({ hlsPackage: spekePackage() }),
      ]),
      [],
    );
  });

  it("flags an unencrypted package, a plain-http key server, no system id and no role", async () => {
    assert.deepEqual(
      await messagesOf("mediapackage-endpoint-speke-encrypted", [endpoint({ dashPackage: {} })]),
      ["dashPackage is not encrypted."],
    );
    const weak = spekePackage();
    weak.encryption.spekeKeyProvider = {
      ...weak.encryption.spekeKeyProvider,
      url: "http://kms.example.com",
      systemIds: [],
      roleArn: "",
    };
    assert.deepEqual(
      await messagesOf("mediapackage-endpoint-speke-encrypted", [endpoint({ hlsPackage: weak })]),
      [
        "hlsPackage: the SPEKE URL is not https.",
        "hlsPackage: no DRM system id.",
        "hlsPackage: no SPEKE role.",
      ],
    );
  });

  it("accepts rotation 0 and flags a rotation shorter than the minimum", async () => {
    assert.deepEqual(
      await messagesOf("mediapackage-key-rotation-interval", [
        endpoint({ hlsPackage: spekePackage({ keyRotationIntervalSeconds: 0 }) }),
      ]),
      [],
    );
    assert.deepEqual(
      await messagesOf("mediapackage-key-rotation-interval", [
        endpoint({ cmafPackage: spekePackage({ keyRotationIntervalSeconds: 60 }) }),
      ]),
      ["cmafPackage: key rotation every 60 s; use 0 or at least 300 s."],
    );
  });
});

describe("API Gateway rules", () => {
  it("flags a method without AWS_IAM, an http integration and a stage without access logs", async () => {
    const resources = [
      {
        type: "aws:apigateway/method:Method",
        name: "any",
        props: { httpMethod: "ANY", authorization: "NONE" },
      },
      {
        type: "aws:apigateway/integration:Integration",
        name: "kms",
        props: { type: "HTTP_PROXY", uri: "http://kms.pallycon.com/{proxy}" },
      },
      {
        type: "aws:apigateway/stage:Stage",
        name: "production",
        props: { stageName: "Production" },
      },
    ];
    assert.deepEqual(await messagesOf("apigateway-method-iam-authorization", resources), [
      "Method ANY uses authorization NONE, not AWS_IAM.",
    ]);
    assert.deepEqual(await messagesOf("apigateway-integration-https", resources), [
      "The integration calls http://kms.pallycon.com/{proxy}, which is not https.",
    ]);
    assert.deepEqual(await messagesOf("apigateway-stage-access-logging", resources), [
      "The stage has no access logging.",
    ]);
  });

  it("passes the gateway the design asks for", async () => {
    const resources = [
      {
        type: "aws:apigateway/method:Method",
        name: "any",
        props: { httpMethod: "ANY", authorization: "AWS_IAM" },
      },
      {
        type: "aws:apigateway/integration:Integration",
        name: "kms",
        props: { type: "HTTP_PROXY", uri: "https://kms.pallycon.com/{proxy}" },
      },
      {
        type: "aws:apigateway/stage:Stage",
        name: "production",
        props: {
          accessLogSettings: {
            destinationArn: "arn:aws:logs:us-east-1:1:log-group:g",
            format: "{}",
          },
        },
      },
    ];
    assert.deepEqual(
      (await evaluatePolicies(resources)).map((v) => v.message),
      [],
    );
  });
});

describe("IAM rules", () => {
  it("flags the source design's s3:*, mediaconvert:* and PassRole on *", async () => {
    assert.deepEqual(await messagesOf("iam-no-wildcard-actions", [seedLambdaPolicy()]), [
      "Statement S3 allows s3:*.",
      "Statement MediaConvert allows mediaconvert:*.",
    ]);
    assert.deepEqual(await messagesOf("iam-passrole-scoped", [seedLambdaPolicy()]), [
      "Statement PassRole passes any role: *.",
      "Statement PassRole passes a role without an iam:PassedToService condition.",
    ]);
  });

  it("checks a role's inline policies and ignores deny statements", async () => {
    const role = {
      type: "aws:iam/role:Role",
      name: "r",
      props: {
        inlinePolicies: [
          {
            name: "p",
            policy: JSON.stringify({
              Statement: [{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }],
            }),
          },
        ],
      },
    };
    assert.deepEqual(await messagesOf("iam-no-wildcard-actions", [role]), [
      "Statement All allows *.",
    ]);
    const deny = rolePolicy("d", { Effect: "Deny", Action: "s3:*", Resource: "*" });
    assert.deepEqual(await messagesOf("iam-no-wildcard-actions", [deny]), []);
  });
});

describe("Lambda rules", () => {
  const fn = (props: object) => ({
    type: "aws:lambda/function:Function",
    name: "convert",
    props: { runtime: "nodejs22.x", ...props },
  });

  it("flags an unsupported runtime", async () => {
    assert.deepEqual(
      await messagesOf("lambda-supported-runtime", [fn({ runtime: "nodejs18.x" })]),
      ["The runtime nodejs18.x is not one of nodejs22.x, nodejs24.x."],
    );
    assert.deepEqual(await messagesOf("lambda-supported-runtime", [fn({})]), []);
  });

  it("flags variables named or shaped like secrets, but not references to them", async () => {
    const leaky = fn({
      environment: {
        variables: {
          PALLYCON_ENC_TOKEN: "abc",
          KMS_URL: "https://kms.pallycon.com/cpix/getKey?enc-token=eyJhY2Nlc3Nfa2V5",
          TOKEN_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:t",
          DESTINATION_BUCKET: "output",
        },
      },
    });
    assert.deepEqual(await messagesOf("lambda-no-plaintext-secrets", [leaky]), [
      "The environment variable PALLYCON_ENC_TOKEN is named like a secret.",
      "The environment variable KMS_URL holds what looks like a PallyCon enc-token.",
    ]);
  });
});
