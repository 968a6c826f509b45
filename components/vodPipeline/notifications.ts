/**
 * Notifications: MediaConvert job events for this stack, an encrypted SNS topic that
 * people subscribe to, and an alarm when anything lands in the dead-letter queue.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AccountContext } from "../common/account";
import { accountAdministersKey, policyDocument } from "../common/iam";

/** The MediaConvert job states that are reported: a job either finishes or fails. */
export const REPORTED_JOB_STATES = ["COMPLETE", "ERROR"];

export interface NotificationsArgs {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly applicationName: string;
  readonly account: AccountContext;
  readonly deadLetterQueue: aws.sqs.Queue;
  /** Subscribed to the topic when set. */
  readonly notificationEmail?: pulumi.Input<string>;
}

/**
 * The topic, the job-state rule that publishes to it, the asset-status rule (its
 * target, the metadata function, is the caller's), the dead-letter queue's policy
 * for undeliverable events (targets depend on it), and the dead-letter alarm.
 */
export function createNotifications(args: NotificationsArgs) {
  const { name, parent, applicationName, deadLetterQueue, notificationEmail } = args;
  const { accountId } = args.account;
  const opts = { parent };

  // A customer-managed key, because EventBridge and CloudWatch cannot publish to a
  // topic encrypted with the AWS-managed SNS key.
  const topicKey = new aws.kms.Key(
    `${name}-notifications`,
    {
      description: `${applicationName} notification topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        accountAdministersKey(args.account),
        {
          // No source condition here: SNS calls KMS on the publisher's behalf, and
          // the topic policy already limits who may publish.
          Sid: "PublishersEncryptMessages",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: "*",
        },
      ]),
    },
    opts,
  );
  const topic = new aws.sns.Topic(`${name}-notifications`, { kmsMasterKeyId: topicKey.arn }, opts);
  if (notificationEmail) {
    // The address must confirm the subscription before mail arrives.
    new aws.sns.TopicSubscription(
      `${name}-notifications-email`,
      { topic: topic.arn, protocol: "email", endpoint: notificationEmail },
      opts,
    );
  }

  // This stack's MediaConvert jobs only: the account's event bus carries every job.
  const jobEvents = (statuses: string[]) =>
    JSON.stringify({
      source: ["aws.mediaconvert"],
      "detail-type": ["MediaConvert Job State Change"],
      detail: { status: statuses, userMetadata: { application: [applicationName] } },
    });
  const jobStateRule = new aws.cloudwatch.EventRule(
    `${name}-job-state`,
    {
      description: `${applicationName}: MediaConvert jobs that complete or fail`,
      eventPattern: jobEvents(REPORTED_JOB_STATES),
    },
    opts,
  );
  // The metadata function records both outcomes in the asset's metadata file.
  const assetStatusRule = new aws.cloudwatch.EventRule(
    `${name}-asset-status`,
    {
      description: `${applicationName}: MediaConvert jobs that complete or fail, for the asset metadata`,
      eventPattern: jobEvents(REPORTED_JOB_STATES),
    },
    { parent, aliases: [{ name: `${name}-job-complete` }] },
  );

  const topicPolicy = new aws.sns.TopicPolicy(
    `${name}-notifications`,
    {
      arn: topic.arn,
      policy: policyDocument([
        {
          Sid: "JobStateEventsPublish",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sns:Publish",
          Resource: topic.arn,
          Condition: { ArnEquals: { "aws:SourceArn": jobStateRule.arn } },
        },
        {
          Sid: "DeadLetterAlarmPublishes",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: "sns:Publish",
          Resource: topic.arn,
          Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
      ]),
    },
    opts,
  );

  // Events EventBridge cannot deliver go to the dead-letter queue too.
  const queuePolicy = new aws.sqs.QueuePolicy(
    `${name}-dlq`,
    {
      queueUrl: deadLetterQueue.url,
      policy: policyDocument([
        {
          Sid: "UndeliveredJobEvents",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: deadLetterQueue.arn,
          Condition: {
            ArnEquals: { "aws:SourceArn": [jobStateRule.arn, assetStatusRule.arn] },
          },
        },
      ]),
    },
    opts,
  );

  // EventBridge may publish, and dead-letter, only once the policies allow it.
  new aws.cloudwatch.EventTarget(
    `${name}-job-state`,
    { rule: jobStateRule.name, arn: topic.arn, deadLetterConfig: { arn: deadLetterQueue.arn } },
    { parent, dependsOn: [topicPolicy, queuePolicy] },
  );

  // Anything in the dead-letter queue is a lost upload or asset until someone acts: say so.
  new aws.cloudwatch.MetricAlarm(
    `${name}-dlq-not-empty`,
    {
      alarmDescription: `${applicationName}: events failed and are waiting in the dead-letter queue`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: deadLetterQueue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
    },
    opts,
  );
  return { topic, assetStatusRule, queuePolicy };
}
