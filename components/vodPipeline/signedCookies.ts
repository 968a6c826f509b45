/**
 * Protected clear playback: the CloudFront public key and trusted key group that the
 * media behaviours require signed cookies from. The token service holds the private
 * key (in its Secrets Manager secret) and issues the cookies on `POST /session`.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isKeyPair, SESSION_SECONDS_RANGE, validatePublicKeyPem } from "../../shared/signedCookies";

/** Signed cookies for the output, issued by the license token service. */
export interface VodSignedCookiesArgs {
  /**
   * The public key CloudFront verifies the cookies with, PEM (`-----BEGIN PUBLIC KEY-----`),
   * RSA 2048 or ECDSA P-256. Not secret.
   */
  readonly publicKeyPem: string;
  /**
   * Its private key, PEM. Secret: it goes into the token service's Secrets Manager
   * secret only, never into an environment variable.
   */
  readonly privateKeyPem: pulumi.Input<string>;
  /**
   * How long a viewer's cookies are accepted after the page gets them, in seconds
   * (60 to 604800). Long enough to watch the longest asset in one sitting: the page
   * asks once per load.
   * @default DEFAULT_SESSION_SECONDS (4 hours)
   */
  readonly sessionSeconds?: number;
}

const MISMATCHED_KEYS =
  "`signedCookies.privateKeyPem` is not the private key of `signedCookies.publicKeyPem`.";

/** Four hours: a feature film with pauses, without a refresh. */
export const DEFAULT_SESSION_SECONDS = 4 * 60 * 60;

/** Throws, naming the field, on arguments that cannot work. */
export function validateSignedCookies(args: VodSignedCookiesArgs, hasTokenService: boolean): void {
  const fail = (message: string): never => {
    throw new Error(`VodPipeline: ${message}`);
  };
  if (!hasTokenService) {
    fail("`signedCookies` needs `licenseTokens`: the token service issues the cookies.");
  }
  try {
    validatePublicKeyPem(args.publicKeyPem, "`signedCookies.publicKeyPem`");
  } catch (error) {
    fail(`${(error as Error).message}.`);
  }
  // A plain string is checked here; a secret (from config) when its value is known.
  if (typeof args.privateKeyPem === "string" && !isKeyPair(args.privateKeyPem, args.publicKeyPem)) {
    fail(MISMATCHED_KEYS);
  }
  const seconds = args.sessionSeconds;
  const { min, max } = SESSION_SECONDS_RANGE;
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= min && seconds <= max)) {
    fail(
      `\`signedCookies.sessionSeconds\` must be a whole number of seconds from ${min} to ${max}.`,
    );
  }
}

/**
 * The private key, checked against the public key when its value is known (at preview
 * for a config secret): a mismatched pair would only show as a 403 on every segment.
 * The error fails the deployment before the secret is written; it never quotes the
 * key, and the result stays as secret as the input.
 */
export function matchingPrivateKey(
  privateKeyPem: pulumi.Input<string>,
  publicKeyPem: string,
): pulumi.Output<string> {
  return pulumi.output(privateKeyPem).apply((pem) => {
    if (!isKeyPair(pem, publicKeyPem)) throw new Error(`VodPipeline: ${MISMATCHED_KEYS}`);
    return pem;
  });
}

export interface SignedCookieKeys {
  readonly publicKey: aws.cloudfront.PublicKey;
  readonly keyGroup: aws.cloudfront.KeyGroup;
}

/** The public key and the key group the distribution trusts. */
export function createSignedCookieKeys(args: {
  name: string;
  parent: pulumi.Resource;
  applicationName: string;
  publicKeyPem: string;
}): SignedCookieKeys {
  const { name, parent, applicationName } = args;
  // The key CloudFront verifies signatures with. Auto-named, as the key group refers to
  // its id; the PEM ends with a newline, or every update would replace it.
  const publicKey = new aws.cloudfront.PublicKey(
    `${name}-cookies`,
    {
      comment: `${applicationName} signed cookies`,
      encodedKey: `${args.publicKeyPem.trim()}\n`,
    },
    { parent },
  );
  // The signers the media behaviours trust: this one key. A new key pair in the config
  // replaces the key; cookies signed with the old one stop working, and pages get new ones
  // when they are reloaded.
  const keyGroup = new aws.cloudfront.KeyGroup(
    `${name}-cookies`,
    { comment: `${applicationName} signed cookies`, items: [publicKey.id] },
    { parent },
  );
  return { publicKey, keyGroup };
}
