/** Lambda: supported runtimes, and no secrets in plaintext environment variables. */
import { resourceRule } from "./util";

const FUNCTION = ["aws:lambda/function:Function"];
/** Names that hold a secret, unless they only reference one (an ARN, id or name). */
const SECRET_NAME =
  /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|SITE_?KEY)/i;
const REFERENCE_NAME = /_(ARN|ID|NAME|PARAMETER)$/i;
const SECRET_VALUES: Array<[string, RegExp]> = [
  ["an AWS secret access key", /(^|[^A-Za-z0-9/+])[A-Za-z0-9/+]{40}($|[^A-Za-z0-9/+=])/],
  ["an AWS access key id", /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ["a PallyCon enc-token", /enc-token=/i],
  ["a JWT", /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

export const supportedRuntime = resourceRule(
  {
    name: "lambda-supported-runtime",
    description:
      "Requires every Lambda function that uses a managed runtime to use one of the supported Node.js runtimes.",
    configSchema: {
      properties: {
        runtimes: {
          type: "array",
          items: { type: "string" },
          default: ["nodejs22.x", "nodejs24.x"],
        },
      },
    },
  },
  FUNCTION,
  (props, report, args) => {
    const { runtimes = ["nodejs22.x", "nodejs24.x"] } = args.getConfig<{ runtimes?: string[] }>();
    if (props.packageType === "Image") return;
    if (!runtimes.includes(props.runtime)) {
      report(`The runtime ${props.runtime ?? "(none)"} is not one of ${runtimes.join(", ")}.`);
    }
  },
);

export const noPlaintextSecrets = resourceRule(
  {
    name: "lambda-no-plaintext-secrets",
    description:
      "Checks whether a Lambda environment variable's name or value looks like a secret. Keep secrets in Secrets Manager or behind the KMS gateway, and pass only their ARN.",
  },
  FUNCTION,
  (props, report) => {
    const variables: Record<string, unknown> = props.environment?.variables ?? {};
    for (const [name, value] of Object.entries(variables)) {
      if (SECRET_NAME.test(name) && !REFERENCE_NAME.test(name)) {
        report(`The environment variable ${name} is named like a secret.`);
        continue;
      }
      const text = String(value ?? "");
      if (text.startsWith("arn:")) continue;
      for (const [what, pattern] of SECRET_VALUES) {
        if (pattern.test(text))
          report(`The environment variable ${name} holds what looks like ${what}.`);
      }
    }
  },
);

export const lambdaPolicies = [supportedRuntime, noPlaintextSecrets];
