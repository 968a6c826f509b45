/**
 * The project's layout rules: what both the infrastructure and the runtime code use lives
 * in `shared/`, which needs neither Pulumi nor an AWS SDK at run time, and the
 * infrastructure never reaches into a function's folder.
 */
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/** The TypeScript files under a folder of the project, relative to the project. */
function sourcesUnder(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(folder, file));
}

/** Each import of a file: the specifier, and whether only types are imported. */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const source = readFileSync(path.join(ROOT, file), "utf8");
  const pattern = /^(?:import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?"([^"]+)"/gm;
  return [...source.matchAll(pattern)].map((match) => ({
    specifier: match[2],
    typeOnly: Boolean(match[1]),
  }));
}

/** The project folder an import resolves into (`functions/convert`), or the package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  return path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
}

describe("the layout", () => {
  const infrastructure = [...sourcesUnder("components"), ...sourcesUnder("config"), "index.ts"];

  it("keeps the infrastructure out of the functions' folders: what both use is in shared/", () => {
    const reaches = infrastructure.flatMap((file) =>
      importsOf(file)
        .map(({ specifier }) => target(file, specifier))
        .filter((module) => /^functions\/[^/]+\//.test(module))
        .map((module) => `${file} imports ${module}`),
    );
    assert.deepEqual(reaches, []);
  });

  it("finds the imports it checks (a rule that sees nothing cannot fail)", () => {
    const seen = importsOf("components/vodPipeline.ts").map(({ specifier }) =>
      target("components/vodPipeline.ts", specifier),
    );
    assert.ok(seen.includes("shared/outputLayout"), seen.join(", "));
  });

  it("loads neither Pulumi nor an AWS SDK from shared/ (types only), and nothing outside it", () => {
    const problems = sourcesUnder("shared").flatMap((file) =>
      importsOf(file)
        .filter(({ specifier, typeOnly }) => {
          if (specifier.startsWith("node:")) return false;
          if (specifier.startsWith(".")) return !target(file, specifier).startsWith("shared/");
          return !typeOnly;
        })
        .map(({ specifier }) => `${file} imports ${specifier}`),
    );
    assert.deepEqual(problems, []);
  });
});
