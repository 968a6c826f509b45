import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";

/** An IAM policy document from typed statements. */
export function policyDocument(statements: aws.iam.PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * A role trust policy for one AWS service. `condition` narrows who may make the
 * service assume the role (confused-deputy protection), where the service sends
 * `aws:SourceAccount` / `aws:SourceArn` with its AssumeRole call.
 */
export function trustPolicy(
  service: string,
  condition?: aws.iam.PolicyStatement["Condition"],
): pulumi.Output<string> {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      ...(condition ? { Condition: condition } : {}),
    },
  ]);
}

/**
 * The first statement of every key policy here: the account administers the key, and
 * IAM policies in the account may grant its use (as they do to this program's roles).
 * A key policy must name its resource as "*": it applies to that key only.
 */
export function accountAdministersKey(account: {
  partition: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
}): aws.iam.PolicyStatement {
  return {
    Sid: "AccountAdministersTheKey",
    Effect: "Allow",
    Principal: { AWS: pulumi.interpolate`arn:${account.partition}:iam::${account.accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  };
}
