/**
 * Reading the stack configuration in a test: the mock runtime the config needs, the
 * stack's values as the Pulumi CLI passes them (arrays and objects as JSON text), and what
 * reading them gives: the config, or its problems, and the warnings printed.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, readStackConfig, StackConfig } from "../../config";

export const PROJECT = "vod-multidrm";

/** Registers the mock runtime before the file's tests, for the project's `test` stack. */
export function useConfigMocks(): void {
  before(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
      PROJECT,
      "test",
    );
  });
}

/** A valid license token service as stack values; its secrets are {@link TOKEN_SERVICE_SECRETS}. */
export const TOKEN_SERVICE_VALUES = {
  licenseTokens: true,
  licenseSiteId: "TEST",
  licenseSiteKey: "s".repeat(32),
  licenseAccessKey: "access",
  licenseJwtIssuer: "https://issuer.example.com",
  licenseJwtAudience: ["player"],
};
export const TOKEN_SERVICE_SECRETS = ["licenseSiteKey", "licenseAccessKey"];

export interface StackValues {
  /** `aws:region`, when the stack sets one. */
  readonly region?: string;
  /** Keys set as secrets. */
  readonly secrets?: readonly string[];
}

/** Sets exactly these values of the project (and `aws:region` when given). */
export function setStackConfig(
  values: Record<string, unknown>,
  { region, secrets = [] }: StackValues = {},
): void {
  pulumi.runtime.setAllConfig(
    {
      ...(region ? { "aws:region": region } : {}),
      ...Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          `${PROJECT}:${key}`,
          typeof value === "string" ? value : JSON.stringify(value),
        ]),
      ),
    },
    secrets.map((key) => `${PROJECT}:${key}`),
  );
}

/** What reading these values gives: the config or its problems, and the warnings printed. */
export function readConfig(
  values: Record<string, unknown>,
  stack: StackValues = {},
): { config?: StackConfig; problems: string[]; warnings: string[] } {
  setStackConfig(values, stack);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    return { config: readStackConfig(), problems: [], warnings };
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return { config: undefined, problems: error.problems, warnings };
  } finally {
    console.warn = warn;
  }
}
