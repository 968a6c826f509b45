/**
 * Test PallyCon credentials, and a license token built the documented way with the
 * `openssl` command line, independently of the code under test.
 * @see https://pallycon.com/docs/en/multidrm/license/license-token/
 */
import { execFileSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import type { VodPipelineArgs } from "../../components/vodPipeline";

/** Made-up credentials, distinctive enough to be found wherever they leak. */
export const TEST_SITE_ID = "TEST";
export const TEST_SITE_KEY = "k3Yp9Qw2Rt7Zx5Lm8Nb4Vc6Hd1Fg0JsA";
export const TEST_ACCESS_KEY = "Ak7Tq2Wn9Pz4Ry6Ux1Vs3Mb8Lc5Kd0Hf";

/** A token service for a pipeline (its `licenseTokens` argument), with the test credentials. */
export const PIPELINE_LICENSE_TOKENS: NonNullable<VodPipelineArgs["licenseTokens"]> = {
  siteId: TEST_SITE_ID,
  siteKey: pulumi.secret(TEST_SITE_KEY),
  accessKey: pulumi.secret(TEST_ACCESS_KEY),
  jwtIssuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
  jwtAudience: ["player-client-id"],
};

/** PallyCon's fixed IV, `0123456789abcdef` in ASCII, as hex. */
const IV_HEX = "30313233343536373839616263646566";

const openssl = (args: string[], input: string | Buffer): Buffer =>
  execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] });

/** What {@link opensslLicenseToken} builds a token from; `policyJson` is the exact plaintext. */
export interface OpensslTokenInput {
  readonly drmType: string;
  readonly siteId: string;
  readonly siteKey: string;
  readonly accessKey: string;
  readonly userId: string;
  readonly cid: string;
  readonly policyJson: string;
  /** Already formatted: `yyyy-MM-ddTHH:mm:ssZ`. */
  readonly timestamp: string;
}

/**
 * The token, computed with openssl:
 *   policy = openssl enc -aes-256-cbc -K <hex site key> -iv <hex IV> -base64 -A
 *   hash   = openssl dgst -sha256 -binary | openssl base64 -A
 *   token  = openssl base64 -A of the JSON, fields in the documented order
 */
export function opensslLicenseToken(input: OpensslTokenInput): string {
  const keyHex = Buffer.from(input.siteKey, "ascii").toString("hex");
  const policy = openssl(
    ["enc", "-aes-256-cbc", "-K", keyHex, "-iv", IV_HEX, "-base64", "-A"],
    input.policyJson,
  )
    .toString("ascii")
    .trim();
  const message =
    input.accessKey +
    input.drmType +
    input.siteId +
    input.userId +
    input.cid +
    policy +
    input.timestamp;
  const digest = openssl(["dgst", "-sha256", "-binary"], Buffer.from(message, "utf8"));
  const hash = openssl(["base64", "-A"], digest).toString("ascii").trim();
  const json =
    `{"drm_type":${JSON.stringify(input.drmType)},"site_id":${JSON.stringify(input.siteId)},` +
    `"user_id":${JSON.stringify(input.userId)},"cid":${JSON.stringify(input.cid)},` +
    `"policy":"${policy}","timestamp":"${input.timestamp}","hash":"${hash}"}`;
  return openssl(["base64", "-A"], Buffer.from(json, "utf8")).toString("ascii").trim();
}

/** The JSON inside a token. */
export function decodeToken(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token, "base64").toString("utf8"));
}
