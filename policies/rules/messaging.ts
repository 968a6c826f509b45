/** SNS and SQS: messages encrypted at rest. */
import { isSet, resourceRule } from "./util";

export const topicEncrypted = resourceRule(
  {
    name: "sns-topic-encrypted",
    description:
      "Requires every SNS topic to set kmsMasterKeyId. Use a customer-managed key when EventBridge or CloudWatch publish to the topic.",
    binds: {
      at: "preview",
      reason: "The key is a reference to another resource: unknown at preview, it counts as set.",
    },
  },
  ["aws:sns/topic:Topic"],
  (props, report) => {
    if (!isSet(() => props.kmsMasterKeyId))
      report("The topic is not encrypted: set kmsMasterKeyId.");
  },
);

export const queueEncrypted = resourceRule(
  {
    name: "sqs-queue-encrypted",
    description: "Requires every SQS queue to set sqsManagedSseEnabled: true or a kmsMasterKeyId.",
    binds: {
      at: "preview",
      reason: "The sqsManagedSseEnabled flag is a literal; a key is a reference and counts as set.",
    },
  },
  ["aws:sqs/queue:Queue"],
  (props, report) => {
    if (props.sqsManagedSseEnabled !== true && !isSet(() => props.kmsMasterKeyId))
      report("The queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId.");
  },
);

export const messagingPolicies = [topicEncrypted, queueEncrypted];
