/**
 * Imported first by `index.ts`, before the SDKs load: starts bundling the Lambda
 * handlers every stack deploys, in esbuild's own process (or takes them from the build
 * cache), so the bundles are ready by the time their functions are registered.
 * Handlers only some stacks deploy are started once the config is read.
 */
import { startFunctionBundles } from "./functions/bundle";

startFunctionBundles(["convert", "metadata"]);
