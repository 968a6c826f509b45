/**
 * Lets Node load the project's TypeScript files: `node -r ./scripts/register-typescript.js`.
 * The offline plan, the benchmarks and the tests run the sources this way; `pulumi up` runs
 * them through the language host's own ts-node.
 *
 * Each `.ts` file is transpiled alone by esbuild (already the project's bundler), as
 * `isolatedModules` allows; types are checked by `npm test`. Only `.ts` files pass through
 * here: the packages' JavaScript, thousands of files the SDKs load, is loaded by Node as is.
 * Registering the extension also lets `require("./config")` find `config/index.ts`.
 */
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const { transformSync } = require("esbuild");

Module._extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node22",
    sourcefile: filename,
    // Stack traces name the .ts line where Node's source maps are on (--enable-source-maps).
    sourcemap: "inline",
    // `await import("./x")` becomes a require, so it resolves `.ts` files like `import` does.
    supported: { "dynamic-import": false },
  });
  module._compile(code, filename);
};
