import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { VodDeliveryArgs, VodPipeline, VodPipelineArgs } from "../components/vodPipeline";
import { defaultOriginAccess } from "../components/vodPipeline/originAccess";
import { isSecret, PlannedStack } from "../plan/mockCloud";
import { actionsOf, named, ofType, runProgram, statementsOf } from "./support/mockProgram";
import { PIPELINE_LICENSE_TOKENS } from "./support/pallyCon";
import { opensslKeyPair, PemKeyPair } from "./support/playerCookies";
import { AWS } from "./support/resourceTypes";

const DISTRIBUTION = AWS.cloudfront.Distribution;
const BUCKET_POLICY = AWS.s3.BucketPolicy;
const RECORD = AWS.route53.Record;
const PUBLIC_KEY = AWS.cloudfront.PublicKey;
const KEY_GROUP = AWS.cloudfront.KeyGroup;
const FUNCTION = AWS.lambda.Function;
const SECRET_VERSION = AWS.secretsmanager.SecretVersion;
const OBJECT = AWS.s3.BucketObjectv2;

/** Every place under `value` where a string contains `needle`, and whether it was secret there. */
function sightings(
  value: unknown,
  needle: string,
  at = "",
  secret = false,
): Array<[string, boolean]> {
  if (isSecret(value)) return sightings((value as { value: unknown }).value, needle, at, true);
  if (typeof value === "string") return value.includes(needle) ? [[at, secret]] : [];
  if (Array.isArray(value))
    return value.flatMap((v, i) => sightings(v, needle, `${at}[${i}]`, secret));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      sightings(v, needle, at ? `${at}.${k}` : k, secret),
    );
  }
  return [];
}

