import * as assert from "node:assert/strict";
import {
  atPreview,
  BUCKET,
  BUCKET_ACL,
  BUCKET_POLICY,
  changed,
  corsConfiguration,
  messagesOf,
  OWNERSHIP_CONTROLS,
  ownershipControls,
  policyDocument,
  PUBLIC_ACCESS_BLOCK,
  privateBucket,
  privateBucketWith,
  privateBucketWithout,
  resource,
  seedPublicBucket,
  seedWildcardCors,
  SSE_CONFIGURATION,
  tlsOnlyStatement,
  UNKNOWN_STRING,
} from "./fixtures";

describe("s3-bucket-public-access-blocked", () => {
  const rule = "s3-bucket-public-access-blocked";

  it("passes a bucket whose public access block has all four settings on", async () => {
    assert.deepEqual(await messagesOf(rule, privateBucket()), []);
  });

  it("flags a bucket without a public access block", async () => {
    assert.deepEqual(await messagesOf(rule, privateBucketWithout(PUBLIC_ACCESS_BLOCK)), [
      "Bucket uploads has no public access block.",
    ]);
  });

  it("flags a public access block with a setting off", async () => {
    const open = privateBucketWith(PUBLIC_ACCESS_BLOCK, { restrictPublicBuckets: false });
    assert.deepEqual(await messagesOf(rule, open), [
      "Bucket uploads does not block public access: restrictPublicBuckets not true.",
    ]);
  });

  it("flags a bucket whose block belongs to another bucket", async () => {
    const uploads = privateBucketWithout(PUBLIC_ACCESS_BLOCK, "uploads");
    const output = privateBucket("output");
    assert.deepEqual(await messagesOf(rule, [...uploads, ...output]), [
      "Bucket uploads has no public access block.",
    ]);
  });

  it("matches a bucket without a bucket input by its resource name", async () => {
    const unnamed = privateBucket().map((r) =>
      r.type === BUCKET ? changed(r, { bucket: undefined }) : r,
    );
    assert.deepEqual(await messagesOf(rule, unnamed), []);
  });

  it("matches by the engine's property dependencies when the bucket's name is unknown at preview", async () => {
    const urn = "urn:pulumi:dev::vod::aws:s3/bucket:Bucket::uploads";
    const resources = [
      { ...resource(BUCKET, "uploads", atPreview({ bucket: UNKNOWN_STRING })), urn },
      ...privateBucket("uploads")
        .filter((r) => r.type !== BUCKET)
        .map((r) => ({
          ...r,
          props: atPreview({ ...r.props, bucket: UNKNOWN_STRING }),
          propertyDependencies: { bucket: [urn] },
        })),
    ];
    assert.deepEqual(await messagesOf(rule, resources), []);
  });

  it("flags the source design's public bucket", async () => {
    assert.deepEqual(await messagesOf(rule, seedPublicBucket()), [
      "Bucket seed-output has no public access block.",
    ]);
  });
});

describe("s3-bucket-server-side-encryption", () => {
  const rule = "s3-bucket-server-side-encryption";

  it("passes a bucket with an encryption configuration", async () => {
    assert.deepEqual(await messagesOf(rule, privateBucket()), []);
  });

  it("flags a bucket without one", async () => {
    assert.deepEqual(await messagesOf(rule, privateBucketWithout(SSE_CONFIGURATION)), [
      "Bucket uploads has no server-side encryption configuration.",
    ]);
  });
});

describe("s3-bucket-tls-requests-only", () => {
  const rule = "s3-bucket-tls-requests-only";
  const message =
    "Bucket uploads has no policy denying requests without TLS (aws:SecureTransport=false).";

  it("passes a bucket whose policy denies s3:* without TLS", async () => {
    assert.deepEqual(await messagesOf(rule, privateBucket()), []);
  });

  it("flags a bucket without a policy", async () => {
    assert.deepEqual(await messagesOf(rule, privateBucketWithout(BUCKET_POLICY)), [message]);
  });

  it("flags a TLS deny that covers only some actions", async () => {
    const partial = privateBucketWith(BUCKET_POLICY, {
      policy: policyDocument({ ...tlsOnlyStatement("uploads"), Action: "s3:GetObject" }),
    });
    assert.deepEqual(await messagesOf(rule, partial), [message]);
  });

  it("flags the source design's public bucket", async () => {
    assert.deepEqual(await messagesOf(rule, seedPublicBucket()), [
      "Bucket seed-output has no policy denying requests without TLS (aws:SecureTransport=false).",
    ]);
  });
});

