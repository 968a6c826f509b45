import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import * as path from "node:path";
import { isSecret, PlannedStack } from "../plan/mockCloud";
import { readPlanConfig } from "../plan/stackConfig";
import { runWholeProgram } from "../plan/mockCloud";
import { AWS } from "./support/resourceTypes";

/** A real key pair for signed cookies: the program parses and matches the keys. */
const cookieKeys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

/** Features the prod stack leaves off, turned on so that their secrets are scanned too. */
const ALSO_ON: Record<string, string> = {
  "vod-multidrm:signedCookies": "true",
  "vod-multidrm:signedCookiePublicKey": cookieKeys.publicKey,
  // Signed cookies reach players on the playback host only: no cross-origin players.
  "vod-multidrm:cdnCorsAllowedOrigins": "[]",
};

/** Recognisable stand-ins for the stack's secrets, so any copy of them can be found. */
const CANARIES: Record<string, string> = {
  "vod-multidrm:signedCookiePrivateKey": cookieKeys.privateKey,
  "vod-multidrm:kmsGatewayEncToken": "CANARY-enc-token-7c1e9b2d",
  // A site key is 32 characters.
  "vod-multidrm:licenseSiteKey": "CANARY-site-key-0123456789abcdef",
  "vod-multidrm:licenseAccessKey": "CANARY-access-key-5a8e31",
};

/** Where each secret may appear: `type::name` and the input that carries it. */
const ALLOWED: Record<string, string[]> = {
  "vod-multidrm:kmsGatewayEncToken": [
    "aws:apigateway/integration:Integration::kms-proxy-any requestParameters",
  ],
  "vod-multidrm:licenseSiteKey": [
    "aws:secretsmanager/secretVersion:SecretVersion::vod-tokens-keys secretString",
  ],
  "vod-multidrm:licenseAccessKey": [
    "aws:secretsmanager/secretVersion:SecretVersion::vod-tokens-keys secretString",
  ],
  "vod-multidrm:signedCookiePrivateKey": [
    "aws:secretsmanager/secretVersion:SecretVersion::vod-tokens-keys secretString",
  ],
};

/** What is searched for: a secret itself, or for a PEM key a line of its body. */
const needleOf = (secret: string) =>
  secret.includes("-----BEGIN") ? secret.split("\n")[3] : secret;

/** One place a value turned up: the resource, the property path, and whether it was a secret. */
interface Sighting {
  readonly where: string;
  readonly path: string;
  readonly secret: boolean;
}

/** Every place under `value` where a string contains `needle`. */
function find(value: unknown, needle: string, where: string, at = "", secret = false): Sighting[] {
  if (isSecret(value)) {
    return find((value as { value: unknown }).value, needle, where, at, true);
  }
  if (typeof value === "string") return value.includes(needle) ? [{ where, path: at, secret }] : [];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => find(item, needle, where, `${at}[${index}]`, secret));
  }
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      find(item, needle, where, at ? `${at}.${key}` : key, secret),
    );
  }
  return [];
}

describe("secrets in the prod stack", () => {
  let plan: PlannedStack;
  before(async () => {
    const config = readPlanConfig(path.resolve(__dirname, ".."), "prod");
    plan = await runWholeProgram({
      ...config,
      values: { ...config.values, ...ALSO_ON, ...CANARIES },
    });
  });

  for (const [key, secret] of Object.entries(CANARIES)) {
    const canary = needleOf(secret);
    describe(key, () => {
      const sightings = () =>
        plan.resources.flatMap((resource) => [
          ...find(resource.inputs, canary, `${resource.type}::${resource.name}`),
          ...find(resource.outputs, canary, `${resource.type}::${resource.name} (state)`),
        ]);

      it("is used: the scan would see it", () => {
        assert.ok(sightings().length > 0);
      });

      it("appears only where it is allowed, in resource inputs and in state", () => {
        const places = [
          ...new Set(
            sightings().map((s) => `${s.where.replace(" (state)", "")} ${s.path.split(".")[0]}`),
          ),
        ];
        assert.deepEqual(places.sort(), [...ALLOWED[key]].sort());
      });

      it("is a Pulumi secret everywhere it appears", () => {
        for (const sighting of sightings()) {
          assert.ok(sighting.secret, `${sighting.where} ${sighting.path} holds it in plain text`);
        }
      });

      it("appears in no stack output", () => {
        assert.deepEqual(find(plan.outputs, canary, "outputs"), []);
      });

      it("appears in no Lambda environment variable", () => {
        const environments = plan.resources
          .filter((r) => r.type === AWS.lambda.Function)
          .map((r) => r.inputs.environment);
        assert.ok(environments.length > 0);
        assert.deepEqual(find(environments, canary, "lambda"), []);
      });
    });
  }
});
