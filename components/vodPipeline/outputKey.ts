/**
 * SSE-KMS for the output bucket: a customer-managed key that CloudFront may decrypt
 * with, for this distribution only. It needs an Origin Access Control (an OAI cannot
 * use KMS). Writers and readers in the account are granted through their IAM roles.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html#oac-permissions-sse-kms
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AccountContext } from "../common/account";
import { accountAdministersKey, policyDocument } from "../common/iam";

/** What a role needs on the key to write objects (multipart uploads read the data key too). */
export const KEY_WRITE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];
/** What a role needs on the key to read objects. */
export const KEY_READ_ACTIONS = ["kms:Decrypt"];

export function createOutputKey(args: {
  name: string;
  parent: pulumi.Resource;
  applicationName: string;
  account: AccountContext;
  /** The distribution that may decrypt: {@link OriginAccess.distributionArn}. */
  distributionArn: pulumi.Input<string>;
}): aws.kms.Key {
  const { name, parent, applicationName, account, distributionArn } = args;
  return new aws.kms.Key(
    `${name}-output`,
    {
      description: `${applicationName} output bucket`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        accountAdministersKey(account),
        {
          Sid: "CloudFrontDecryptsForThisDistribution",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: KEY_READ_ACTIONS,
          Resource: "*",
          Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
        },
      ]),
    },
    { parent },
  );
}
