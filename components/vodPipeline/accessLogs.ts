/**
 * CloudFront access logs through standard logging (v2): CloudWatch vended log
 * delivery into a log group, with no ACL-enabled bucket. CloudFront is global and its
 * delivery source lives in us-east-1, so the whole delivery is made there.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where CloudFront's log delivery is configured. */
export const CLOUDFRONT_LOGS_REGION = "us-east-1";

/**
 * A log group (retention-limited) receiving the distribution's access logs as JSON.
 * CloudWatch Logs adds the log group's resource policy for `delivery.logs.amazonaws.com`
 * when the delivery is created by a caller allowed `logs:PutResourcePolicy`.
 */
export function createAccessLogs(args: {
  name: string;
  parent: pulumi.Resource;
  distribution: aws.cloudfront.Distribution;
  retentionDays: number;
}) {
  const { name, parent, distribution, retentionDays } = args;
  const region = CLOUDFRONT_LOGS_REGION;
  const opts = { parent };

  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-cdn-access`,
    { region, retentionInDays: retentionDays },
    opts,
  );
  const source = new aws.cloudwatch.LogDeliverySource(
    `${name}-cdn`,
    { region, logType: "ACCESS_LOGS", resourceArn: distribution.arn },
    opts,
  );
  const destination = new aws.cloudwatch.LogDeliveryDestination(
    `${name}-cdn`,
    {
      region,
      outputFormat: "json",
      deliveryDestinationConfiguration: { destinationResourceArn: logGroup.arn },
    },
    opts,
  );
  const delivery = new aws.cloudwatch.LogDelivery(
    `${name}-cdn`,
    { region, deliverySourceName: source.name, deliveryDestinationArn: destination.arn },
    opts,
  );
  return { logGroup, delivery };
}
