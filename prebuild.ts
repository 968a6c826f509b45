/**
 * Imported first by `index.ts`, before the SDKs load: starts bundling the Lambda
 * handlers every stack deploys and the player page, in esbuild's own process (or takes them from the build
 * cache), so the bundles are ready by the time their functions are registered.
 * Handlers only some stacks deploy are started once the config is read.
 */
import { startFunctionBundles } from "./functions/bundle";
import { startPlayerBuild } from "./player/build";

startFunctionBundles(["convert", "metadata"]);
startPlayerBuild();
