/**
 * The top README's reference tables against the code: the config keys and their defaults,
 * the stack outputs, and each component's arguments and outputs. A row that names something
 * the code no longer has, or code the README forgot, fails here.
 */
import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { configKeyTable } from "./support/configTable";
import { readPlanConfig } from "../plan/stackConfig";
import { runWholeProgram } from "../plan/mockCloud";

const ROOT = path.resolve(__dirname, "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The text of the `## <title>` section, up to the next `## `. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `the README has a "## ${title}" section`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The body rows of every table in `text`, each as its cells. */
function tableRows(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
    .filter((cells) => !["key", "output", "argument"].includes(cells[0]));
}

/** The `code` spans of a cell, in order. */
const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** The members of `interface <name> { … }` in a source file. */
function interfaceMembers(file: string, name: string): string[] {
  const source = readFileSync(path.join(ROOT, file), "utf8");
  const start = source.indexOf(`export interface ${name} {`);
  assert.ok(start >= 0, `${file} declares ${name}`);
  const body = source.slice(start, source.indexOf("\n}", start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((m) => m[1]);
}

/** The public readonly properties of `class <name>` in a source file. */
function classProperties(file: string, name: string): string[] {
  const source = readFileSync(path.join(ROOT, file), "utf8");
  const start = source.indexOf(`export class ${name} `);
  assert.ok(start >= 0, `${file} declares ${name}`);
  const body = source.slice(start, source.indexOf("\n}", start));
  return [...body.matchAll(/^ {2}public readonly (\w+)\??:/gm)].map((m) => m[1]);
}

describe("the README", () => {
  it("lists every config key once, with the default the code has", () => {
    const listed = new Map<string, string>();
    for (const [keys, defaults] of tableRows(section("Configuration"))) {
      const names = codeSpans(keys);
      const values = names.length > 1 ? defaults.split(/,\s*/) : [defaults];
      names.forEach((name, i) => {
        assert.ok(!listed.has(name), `${name} is listed twice`);
        listed.set(name, (values[i] ?? values[0]).replace(/`/g, ""));
      });
    }
    const table = configKeyTable();
    assert.deepEqual([...listed.keys()].sort(), table.map((row) => row.key).sort());
    for (const row of table) {
      const expected = row.secret ? "secret" : row.defaultText;
      assert.equal(listed.get(row.key), expected, `the default of ${row.key}`);
    }
  });

  it("lists every stack output once, and nothing the program does not export", async () => {
    const cookieKeys = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    // The prod stack, plus the one feature it leaves off, so that every output exists.
    const config = readPlanConfig(ROOT, "prod");
    const plan = await runWholeProgram({
      ...config,
      values: {
        ...config.values,
        "vod-multidrm:signedCookies": "true",
        "vod-multidrm:signedCookiePublicKey": cookieKeys.publicKey,
        "vod-multidrm:signedCookiePrivateKey": cookieKeys.privateKey,
        "vod-multidrm:cdnCorsAllowedOrigins": "[]",
      },
    });
    const listed = tableRows(section("Stack outputs")).flatMap(([names]) => codeSpans(names));
    assert.equal(new Set(listed).size, listed.length, "no output is listed twice");
    assert.deepEqual([...listed].sort(), Object.keys(plan.outputs).sort());
  });

  describe("component tables", () => {
    const components = section("Components");
    /** The table and `Outputs:` line that follow `**\`<name>\`**`. */
    const partOf = (name: string) => {
      const start = components.indexOf(`**\`${name}\`**`);
      assert.ok(start >= 0, `the README describes ${name}`);
      const next = components.indexOf("\n**`", start + 1);
      return components.slice(start, next < 0 ? undefined : next);
    };
    const cases = [
      { name: "VodPipeline", file: "components/vodPipeline.ts" },
      { name: "PallyConGateway", file: "components/pallyConGateway.ts" },
      { name: "DrmEndpoint", file: "components/drmEndpoint.ts" },
      { name: "LicenseTokenService", file: "components/licenseTokenService.ts" },
    ];
    for (const { name, file } of cases) {
      it(`names exactly ${name}'s arguments, and outputs it has`, () => {
        const part = partOf(name);
        const args = tableRows(part).flatMap(([argument]) => codeSpans(argument));
        assert.deepEqual([...args].sort(), interfaceMembers(file, `${name}Args`).sort());
        const outputsLine = /\nOutputs: ([^]*?)\.\n/.exec(part);
        assert.ok(outputsLine, `an "Outputs:" line for ${name}`);
        const properties = classProperties(file, name);
        for (const output of codeSpans(outputsLine[1])) {
          assert.ok(properties.includes(output), `${name} has an output ${output}`);
        }
      });
    }

    it("names the fields of VodPipeline's transcoding and delivery groups", () => {
      const rows = new Map(tableRows(partOf("VodPipeline")).map(([arg, type]) => [arg, type]));
      const groups = [
        ["`transcoding`", "components/vodPipeline/transcoding.ts", "VodTranscodingArgs"],
        ["`delivery`", "components/vodPipeline/delivery.ts", "VodDeliveryArgs"],
      ];
      for (const [row, file, type] of groups) {
        const fields = /\{([^}]*)\}/.exec(rows.get(row) ?? "")?.[1].split(",") ?? [];
        assert.deepEqual(
          fields.map((field) => field.trim()).sort(),
          interfaceMembers(file, type).sort(),
          `the fields of ${row}`,
        );
      }
    });
  });
});
