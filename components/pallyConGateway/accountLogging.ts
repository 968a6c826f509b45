/** The account's API Gateway CloudWatch Logs role, which REST API access logging needs. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, trustPolicy } from "../common/iam";

/**
 * The account-level role API Gateway uses to write CloudWatch logs in this region,
 * with the permissions of AWS's AmazonAPIGatewayPushToCloudWatchLogs policy written
 * out (the policy pack allows no AWS-managed policies). Retained on destroy: other
 * APIs in the account rely on the same setting.
 */
export function accountLoggingRole(
  name: string,
  parent: pulumi.Resource,
  accountId: pulumi.Output<string>,
  partition: pulumi.Output<string>,
  region: pulumi.Output<string>,
): aws.apigateway.Account {
  const opts = { parent, retainOnDelete: true };
  const role = new aws.iam.Role(
    `${name}-cloudwatch`,
    {
      description: "API Gateway writes this account's API logs to CloudWatch Logs",
      // No source condition: API Gateway documents none for this account-level role.
      assumeRolePolicy: trustPolicy("apigateway.amazonaws.com"),
    },
    opts,
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-cloudwatch`,
    {
      role: role.id,
      policy: policyDocument([
        {
          Sid: "WriteApiLogs",
          Effect: "Allow",
          Action: [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
            "logs:GetLogEvents",
            "logs:FilterLogEvents",
          ],
          // The setting serves every API in the account and region, each with its own groups.
          Resource: pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`,
        },
      ]),
    },
    opts,
  );
  return new aws.apigateway.Account(
    `${name}-account`,
    { cloudwatchRoleArn: role.arn },
    { ...opts, dependsOn: [rolePolicy] },
  );
}
