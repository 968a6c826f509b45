import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PlannedResource, PlannedStack, runUnderMocks } from "../../plan/mockCloud";

/** Runs `program` under the mock runtime for a test stack with the given config. */
export function runProgram(
  program: () => unknown,
  values: Record<string, string> = {},
  secretKeys: string[] = [],
): Promise<PlannedStack> {
  return runUnderMocks(
    { project: "vod-multidrm", stack: "test", values, secretKeys, unsetSecrets: [] },
    async () => program(),
  );
}

export { ofType } from "../../plan/mockCloud";

/** The one resource of a type with a name; throws when it isn't there. */
export function named(plan: PlannedStack, type: string, name: string): PlannedResource {
  const found = plan.resources.find((resource) => resource.type === type && resource.name === name);
  if (!found) throw new Error(`no ${type} named ${name} was registered`);
  return found;
}

/** The statements of a JSON policy document. */
export function statementsOf(policy: string): Array<Record<string, any>> {
  return JSON.parse(policy).Statement;
}

/** A statement's actions as a list. */
export const actionsOf = (statement: Record<string, any>): string[] => [statement.Action].flat();

/**
 * The bytes an asset input holds: a `StringAsset`'s text, or the file a `FileAsset`
 * names (relative to the project, as the engine reads it).
 */
export async function assetBytes(asset: any): Promise<Buffer> {
  const text = await asset.text;
  if (text !== undefined) return Buffer.from(text);
  return readFileSync(path.resolve(__dirname, "..", "..", await asset.path));
}
