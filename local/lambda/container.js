// One warm Lambda container: a Node process that loads the function's `index.js` from
// its code folder, as the Node.js runtime does, and runs one invocation at a time for the
// runner (local/lambda/runner.ts), which sends `{ id, event, deadline, requestId }` and
// receives `{ id, result }` or `{ id, error }`. Plain JavaScript: the container runs the
// bundle with nothing of the project loaded.
"use strict";
const path = require("node:path");

const [, , codeFolder, handlerName] = process.argv;
const [file, exported] = handlerName.split(".");
let handler;
try {
  handler = require(path.join(codeFolder, file))[exported];
  if (typeof handler !== "function") throw new Error(`${handlerName} is not a function`);
} catch (error) {
  // Lambda reports an init error on the first invocation: the runner shows it.
  handler = () => Promise.reject(error);
}

// A container outlives no runner: when the runner's process is gone, so is this one.
process.on("disconnect", () => process.exit(0));

process.on("message", async ({ id, event, deadline, requestId }) => {
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: "$LATEST",
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({
      id,
      error: {
        errorType: (error && error.name) || "Error",
        errorMessage: (error && error.message) || String(error),
      },
    });
  }
});