describe("s3-bucket-policy-not-public", () => {
  const rule = "s3-bucket-policy-not-public";
  const withStatement = (statement: object) =>
    privateBucketWith(BUCKET_POLICY, { policy: policyDocument(statement) });
  const read = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::uploads/*" };

  it("passes a TLS deny for everyone and a read grant to one principal", async () => {
    const oaiRead = {
      ...read,
      Principal: { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2Q" },
    };
    assert.deepEqual(await messagesOf(rule, withStatement(oaiRead)), []);
    assert.deepEqual(await messagesOf(rule, privateBucket()), []);
  });

  it('flags the source design\'s Principal "*" read policy', async () => {
    assert.deepEqual(await messagesOf(rule, seedPublicBucket()), [
      "Statement PublicRead allows s3:GetObject to everyone.",
    ]);
  });

  it('flags { AWS: "*" } as everyone', async () => {
    assert.deepEqual(
      await messagesOf(rule, withStatement({ ...read, Principal: { AWS: ["*"] } })),
      ["Statement #1 allows s3:GetObject to everyone."],
    );
  });

  it("passes everyone restricted by a condition on the caller", async () => {
    const orgOnly = {
      ...read,
      Principal: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
    };
    assert.deepEqual(await messagesOf(rule, withStatement(orgOnly)), []);
  });

  it("flags everyone limited only by a Referer, which the caller sets", async () => {
    const referer = {
      ...read,
      Principal: "*",
      Condition: { StringLike: { "aws:Referer": "https://player.example.com/*" } },
    };
    assert.deepEqual(await messagesOf(rule, withStatement(referer)), [
      "Statement #1 allows s3:GetObject to everyone.",
    ]);
  });

  it("flags an Allow with NotPrincipal", async () => {
    const allBut = { ...read, NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } };
    assert.deepEqual(await messagesOf(rule, withStatement(allBut)), [
      "Statement #1 allows s3:GetObject to everyone but its NotPrincipal.",
    ]);
  });

  it("reports that it can't run while the policy document is unknown at preview", async () => {
    const unknown = resource(
      BUCKET_POLICY,
      "uploads",
      atPreview({ bucket: "uploads", policy: UNKNOWN_STRING }),
    );
    assert.deepEqual(await messagesOf(rule, [unknown]), [
      "can't run policy 's3-bucket-policy-not-public' during preview: string value at .policy can't be known during preview",
    ]);
  });
});

describe("s3-bucket-no-public-acl", () => {
  const rule = "s3-bucket-no-public-acl";
  const grantTo = (group: string) =>
    resource(BUCKET_ACL, "uploads", {
      bucket: "uploads",
      accessControlPolicy: {
        owner: { id: "owner" },
        grants: [
          {
            permission: "READ",
            grantee: { type: "Group", uri: `http://acs.amazonaws.com/groups/global/${group}` },
          },
        ],
      },
    });

  it("passes a bucket without ACLs", async () => {
    assert.deepEqual(await messagesOf(rule, privateBucket()), []);
  });

  it("flags the source design's public-read bucket", async () => {
    assert.deepEqual(await messagesOf(rule, seedPublicBucket()), [
      'The canned ACL "public-read" makes the bucket public.',
    ]);
  });

  it("flags a BucketAcl with a public canned ACL", async () => {
    const acl = resource(BUCKET_ACL, "uploads", { bucket: "uploads", acl: "public-read-write" });
    assert.deepEqual(await messagesOf(rule, [acl]), [
      'The canned ACL "public-read-write" makes the bucket public.',
    ]);
  });

  it("flags a grant to AllUsers", async () => {
    assert.deepEqual(await messagesOf(rule, [grantTo("AllUsers")]), [
      "A grant gives READ to http://acs.amazonaws.com/groups/global/AllUsers.",
    ]);
  });

  it("flags a grant to AuthenticatedUsers (any AWS account)", async () => {
    assert.deepEqual(await messagesOf(rule, [grantTo("AuthenticatedUsers")]), [
      "A grant gives READ to http://acs.amazonaws.com/groups/global/AuthenticatedUsers.",
    ]);
  });
});

describe("s3-bucket-acls-disabled", () => {
  const rule = "s3-bucket-acls-disabled";

  it("passes BucketOwnerEnforced ownership", async () => {
    assert.deepEqual(await messagesOf(rule, [ownershipControls("uploads")]), []);
  });

  it("flags ownership that keeps ACLs enabled", async () => {
    const writer = privateBucketWith(OWNERSHIP_CONTROLS, {
      rule: { objectOwnership: "ObjectWriter" },
    });
    assert.deepEqual(await messagesOf(rule, writer), [
      "Object ownership ObjectWriter keeps ACLs enabled.",
    ]);
  });
});

describe("s3-cors-allowed-origins", () => {
  const rule = "s3-cors-allowed-origins";

  it("passes named origins", async () => {
    assert.deepEqual(await messagesOf(rule, [corsConfiguration("https://player.example.com")]), []);
  });

  it('flags the source design\'s CORS allowing "*"', async () => {
    assert.deepEqual(await messagesOf(rule, [seedWildcardCors()]), [
      'CORS allows every origin ("*").',
    ]);
  });

  it("passes a subdomain wildcard unless an allow-list is configured", async () => {
    assert.deepEqual(await messagesOf(rule, [corsConfiguration("https://*.example.com")]), []);
  });

  it("flags an origin outside the configured allow-list", async () => {
    const config = { [rule]: { allowedOrigins: ["https://player.example.com"] } };
    const cors = corsConfiguration("https://player.example.com", "https://evil.example.com");
    assert.deepEqual(await messagesOf(rule, [cors], config), [
      'CORS allows "https://evil.example.com", which is not in the allowed origins.',
    ]);
  });

  it("checks the deprecated inline CORS rules of a bucket too", async () => {
    const inline = resource(BUCKET, "legacy", {
      corsRules: [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }],
    });
    assert.deepEqual(await messagesOf(rule, [inline]), ['CORS allows every origin ("*").']);
  });
});
