import * as assert from "node:assert/strict";
import {
  atPreview,
  changed,
  encryptedQueue,
  encryptedTopic,
  KEY_ARN,
  messagesOf,
  rotatingKey,
  UNKNOWN_STRING,
} from "./fixtures";

describe("sns-topic-encrypted", () => {
  const rule = "sns-topic-encrypted";

  it("passes a topic encrypted with a KMS key", async () => {
    assert.deepEqual(await messagesOf(rule, [encryptedTopic()]), []);
  });

  it("flags a topic without a key", async () => {
    const plain = changed(encryptedTopic(), { kmsMasterKeyId: undefined });
    assert.deepEqual(await messagesOf(rule, [plain]), [
      "The topic is not encrypted: set kmsMasterKeyId.",
    ]);
  });

  it("counts a key ARN unknown at preview as set", async () => {
    const topic = encryptedTopic();
    const preview = { ...topic, props: atPreview({ kmsMasterKeyId: UNKNOWN_STRING }) };
    assert.deepEqual(await messagesOf(rule, [preview]), []);
  });
});

describe("sqs-queue-encrypted", () => {
  const rule = "sqs-queue-encrypted";

  it("passes a queue with SQS-managed encryption", async () => {
    assert.deepEqual(await messagesOf(rule, [encryptedQueue()]), []);
  });

  it("passes a queue encrypted with a KMS key", async () => {
    const kms = changed(encryptedQueue(), {
      sqsManagedSseEnabled: undefined,
      kmsMasterKeyId: KEY_ARN,
    });
    assert.deepEqual(await messagesOf(rule, [kms]), []);
  });

  it("flags a queue with SQS-managed encryption turned off", async () => {
    const plain = changed(encryptedQueue(), { sqsManagedSseEnabled: false });
    assert.deepEqual(await messagesOf(rule, [plain]), [
      "The queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId.",
    ]);
  });
});

describe("kms-key-rotation-enabled", () => {
  const rule = "kms-key-rotation-enabled";

  it("passes a rotating symmetric key", async () => {
    assert.deepEqual(await messagesOf(rule, [rotatingKey()]), []);
  });

  it("flags a symmetric key that does not rotate", async () => {
    const fixed = changed(rotatingKey(), { enableKeyRotation: false });
    assert.deepEqual(await messagesOf(rule, [fixed]), [
      "The key does not rotate: set enableKeyRotation.",
    ]);
  });

  it("passes an asymmetric key, which cannot rotate", async () => {
    const signing = changed(rotatingKey(), {
      enableKeyRotation: undefined,
      customerMasterKeySpec: "RSA_2048",
      keyUsage: "SIGN_VERIFY",
    });
    assert.deepEqual(await messagesOf(rule, [signing]), []);
  });
});
