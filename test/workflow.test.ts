import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

const WORKFLOWS = path.resolve(__dirname, "..", ".github", "workflows");
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");

describe("GitHub workflows", () => {
  for (const file of files) {
    it(`${file} is a valid GitHub Actions workflow`, () => {
      const { errors } = validateWorkflow(read(file));
      assert.deepEqual(errors, []);
    });
  }

  describe("the pull-request workflow", () => {
    const workflow = parse(read("pull-request.yml"));
    const steps = (job: string): Array<Record<string, any>> => workflow.jobs[job].steps;

    it("installs with npm ci, then runs the tests and the offline plan", () => {
      const runs = steps("test")
        .map((s) => s.run)
        .filter(Boolean);
      assert.deepEqual(runs.slice(0, 3), ["npm ci", "npm test", "npm run plan -- --stack dev"]);
      const node = steps("test").find((s) => String(s.uses).startsWith("actions/setup-node"));
      assert.equal(node?.with["node-version"], 22);
    });

    it("previews the dev stack with the policy pack through pulumi/actions, commenting on the PR", () => {
      const preview = steps("preview").find((s) => String(s.uses).startsWith("pulumi/actions@"))!;
      assert.equal(preview.with.command, "preview");
      assert.equal(preview.with["stack-name"], "dev");
      assert.equal(preview.with.policyPacks, "policies");
      assert.equal(preview.with["comment-on-pr"], true);
      assert.equal(workflow.jobs.preview.permissions["pull-requests"], "write");
      assert.equal(workflow.jobs.preview.permissions["id-token"], "write", "OIDC for AWS");
    });

    it("skips every cloud step, with a notice, when credentials are absent", () => {
      const [check, ...rest] = steps("preview");
      assert.match(check.run, /::notice/);
      for (const step of rest)
        assert.equal(
          step.if,
          "steps.credentials.outputs.available == 'true'",
          step.name ?? step.uses ?? step.run,
        );
    });
  });
});
