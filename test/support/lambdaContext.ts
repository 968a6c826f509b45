import type { Context } from "aws-lambda";

/**
 * A Lambda context as the runtime passes it, for a function with `timeoutMs` left from
 * now. `getRemainingTimeInMillis` follows `Date.now()`, so a test that moves the clock
 * moves the deadline's distance too.
 */
export function lambdaContext({ timeoutMs = 60_000, functionName = "vod-convert" } = {}): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: `req-${Math.random().toString(16).slice(2, 10)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/22/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
