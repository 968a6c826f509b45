/** Lambda: supported runtimes, and no secrets in plaintext environment variables. */
import { read, resourceRule } from "./util";

const FUNCTION = ["aws:lambda/function:Function"];
const DEFAULT_RUNTIMES = ["nodejs22.x", "nodejs24.x"];

/** Names that say a variable holds a secret. */
const SECRET_NAME =
  /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SITE_?KEY|CREDENTIAL)/i;
/** Names that say it only points at one (Secrets Manager ARN or id, SSM parameter name). */
const REFERENCE_NAME = /_(ARN|SECRET_ID|SECRET_NAME|PARAMETER|PARAMETER_NAME)$/i;

/** Values shaped like a secret, with what they look like. */
const SECRET_VALUES: Array<[string, (value: string) => boolean]> = [
  ["an AWS access key id", (v) => /\b(AKIA|ASIA)[A-Z0-9]{16}\b/.test(v)],
  [
    "an AWS secret access key",
    (v) => runs(v, /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g),
  ],
  ["a PallyCon enc-token", (v) => /enc-token=/i.test(v)],
  ["a JWT", (v) => /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/.test(v)],
  ["a private key", (v) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v)],
  ["a long base64 blob", (v) => runs(v, /[A-Za-z0-9+/_-]{64,}={0,2}/g)],
];

/**
 * Whether some match of `pattern` mixes upper case, lower case and digits, as random
 * keys do (a hex digest or a lowercase bucket name does not).
 */
function runs(value: string, pattern: RegExp): boolean {
  for (const [match] of value.matchAll(pattern)) {
    if (/[A-Z]/.test(match) && /[a-z]/.test(match) && /[0-9]/.test(match)) return true;
  }
  return false;
}

export const supportedRuntime = resourceRule(
  {
    name: "lambda-supported-runtime",
    description:
      "Requires every Lambda function that uses a managed runtime (not a container image) to use one of the supported Node.js runtimes.",
    configSchema: {
      properties: {
        runtimes: { type: "array", items: { type: "string" }, default: DEFAULT_RUNTIMES },
      },
    },
    binds: { at: "preview", reason: "Runtimes and package types are literals." },
  },
  FUNCTION,
  (props, report, args) => {
    const { runtimes = DEFAULT_RUNTIMES } = args.getConfig<{ runtimes?: string[] }>();
    if (props.packageType === "Image") return;
    if (!runtimes.includes(props.runtime))
      report(`The runtime ${props.runtime ?? "(none)"} is not one of ${runtimes.join(", ")}.`);
  },
);

export const noPlaintextSecrets = resourceRule(
  {
    name: "lambda-no-plaintext-secrets",
    description:
      "Checks whether a Lambda environment variable's name (TOKEN, SECRET, PASSWORD, API_KEY, ACCESS_KEY...) or value (an AWS key, a PallyCon enc-token, a JWT, a private key, a long base64 blob) looks like a secret. Keep the secret in Secrets Manager, or behind the KMS gateway, and pass only its ARN (a name ending _ARN, _SECRET_ID or _PARAMETER).",
    binds: {
      at: "preview",
      reason:
        "Variable names, literals and stack-config secrets are known at preview; a value that is another resource's output (a bucket name, an ARN) is checked by name at preview and by value at `pulumi up`.",
    },
  },
  FUNCTION,
  (props, report) => {
    const variables: Record<string, unknown> = props.environment?.variables ?? {};
    for (const name of Object.keys(variables)) {
      if (SECRET_NAME.test(name) && !REFERENCE_NAME.test(name)) {
        report(`The environment variable ${name} is named like a secret.`);
        continue;
      }
      // A value unknown at preview is another resource's output; the offline plan sees it.
      const value = read(() => variables[name]);
      if (typeof value !== "string" || value.startsWith("arn:")) continue;
      for (const [what, looksLike] of SECRET_VALUES) {
        if (looksLike(value)) {
          report(`The environment variable ${name} holds what looks like ${what}.`);
          break;
        }
      }
    }
  },
);

export const lambdaPolicies = [supportedRuntime, noPlaintextSecrets];
