// Mocha's settings. The test files run two at a time, in this order: the longest first
// (browsers, ffmpeg, spawned programs), so that neither worker is left with a long file
// at the end while the other idles. Then every other test file, by name.
"use strict";
const { globSync } = require("node:fs");

const LONGEST_FIRST = [
  "test/player.browser.test.ts",
  "test/typecheck.test.ts",
  "test/local.preview.test.ts",
  "test/plan.test.ts",
  "test/languageHost.test.ts",
  "test/local.mediaConvert.test.ts",
  "test/delivery.test.ts",
  "test/convert.probe.test.ts",
];
const rest = globSync(["test/**/*.test.ts", "policies/test/**/*.test.ts"])
  .sort()
  .filter((file) => !LONGEST_FIRST.includes(file));

module.exports = {
  "node-option": ["require=./scripts/register-typescript.js"],
  spec: [...LONGEST_FIRST, ...rest],
  timeout: 60000,
  reporter: "spec",
  parallel: true,
  jobs: 2,
};
