/**
 * The stack configuration refuses what would hurt: origins a browser never sends or
 * that are not https, JWT settings the authorizer could never match, numbers beyond
 * the services' own limits, and signed cookies that could not reach the players.
 */
import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { corsOriginProblem, validateDelivery } from "../components/vodPipeline/deliveryRules";
import {
  PROJECT,
  readConfig,
  TOKEN_SERVICE_SECRETS,
  TOKEN_SERVICE_VALUES,
  useConfigMocks,
} from "./support/stackConfig";

/** The problems reading these values gives, in `region`: none when the config is accepted. */
function problemsIn(
  values: Record<string, unknown>,
  { region = "us-east-1", secrets = [] as string[] } = {},
): string[] {
  return readConfig(values, { region, secrets }).problems;
}

const TOKEN_SECRETS = { secrets: TOKEN_SERVICE_SECRETS };

describe("configuration limits", () => {
  useConfigMocks();

  describe("CORS origins: https://host[:port], as the browser sends it", () => {
    const problem = (origin: string) => problemsIn({ cdnCorsAllowedOrigins: [origin] })[0];

    it("accepts https origins, with a port or on localhost", () => {
      assert.deepEqual(
        problemsIn({
          cdnCorsAllowedOrigins: [
            "https://app.example.com",
            "https://localhost:8443",
            "https://127.0.0.1:9000",
          ],
        }),
        [],
      );
    });

    it("refuses http, naming why", () => {
      assert.equal(
        problem("http://localhost:8080"),
        `${PROJECT}:cdnCorsAllowedOrigins: "http://localhost:8080" is not an origin this program allows: only https:// origins are (browsers play DRM-protected media only on secure pages)`,
      );
    });

    for (const port of ["0", "65536", "99999", "80a"]) {
      it(`refuses port ${port}: a port is 1 to 65535`, () => {
        assert.match(
          problem(`https://app.example.com:${port}`),
          /: "https:\/\/app\.example\.com:.*" is not an origin: its port must be a number from 1 to 65535$/,
        );
      });
    }

    for (const host of [
      "a..example.com",
      "-app.example.com",
      "app_1.example.com",
      "example.com.",
    ]) {
      it(`refuses the host ${host}`, () => {
        assert.match(problem(`https://${host}`), /is not an origin: the host must be DNS labels/);
      });
    }

    it("refuses what the browser never sends: the default port, upper case, a non-ASCII host", () => {
      assert.match(
        problem("https://app.example.com:443"),
        /is not an origin as browsers send it; write https:\/\/app\.example\.com$/,
      );
      assert.match(problem("https://App.Example.com"), /write https:\/\/app\.example\.com$/);
      assert.match(problem("https://bücher.example"), /write https:\/\/xn--bcher-kva\.example$/);
    });

    it("refuses credentials, a query and a fragment", () => {
      assert.match(problem("https://user:pw@app.example.com"), /holds a user name or password/);
      assert.match(problem("https://app.example.com?x=1"), /it has a path \(\?x=1\)/);
      assert.match(problem("https://app.example.com#top"), /it has a path \(#top\)/);
    });

    it("is the component's check too: the same origins throw at construction", () => {
      assert.throws(
        () => validateDelivery({ cdnCorsAllowedOrigins: ["http://app.example.com"] }),
        /^Error: VodPipeline: `delivery\.cdnCorsAllowedOrigins`: "http:\/\/app\.example\.com" is not an origin this program allows: only https:\/\//,
      );
      assert.doesNotThrow(() =>
        validateDelivery({ cdnCorsAllowedOrigins: ["https://app.example.com"] }),
      );
      assert.equal(corsOriginProblem("https://app.example.com:8443"), undefined);
    });
  });

  describe("the JWT authorizer's settings", () => {
    const issuerProblem = (licenseJwtIssuer: string) =>
      problemsIn({ ...TOKEN_SERVICE_VALUES, licenseJwtIssuer }, TOKEN_SECRETS);

    it("accepts a Cognito user pool's issuer", () => {
      assert.deepEqual(
        issuerProblem("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"),
        [],
      );
    });

    for (const [what, issuer, reason] of [
      ["http", "http://issuer.example.com", "is not an https URL"],
      ["a query", "https://issuer.example.com/?tenant=a", "has a query (?...)"],
      ["a fragment", "https://issuer.example.com/#x", "has a fragment (#...)"],
      ["no URL at all", "issuer.example.com", "is not a URL"],
      ["credentials", "https://me:pw@issuer.example.com", "holds a user name or password"],
    ]) {
      it(`refuses an issuer with ${what}`, () => {
        const [problem] = issuerProblem(issuer);
        assert.ok(
          problem.startsWith(`${PROJECT}:licenseJwtIssuer: "${issuer}" ${reason}: the https URL`),
          problem,
        );
      });
    }

    it("refuses a blank audience among the others", () => {
      for (const blank of ["", "   "]) {
        assert.deepEqual(
          problemsIn(
            { ...TOKEN_SERVICE_VALUES, licenseJwtAudience: ["player", blank] },
            TOKEN_SECRETS,
          ),
          [
            `${PROJECT}:licenseJwtAudience: holds an empty or blank entry: list the JWT audiences (client ids) allowed to ask for tokens`,
          ],
        );
      }
    });
  });

  describe("numbers, bounded by the service's own limits", () => {
    const gateway = { kmsGateway: true, kmsGatewayEncToken: "dG9rZW4=" };
    const withGateway = (values: Record<string, unknown>, region = "us-east-1") =>
      problemsIn({ ...gateway, ...values }, { region, secrets: ["kmsGatewayEncToken"] });

    it("accepts gateway throttling up to API Gateway's account quota", () => {
      assert.deepEqual(
        withGateway({
          kmsGatewayThrottlingRateLimit: 10_000,
          kmsGatewayThrottlingBurstLimit: 5_000,
        }),
        [],
      );
    });

    it("refuses gateway throttling above API Gateway's account quota, naming it", () => {
      assert.deepEqual(
        withGateway({
          kmsGatewayThrottlingRateLimit: 10_001,
          kmsGatewayThrottlingBurstLimit: 5_001,
        }),
        [
          `${PROJECT}:kmsGatewayThrottlingRateLimit: 10001 must be a positive number of requests per second, at most 10000: API Gateway's default account-level throttle quota per Region, which a stage cannot exceed`,
          `${PROJECT}:kmsGatewayThrottlingBurstLimit: 5001 must be a positive whole number of requests, at most 5000: API Gateway's default account-level throttle quota per Region, which a stage cannot exceed`,
        ],
      );
    });

    it("uses the lower quota of the Regions where API Gateway's default is 2,500 requests per second", () => {
      const problems = withGateway(
        { kmsGatewayThrottlingRateLimit: 3_000, kmsGatewayThrottlingBurstLimit: 1_251 },
        "eu-south-1",
      );
      assert.match(problems[0], /RateLimit: 3000 .* at most 2500: .* quota in eu-south-1/);
      assert.match(problems[1], /BurstLimit: 1251 .* at most 1250: .* quota in eu-south-1/);
    });

    it("names CloudWatch Logs' retention periods", () => {
      assert.match(
        problemsIn({ logRetentionDays: 8 })[0],
        /^vod-multidrm:logRetentionDays: 8 must be one of 1, 3, 5, 7, .* \(the retention periods CloudWatch Logs accepts\)$/,
      );
    });

    it("names S3's rule for upload expiration days", () => {
      for (const days of [-1, 1.5]) {
        assert.match(
          problemsIn({ uploadExpirationDays: days })[0],
          /^vod-multidrm:uploadExpirationDays: .* S3 lifecycle expiration takes a positive whole number of days$/,
        );
      }
      assert.deepEqual(problemsIn({ uploadExpirationDays: 3650 }), []);
    });

    it("names MediaConvert's per-queue quota for the queue's concurrency", () => {
      assert.match(
        problemsIn({ jobQueueConcurrentJobs: 2.5 })[0],
        /^vod-multidrm:jobQueueConcurrentJobs: 2\.5 .*MediaConvert quota "Concurrent jobs per on-demand queue"/,
      );
    });

    it("names the license duration's bounds and why", () => {
      for (const seconds of [0, 31_536_001]) {
        assert.equal(
          problemsIn(
            { ...TOKEN_SERVICE_VALUES, licenseDurationSeconds: seconds },
            TOKEN_SECRETS,
          )[0],
          `${PROJECT}:licenseDurationSeconds: ${seconds} must be a whole number of seconds from 1 to 31536000 (a year: the longest license this service issues; PallyCon's 0, for no limit, is never issued)`,
        );
      }
    });
  });

  describe("signed cookies reach only pages on the playback host", () => {
    const pair = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const cookies = {
      ...TOKEN_SERVICE_VALUES,
      signedCookies: true,
      signedCookiePublicKey: pair.publicKey,
      signedCookiePrivateKey: pair.privateKey,
    };
    const cookieSecrets = { secrets: [...TOKEN_SECRETS.secrets, "signedCookiePrivateKey"] };
    const domain = {
      customDomainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    };

    it("works with one alias and no cross-origin players", () => {
      assert.deepEqual(
        problemsIn(
          { ...cookies, ...domain, customDomainAliases: ["video.example.com"] },
          cookieSecrets,
        ),
        [],
      );
    });

    it("refuses several aliases at preview, saying why", () => {
      const problems = problemsIn(
        {
          ...cookies,
          ...domain,
          customDomainAliases: ["video.example.com", "media.example.org"],
        },
        cookieSecrets,
      );
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(
        problems[0],
        /^vod-multidrm:signedCookies: cannot serve vod-multidrm:customDomainAliases: the cookies are set for the first alias only .* players on the other aliases would get 403/,
      );
    });

    it("refuses players on other origins at preview, saying why", () => {
      const problems = problemsIn(
        { ...cookies, cdnCorsAllowedOrigins: ["https://app.example.com"] },
        cookieSecrets,
      );
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(
        problems[0],
        /^vod-multidrm:signedCookies: cannot serve vod-multidrm:cdnCorsAllowedOrigins: the cookies are SameSite=Strict .* a player on another origin never sends them/,
      );
    });

    it("is the component's check too", () => {
      assert.throws(
        () => validateDelivery({ cdnCorsAllowedOrigins: ["https://app.example.com"] }, true),
        /^Error: VodPipeline: `signedCookies` cannot serve `delivery\.cdnCorsAllowedOrigins`: the cookies are SameSite=Strict/,
      );
      assert.throws(
        () =>
          validateDelivery(
            { customDomain: { aliases: ["a.example.com", "b.example.com"], ...domainArgs } },
            true,
          ),
        /^Error: VodPipeline: `signedCookies` cannot serve `delivery\.customDomain\.aliases`/,
      );
      assert.doesNotThrow(() =>
        validateDelivery({ customDomain: { aliases: ["a.example.com"], ...domainArgs } }, true),
      );
    });
    const domainArgs = { certificateArn: domain.customDomainCertificateArn };
  });
});