/** A program with one VodPipeline; its public outputs become the stack's outputs. */
const pipeline =
  (args: Partial<VodPipelineArgs> = {}) =>
  () => {
    const vod = new VodPipeline("vod", { applicationName: "vod-test", ...args });
    return {
      playbackDomain: vod.playbackDomain,
      playerUrlPattern: vod.playerUrlPattern,
      sessionUrl: vod.sessionUrl,
    };
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
      oac = await runProgram(pipeline({ delivery: { cdnOriginAccess: "oac" } }));
    });

    it("signs every request to S3 with SigV4 instead of using an OAI", () => {
      assert.deepEqual(ofType(oac, AWS.cloudfront.OriginAccessIdentity), []);
      const control = named(oac, AWS.cloudfront.OriginAccessControl, "vod-oac");
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
      encrypted = await runProgram(
        pipeline({ delivery: { cdnOriginAccess: "oac", outputKmsEncryption: true } }),
      );
    });

    it("encrypts the output with a rotating customer key and an S3 bucket key", () => {
      const key = named(encrypted, AWS.kms.Key, "vod-output");
      assert.equal(key.inputs.enableKeyRotation, true);
      const sse = named(encrypted, AWS.s3.BucketServerSideEncryptionConfiguration, "vod-output")
        .inputs.rules[0];
      assert.deepEqual(sse, {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: key.outputs.arn,
        },
        bucketKeyEnabled: true,
      });
    });

    it("lets CloudFront decrypt for this distribution only", () => {
      const key = named(encrypted, AWS.kms.Key, "vod-output");
      const cloudFront = statementsOf(key.inputs.policy).find(
        (s) => s.Principal?.Service === "cloudfront.amazonaws.com",
      )!;
      assert.deepEqual(actionsOf(cloudFront), ["kms:Decrypt"]);
      assert.deepEqual(cloudFront.Condition, {
        StringEquals: { "AWS:SourceArn": named(encrypted, DISTRIBUTION, "vod-cdn").outputs.arn },
      });
    });

    it("grants the key to MediaConvert and both functions through their roles, and to nobody else", () => {
      const key = named(encrypted, AWS.kms.Key, "vod-output");
      const granted = encrypted.resources
        .filter((r) => r.type === AWS.iam.RolePolicy)
        .filter((r) => statementsOf(r.inputs.policy).some((s) => s.Resource === key.outputs.arn))
        .map((r) => r.name)
        .sort();
      assert.deepEqual(granted, ["vod-convert", "vod-mediaconvert", "vod-metadata"]);
    });

    it("is refused with an OAI, which cannot decrypt", async () => {
      await assert.rejects(
        runProgram(pipeline({ delivery: { outputKmsEncryption: true } })),
        /`delivery.outputKmsEncryption` needs `delivery.cdnOriginAccess: "oac"`/,
      );
    });
  });

  describe("custom domain", () => {
    const domain = { aliases: ["video.example.com"], hostedZoneId: "Z0123456789" };
    let custom: PlannedStack;
    before(async () => {
      custom = await runProgram(pipeline({ delivery: { customDomain: domain } }));
    });

    it("requests a DNS-validated certificate in us-east-1 and validates it in the zone", () => {
      const certificate = named(custom, AWS.acm.Certificate, "vod-cdn").inputs;
      assert.equal(certificate.region, "us-east-1");
      assert.equal(certificate.domainName, "video.example.com");
      assert.equal(certificate.validationMethod, "DNS");
      const validation = named(custom, RECORD, "vod-cdn-validation-0").inputs;
      assert.equal(validation.zoneId, "Z0123456789");
      const check = named(custom, AWS.acm.CertificateValidation, "vod-cdn");
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
      const env = named(custom, AWS.lambda.Function, "vod-metadata").inputs.environment;
      assert.equal(env.variables.PLAYBACK_DOMAIN, "video.example.com");
      const cors = named(custom, AWS.s3.BucketCorsConfiguration, "vod-output");
      assert.deepEqual(cors.inputs.corsRules[0].allowedOrigins, ["https://video.example.com"]);
    });

    it("uses an existing certificate without touching DNS", async () => {
      const arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
      const existing = await runProgram(
        pipeline({
          delivery: { customDomain: { aliases: ["video.example.com"], certificateArn: arn } },
        }),
      );
      assert.deepEqual(ofType(existing, AWS.acm.Certificate), []);
      assert.deepEqual(ofType(existing, RECORD), []);
      assert.equal(
        named(existing, DISTRIBUTION, "vod-cdn").inputs.viewerCertificate.acmCertificateArn,
        arn,
      );
    });

    it("rejects a certificate outside us-east-1, bad host names, and no way to get a certificate", async () => {
      const attempt = (customDomain: NonNullable<VodDeliveryArgs["customDomain"]>) =>
        runProgram(pipeline({ delivery: { customDomain } }));
      await assert.rejects(
        attempt({
          aliases: ["video.example.com"],
          certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x",
        }),
        /`delivery.customDomain.certificateArn` must be an ACM certificate in us-east-1/,
      );
      await assert.rejects(
        attempt({ aliases: ["Video.Example.com"], hostedZoneId: "Z1" }),
        /`delivery.customDomain.aliases`/,
      );
      await assert.rejects(
        attempt({ aliases: ["video.example.com"] }),
        /`delivery.customDomain.certificateArn`/,
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
      const logged = await runProgram(
        pipeline({ delivery: { cdnAccessLogs: true }, logRetentionDays: 90 }),
      );
      const distribution = named(logged, DISTRIBUTION, "vod-cdn");
      const logGroup = named(logged, AWS.cloudwatch.LogGroup, "vod-cdn-access").inputs;
      assert.equal(logGroup.retentionInDays, 90);
      assert.equal(logGroup.region, "us-east-1");
      const source = named(logged, AWS.cloudwatch.LogDeliverySource, "vod-cdn").inputs;
      assert.deepEqual(
        [source.region, source.logType, source.resourceArn],
        ["us-east-1", "ACCESS_LOGS", distribution.outputs.arn],
      );
      const destination = named(logged, AWS.cloudwatch.LogDeliveryDestination, "vod-cdn").inputs;
      assert.equal(destination.outputFormat, "json");
      assert.match(
        destination.deliveryDestinationConfiguration.destinationResourceArn,
        /log-group/,
      );
      assert.ok(named(logged, AWS.cloudwatch.LogDelivery, "vod-cdn"));
    });

    it("are off by default", () => {
      assert.deepEqual(ofType(plan, AWS.cloudwatch.LogDelivery), []);
    });
  });
  describe("signed cookies (protected clear playback)", () => {
    let keys: PemKeyPair;
    let signed: PlannedStack;
    const withCookies = (change: Partial<VodPipelineArgs> = {}) =>
      pipeline({
        licenseTokens: PIPELINE_LICENSE_TOKENS,
        signedCookies: {
          publicKeyPem: keys.publicKeyPem,
          privateKeyPem: pulumi.secret(keys.privateKeyPem),
        },
        ...change,
      });
    const behaviours = (stack: PlannedStack) => {
      const inputs = named(stack, DISTRIBUTION, "vod-cdn").inputs;
      return [
        { pathPattern: "(default)", ...inputs.defaultCacheBehavior },
        ...inputs.orderedCacheBehaviors,
      ] as Array<Record<string, any>>;
    };
    /** A line from the middle of the private key's PEM. */
    const keyLine = () => keys.privateKeyPem.split("\n")[3];

    before(async () => {
      keys = opensslKeyPair("rsa2048");
      signed = await runProgram(withCookies());
    });

    it("registers the public key, newline-terminated, in a key group of its own", () => {
      const publicKey = named(signed, PUBLIC_KEY, "vod-cookies");
      assert.equal(publicKey.inputs.encodedKey, `${keys.publicKeyPem.trim()}\n`);
      assert.equal(publicKey.inputs.name, undefined, "auto-named, as the key group refers to it");
      const keyGroup = named(signed, KEY_GROUP, "vod-cookies");
      assert.deepEqual(keyGroup.inputs.items, [publicKey.outputs.id]);
    });

    it("requires the key group on the media, manifest and metadata behaviours only", () => {
      const keyGroup = named(signed, KEY_GROUP, "vod-cookies").outputs.id;
      const trusted = Object.fromEntries(
        behaviours(signed).map((b) => [b.pathPattern, b.trustedKeyGroups]),
      );
      assert.deepEqual(trusted, {
        "(default)": [keyGroup],
        "/token": undefined,
        "/session": undefined,
        "player/*": undefined,
        "*.m3u8": [keyGroup],
        "*.mpd": [keyGroup],
        "*.json": [keyGroup],
      });
    });

    it("routes /session to the token service like /token: uncached, with the viewer's headers and cookies", () => {
      const [token, session] = ["/token", "/session"].map((path) =>
        behaviours(signed).find((b) => b.pathPattern === path)!,
      );
      assert.deepEqual({ ...session, pathPattern: "/token" }, token);
      assert.equal(session.targetOriginId, "license-tokens");
      assert.equal(session.viewerProtocolPolicy, "https-only");
      assert.ok(session.allowedMethods.includes("POST"));
      assert.equal(session.cachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
      assert.equal(session.originRequestPolicyId, "b689b0a8-53d0-40ab-baf2-68738e2966ac");
      const origin = named(signed, DISTRIBUTION, "vod-cdn").inputs.origins.find(
        (o: Record<string, any>) => o.originId === "license-tokens",
      );
      const api = named(signed, AWS.apigatewayv2.Api, "vod-tokens").outputs;
      assert.equal(origin.domainName, new URL(api.apiEndpoint).host);
    });

    it("adds a POST /session route to the token service, behind its JWT authorizer", () => {
      const route = named(signed, AWS.apigatewayv2.Route, "vod-tokens-session").inputs;
      assert.equal(route.routeKey, "POST /session");
      assert.equal(route.authorizationType, "JWT");
      assert.equal(
        route.authorizerId,
        named(signed, AWS.apigatewayv2.Authorizer, "vod-tokens-jwt").outputs.id,
      );
    });

    it("tells the token function the key pair id and the distribution's own domain", () => {
      const env = named(signed, FUNCTION, "vod-tokens-licenseToken").inputs.environment.variables;
      assert.equal(env.CLOUDFRONT_KEY_PAIR_ID, named(signed, PUBLIC_KEY, "vod-cookies").outputs.id);
      assert.match(env.CLOUDFRONT_KEY_PAIR_ID, /^[A-Z0-9]+$/);
      assert.equal(env.PLAYBACK_DOMAIN, named(signed, DISTRIBUTION, "vod-cdn").outputs.domainName);
      assert.equal(env.SESSION_SECONDS, String(4 * 60 * 60));
      assert.equal(signed.outputs.sessionUrl, `https://${env.PLAYBACK_DOMAIN}/session`);
    });

    it("grants the custom domain when there is one, for the configured lifetime", async () => {
      const custom = await runProgram(
        withCookies({
          delivery: {
            customDomain: { aliases: ["video.example.com"], hostedZoneId: "Z0123456789" },
          },
          signedCookies: {
            publicKeyPem: keys.publicKeyPem,
            privateKeyPem: pulumi.secret(keys.privateKeyPem),
            sessionSeconds: 600,
          },
        }),
      );
      const env = named(custom, FUNCTION, "vod-tokens-licenseToken").inputs.environment.variables;
      assert.equal(env.PLAYBACK_DOMAIN, "video.example.com");
      assert.equal(env.SESSION_SECONDS, "600");
    });

    it("tells the player page to start a session at /session", () => {
      const config = JSON.parse(named(signed, OBJECT, "vod-player-config").inputs.content);
      assert.equal(config.sessionUrl, "/session");
      assert.equal(config.tokenUrl, "/token");
    });

    it("keeps the private key in the token service's secret only, secret-wrapped", () => {
      const found = signed.resources.flatMap((resource) =>
        sightings(resource.inputs, keyLine()).map(([path, secret]) => ({
          where: `${resource.type}::${resource.name} ${path}`,
          secret,
        })),
      );
      assert.deepEqual(found, [
        { where: `${SECRET_VERSION}::vod-tokens-keys secretString`, secret: true },
      ]);
      const version = named(signed, SECRET_VERSION, "vod-tokens-keys").inputs.secretString;
      assert.equal(JSON.parse(version.value).cloudFrontPrivateKey, keys.privateKeyPem);
    });

    it("puts the private key in no environment variable and no stack output", () => {
      for (const fn of ofType(signed, FUNCTION)) {
        const env = JSON.stringify(fn.inputs.environment ?? {});
        assert.ok(!env.includes(keyLine()), fn.name);
        assert.ok(!/PRIVATE KEY/.test(env), fn.name);
      }
      assert.deepEqual(sightings(signed.outputs, keyLine()), []);
    });

    it("is off by default: no key, no key group, no /session, every behaviour open", () => {
      assert.deepEqual(ofType(plan, PUBLIC_KEY), []);
      assert.deepEqual(ofType(plan, KEY_GROUP), []);
      assert.ok(behaviours(plan).every((b) => b.trustedKeyGroups === undefined));
      assert.ok(behaviours(plan).every((b) => b.pathPattern !== "/session"));
      assert.equal(plan.outputs.sessionUrl, undefined);
    });

    it("needs the token service, which issues the cookies", async () => {
      await assert.rejects(
        runProgram(withCookies({ licenseTokens: undefined })),
        /VodPipeline: `signedCookies` needs `licenseTokens`/,
      );
    });

    it("refuses a public key CloudFront would not accept, a private key in its place, and a lifetime out of range", async () => {
      const cookies = () => ({
        publicKeyPem: keys.publicKeyPem,
        privateKeyPem: keys.privateKeyPem,
      });
      await assert.rejects(
        runProgram(withCookies({ signedCookies: { ...cookies(), publicKeyPem: "not a key" } })),
        /`signedCookies.publicKeyPem` is not a PEM public key/,
      );
      await assert.rejects(
        runProgram(
          withCookies({
            signedCookies: { ...cookies(), publicKeyPem: opensslKeyPair("rsa1024").publicKeyPem },
          }),
        ),
        /`signedCookies.publicKeyPem` must be an RSA 2048 or ECDSA P-256 key/,
      );
      await assert.rejects(
        runProgram(
          withCookies({ signedCookies: { ...cookies(), publicKeyPem: keys.privateKeyPem } }),
        ),
        /`signedCookies.publicKeyPem` holds a private key/,
      );
      await assert.rejects(
        runProgram(withCookies({ signedCookies: { ...cookies(), sessionSeconds: 30 } })),
        /`signedCookies.sessionSeconds` must be a whole number of seconds from 60 to 604800/,
      );
    });

    it("refuses a private key that is not the public key's pair, without quoting it", async () => {
      const other = opensslKeyPair("rsa2048");
      await assert.rejects(
        runProgram(
          withCookies({
            signedCookies: { publicKeyPem: keys.publicKeyPem, privateKeyPem: other.privateKeyPem },
          }),
        ),
        (error: Error) => {
          assert.match(error.message, /`signedCookies.privateKeyPem` is not the private key of/);
          assert.ok(!error.message.includes(other.privateKeyPem.split("\n")[3]));
          return true;
        },
      );
    });

    it("checks a secret private key when its value is known: the secret is never written", async () => {
      const other = opensslKeyPair("rsa2048");
      const mismatched = await runProgram(
        withCookies({
          signedCookies: {
            publicKeyPem: keys.publicKeyPem,
            privateKeyPem: pulumi.secret(other.privateKeyPem),
          },
        }),
      );
      // The check throws inside the secret's apply; `pulumi up` fails there, and the mock
      // runtime registers everything but the secret's version.
      assert.deepEqual(ofType(mismatched, SECRET_VERSION), []);
      assert.ok(named(mismatched, KEY_GROUP, "vod-cookies"));
    });
  });
});
