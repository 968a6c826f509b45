import * as assert from "node:assert/strict";
import { VodPipeline, VodPipelineArgs } from "../components/vodPipeline";
import { defaultOriginAccess } from "../components/vodPipeline/originAccess";
import { PlannedStack } from "../plan/mockCloud";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const RECORD = "aws:route53/record:Record";

/** A program with one VodPipeline; its public outputs become the stack's outputs. */
const pipeline =
  (args: Partial<VodPipelineArgs> = {}) =>
  () => {
    const vod = new VodPipeline("vod", { applicationName: "vod-test", ...args });
    return { playbackDomain: vod.playbackDomain, playerUrlPattern: vod.playerUrlPattern };
  };

describe("VodPipeline delivery", () => {
  let plan: PlannedStack;
  before(async () => {
    plan = await runProgram(pipeline());
  });

  describe("errors at the edge", () => {
    it("serves the player page at the root, never a bucket listing", () => {
      assert.equal(
        named(plan, DISTRIBUTION, "vod-cdn").inputs.defaultRootObject,
        "player/index.html",
      );
    });

    it("remembers a missing object only briefly, so a player polling for a new manifest sees it soon", () => {
      const errors = named(plan, DISTRIBUTION, "vod-cdn").inputs.customErrorResponses;
      assert.deepEqual(errors, [
        { errorCode: 403, errorCachingMinTtl: 5 },
        { errorCode: 404, errorCachingMinTtl: 5 },
      ]);
    });
  });

  describe("origin access control", () => {
    let oac: PlannedStack;
    before(async () => {
      oac = await runProgram(pipeline({ originAccess: "oac" }));
    });

    it("signs every request to S3 with SigV4 instead of using an OAI", () => {
      assert.deepEqual(ofType(oac, "aws:cloudfront/originAccessIdentity:OriginAccessIdentity"), []);
      const control = named(
        oac,
        "aws:cloudfront/originAccessControl:OriginAccessControl",
        "vod-oac",
      );
      assert.equal(control.inputs.originAccessControlOriginType, "s3");
      assert.equal(control.inputs.signingBehavior, "always");
      assert.equal(control.inputs.signingProtocol, "sigv4");
      const [origin] = named(oac, DISTRIBUTION, "vod-cdn").inputs.origins;
      assert.equal(origin.originAccessControlId, control.outputs.id);
      assert.equal(origin.s3OriginConfig, undefined);
    });

    it("lets CloudFront read and list the bucket only for this distribution (AWS:SourceArn)", () => {
      const distribution = named(oac, DISTRIBUTION, "vod-cdn");
      const allows = statementsOf(named(oac, BUCKET_POLICY, "vod-output").inputs.policy).filter(
        (s) => s.Effect === "Allow",
      );
      assert.equal(allows.length, 2);
      for (const statement of allows) {
        assert.deepEqual(statement.Principal, { Service: "cloudfront.amazonaws.com" });
        assert.deepEqual(statement.Condition, {
          StringEquals: { "AWS:SourceArn": distribution.outputs.arn },
        });
      }
      assert.deepEqual(allows.map(actionsOf).flat(), ["s3:GetObject", "s3:ListBucket"]);
    });

    it("is the default only in regions an OAI cannot serve (launched after December 2022)", () => {
      assert.equal(defaultOriginAccess("us-east-1"), "oai");
      assert.equal(defaultOriginAccess("eu-central-2"), "oai");
      for (const region of ["ap-southeast-4", "il-central-1", "ca-west-1", "mx-central-1"]) {
        assert.equal(defaultOriginAccess(region), "oac", region);
      }
    });
  });

  describe("SSE-KMS output", () => {
    let encrypted: PlannedStack;
    before(async () => {
      encrypted = await runProgram(pipeline({ originAccess: "oac", outputKmsEncryption: true }));
    });

    it("encrypts the output with a rotating customer key and an S3 bucket key", () => {
      const key = named(encrypted, "aws:kms/key:Key", "vod-output");
      assert.equal(key.inputs.enableKeyRotation, true);
      const sse = named(
        encrypted,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "vod-output",
      ).inputs.rules[0];
      assert.deepEqual(sse, {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: key.outputs.arn,
        },
        bucketKeyEnabled: true,
      });
    });

    it("lets CloudFront decrypt for this distribution only", () => {
      const key = named(encrypted, "aws:kms/key:Key", "vod-output");
      const cloudFront = statementsOf(key.inputs.policy).find(
        (s) => s.Principal?.Service === "cloudfront.amazonaws.com",
      )!;
      assert.deepEqual(actionsOf(cloudFront), ["kms:Decrypt"]);
      assert.deepEqual(cloudFront.Condition, {
        StringEquals: { "AWS:SourceArn": named(encrypted, DISTRIBUTION, "vod-cdn").outputs.arn },
      });
    });

    it("grants the key to MediaConvert and both functions through their roles, and to nobody else", () => {
      const key = named(encrypted, "aws:kms/key:Key", "vod-output");
      const granted = encrypted.resources
        .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
        .filter((r) => statementsOf(r.inputs.policy).some((s) => s.Resource === key.outputs.arn))
        .map((r) => r.name)
        .sort();
      assert.deepEqual(granted, ["vod-convert", "vod-mediaconvert", "vod-metadata"]);
    });

    it("is refused with an OAI, which cannot decrypt", async () => {
      await assert.rejects(
        runProgram(pipeline({ outputKmsEncryption: true })),
        /`outputKmsEncryption` needs `originAccess: "oac"`/,
      );
    });
  });

  describe("custom domain", () => {
    const domain = { aliases: ["video.example.com"], hostedZoneId: "Z0123456789" };
    let custom: PlannedStack;
    before(async () => {
      custom = await runProgram(pipeline({ customDomain: domain }));
    });

    it("requests a DNS-validated certificate in us-east-1 and validates it in the zone", () => {
      const certificate = named(custom, "aws:acm/certificate:Certificate", "vod-cdn").inputs;
      assert.equal(certificate.region, "us-east-1");
      assert.equal(certificate.domainName, "video.example.com");
      assert.equal(certificate.validationMethod, "DNS");
      const validation = named(custom, RECORD, "vod-cdn-validation-0").inputs;
      assert.equal(validation.zoneId, "Z0123456789");
      const check = named(custom, "aws:acm/certificateValidation:CertificateValidation", "vod-cdn");
      assert.equal(check.inputs.region, "us-east-1");
    });

    it("serves the aliases with SNI and TLS 1.2 (2021 ciphers) at least", () => {
      const inputs = named(custom, DISTRIBUTION, "vod-cdn").inputs;
      assert.deepEqual(inputs.aliases, ["video.example.com"]);
      assert.equal(inputs.viewerCertificate.sslSupportMethod, "sni-only");
      assert.equal(inputs.viewerCertificate.minimumProtocolVersion, "TLSv1.2_2021");
      assert.ok(inputs.viewerCertificate.acmCertificateArn);
      assert.equal(inputs.viewerCertificate.cloudfrontDefaultCertificate, undefined);
    });

    it("points A and AAAA alias records at the distribution", () => {
      const distribution = named(custom, DISTRIBUTION, "vod-cdn");
      for (const type of ["a", "aaaa"]) {
        const record = named(custom, RECORD, `vod-cdn-0-${type}`).inputs;
        assert.equal(record.name, "video.example.com");
        assert.equal(record.aliases[0].name, distribution.outputs.domainName);
      }
    });

    it("makes playback URLs, the metadata's URLs and the default CORS origin follow the domain", () => {
      const outputs = custom.outputs as Record<string, string>;
      assert.equal(outputs.playbackDomain, "video.example.com");
      assert.match(outputs.playerUrlPattern, /^https:\/\/video\.example\.com\/player\//);
      const env = named(custom, "aws:lambda/function:Function", "vod-metadata").inputs.environment;
      assert.equal(env.variables.PLAYBACK_DOMAIN, "video.example.com");
      const cors = named(
        custom,
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        "vod-output",
      );
      assert.deepEqual(cors.inputs.corsRules[0].allowedOrigins, ["https://video.example.com"]);
    });

    it("uses an existing certificate without touching DNS", async () => {
      const arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
      const existing = await runProgram(
        pipeline({ customDomain: { aliases: ["video.example.com"], certificateArn: arn } }),
      );
      assert.deepEqual(ofType(existing, "aws:acm/certificate:Certificate"), []);
      assert.deepEqual(ofType(existing, RECORD), []);
      assert.equal(
        named(existing, DISTRIBUTION, "vod-cdn").inputs.viewerCertificate.acmCertificateArn,
        arn,
      );
    });

    it("rejects a certificate outside us-east-1, bad host names, and no way to get a certificate", async () => {
      const attempt = (customDomain: NonNullable<VodPipelineArgs["customDomain"]>) =>
        runProgram(pipeline({ customDomain }));
      await assert.rejects(
        attempt({
          aliases: ["video.example.com"],
          certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x",
        }),
        /`customDomain.certificateArn` must be an ACM certificate in us-east-1/,
      );
      await assert.rejects(
        attempt({ aliases: ["Video.Example.com"], hostedZoneId: "Z1" }),
        /`customDomain.aliases`/,
      );
      await assert.rejects(
        attempt({ aliases: ["video.example.com"] }),
        /`customDomain.certificateArn`/,
      );
    });

    it("keeps the default certificate without a custom domain", () => {
      const inputs = named(plan, DISTRIBUTION, "vod-cdn").inputs;
      assert.equal(inputs.aliases, undefined);
      assert.deepEqual(inputs.viewerCertificate, { cloudfrontDefaultCertificate: true });
    });
  });

  describe("access logs", () => {
    it("delivers JSON access logs to a retention-limited log group, all in us-east-1 (standard logging v2)", async () => {
      const logged = await runProgram(pipeline({ cdnAccessLogs: true, logRetentionDays: 90 }));
      const distribution = named(logged, DISTRIBUTION, "vod-cdn");
      const logGroup = named(logged, "aws:cloudwatch/logGroup:LogGroup", "vod-cdn-access").inputs;
      assert.equal(logGroup.retentionInDays, 90);
      assert.equal(logGroup.region, "us-east-1");
      const source = named(
        logged,
        "aws:cloudwatch/logDeliverySource:LogDeliverySource",
        "vod-cdn",
      ).inputs;
      assert.deepEqual(
        [source.region, source.logType, source.resourceArn],
        ["us-east-1", "ACCESS_LOGS", distribution.outputs.arn],
      );
      const destination = named(
        logged,
        "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
        "vod-cdn",
      ).inputs;
      assert.equal(destination.outputFormat, "json");
      assert.match(
        destination.deliveryDestinationConfiguration.destinationResourceArn,
        /log-group/,
      );
      assert.ok(named(logged, "aws:cloudwatch/logDelivery:LogDelivery", "vod-cdn"));
    });

    it("are off by default", () => {
      assert.deepEqual(ofType(plan, "aws:cloudwatch/logDelivery:LogDelivery"), []);
    });
  });
});
