import * as assert from "node:assert/strict";
import {
  convertRolePolicy,
  convertStatements,
  MEDIACONVERT_ROLE_ARN,
  messagesOf,
  policyDocument,
  resource,
  ROLE,
  ROLE_POLICY_ATTACHMENT,
  rolePolicy,
  seedLambdaPolicy,
  UNKNOWN_STRING,
} from "./fixtures";

const [submitJobs, passRole] = convertStatements();
const withPassRole = (changes: Record<string, unknown>) =>
  rolePolicy("convert", submitJobs, { ...passRole, ...changes });

describe("iam-no-wildcard-actions", () => {
  const rule = "iam-no-wildcard-actions";

  it("passes the convert function's least-privilege policy", async () => {
    assert.deepEqual(await messagesOf(rule, [convertRolePolicy()]), []);
  });

  it("flags the source design's s3:* and mediaconvert:*", async () => {
    assert.deepEqual(await messagesOf(rule, [seedLambdaPolicy()]), [
      "Statement S3 allows s3:*.",
      "Statement MediaConvert allows mediaconvert:*.",
    ]);
  });

  it("flags a bare * in a role's inline policy", async () => {
    const role = resource(ROLE, "admin", {
      inlinePolicies: [
        {
          name: "all",
          policy: policyDocument({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }),
        },
      ],
    });
    assert.deepEqual(await messagesOf(rule, [role]), ["Statement All allows *."]);
  });

  it("flags an Allow through NotAction", async () => {
    const notAction = rolePolicy("r", { Effect: "Allow", NotAction: "iam:*", Resource: "*" });
    assert.deepEqual(await messagesOf(rule, [notAction]), [
      "Statement #1 allows every action but its NotAction.",
    ]);
  });

  it("passes a Deny with a wildcard", async () => {
    const deny = rolePolicy("r", submitJobs, { Effect: "Deny", Action: "s3:*", Resource: "*" });
    assert.deepEqual(await messagesOf(rule, [deny]), []);
  });
  it("decides the documents it knows at preview, then says which one it can't read yet", async () => {
    const role = resource(ROLE, "admin", {
      inlinePolicies: [
        { name: "new", policy: UNKNOWN_STRING },
        {
          name: "all",
          policy: policyDocument({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }),
        },
      ],
    });
    assert.deepEqual(await messagesOf(rule, [role]), [
      "Statement All allows *.",
      "can't run policy 'iam-no-wildcard-actions' during preview: string value at .inlinePolicies.0.policy can't be known during preview",
    ]);
  });
});

describe("iam-passrole-scoped", () => {
  const rule = "iam-passrole-scoped";

  it("passes PassRole on the MediaConvert role only", async () => {
    assert.deepEqual(await messagesOf(rule, [convertRolePolicy()]), []);
  });

  it("flags the source design's PassRole on *", async () => {
    assert.deepEqual(await messagesOf(rule, [seedLambdaPolicy()]), [
      "Statement PassRole passes any role matching *.",
    ]);
  });

  it("flags a role-path wildcard", async () => {
    const anyRole = withPassRole({ Resource: "arn:aws:iam::123456789012:role/*" });
    assert.deepEqual(await messagesOf(rule, [anyRole]), [
      "Statement PassTheMediaConvertRole passes any role matching arn:aws:iam::123456789012:role/*.",
    ]);
  });

  it("recognises PassRole through an action wildcard, in any case", async () => {
    const sneaky = withPassRole({ Action: "IAM:Pass*", Resource: "*" });
    assert.deepEqual(await messagesOf(rule, [sneaky]), [
      "Statement PassTheMediaConvertRole passes any role matching *.",
    ]);
  });

  it("flags NotResource", async () => {
    const allBut = withPassRole({ Resource: undefined, NotResource: MEDIACONVERT_ROLE_ARN });
    assert.deepEqual(await messagesOf(rule, [allBut]), [
      "Statement PassTheMediaConvertRole passes every role but its NotResource.",
    ]);
  });
});

describe("iam-passrole-passed-to-service", () => {
  const rule = "iam-passrole-passed-to-service";

  it("passes PassRole conditioned on iam:PassedToService", async () => {
    assert.deepEqual(await messagesOf(rule, [convertRolePolicy()]), []);
  });

  it("flags PassRole without the condition", async () => {
    assert.deepEqual(await messagesOf(rule, [withPassRole({ Condition: undefined })]), [
      "Statement PassTheMediaConvertRole passes a role without an iam:PassedToService condition.",
    ]);
  });

  it("flags the source design's PassRole", async () => {
    assert.deepEqual(await messagesOf(rule, [seedLambdaPolicy()]), [
      "Statement PassRole passes a role without an iam:PassedToService condition.",
    ]);
  });
});

describe("iam-no-aws-managed-policies", () => {
  const rule = "iam-no-aws-managed-policies";
  const BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
  const attachment = (policyArn: string) =>
    resource(ROLE_POLICY_ATTACHMENT, "convert-logs", { role: "convert", policyArn });

  it("passes a customer managed policy", async () => {
    const own = attachment("arn:aws:iam::123456789012:policy/convert-logs");
    assert.deepEqual(await messagesOf(rule, [own]), []);
  });

  it("flags an attached AWS managed policy", async () => {
    assert.deepEqual(await messagesOf(rule, [attachment(BASIC_EXECUTION)]), [
      `The AWS managed policy ${BASIC_EXECUTION} is attached.`,
    ]);
  });

  it("flags one in a role's managedPolicyArns", async () => {
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const role = resource(ROLE, "admin", { managedPolicyArns: [admin] });
    assert.deepEqual(await messagesOf(rule, [role]), [
      `The AWS managed policy ${admin} is attached.`,
    ]);
  });

  it("passes one listed in allowedPolicyArns", async () => {
    const config = { [rule]: { allowedPolicyArns: [BASIC_EXECUTION] } };
    assert.deepEqual(await messagesOf(rule, [attachment(BASIC_EXECUTION)], config), []);
  });
});
