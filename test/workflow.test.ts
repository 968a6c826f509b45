import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");

type Step = Record<string, any>;
const usesAction = (action: string) => (step: Step) => String(step.uses).startsWith(`${action}@`);

describe("GitHub workflows", () => {
  it("exist", () => assert.ok(files.length > 0));

  for (const file of files) {
    it(`${file} is a valid GitHub Actions workflow`, () => {
      const { errors } = validateWorkflow(read(file));
      assert.deepEqual(errors, []);
    });
  }

  describe("the pull-request workflow", () => {
    const workflow = parse(read("pull-request.yml"));
    const steps = (job: string): Step[] => workflow.jobs[job].steps;

    it("runs on pull requests and on pushes to main", () => {
      assert.ok("pull_request" in workflow.on);
      assert.deepEqual(workflow.on.push.branches, ["main"]);
    });

    it("installs with npm ci on Node.js 22, then runs the tests and the offline plan", () => {
      const runs = steps("test")
        .map((s) => s.run)
        .filter(Boolean);
      assert.deepEqual(runs.slice(0, 3), ["npm ci", "npm test", "npm run plan -- --stack dev"]);
      const node = steps("test").find(usesAction("actions/setup-node"))!;
      assert.equal(node.with["node-version"], 22);
      assert.equal(node.with.cache, "npm");
    });

    it("previews the dev stack with the policy pack through pulumi/actions, commenting on the PR", () => {
      const preview = steps("preview").find(usesAction("pulumi/actions"))!;
      assert.equal(preview.with.command, "preview");
      assert.equal(preview.with["stack-name"], "dev");
      assert.equal(preview.with.policyPacks, "policies");
      assert.ok(existsSync(path.join(ROOT, preview.with.policyPacks, "PulumiPolicy.yaml")));
      assert.equal(preview.with["comment-on-pr"], true);
      assert.equal(preview.with["github-token"], "${{ secrets.GITHUB_TOKEN }}");
      assert.equal(workflow.jobs.preview.permissions["pull-requests"], "write");
    });

    it("gets AWS credentials through OIDC, from the role in a repository variable", () => {
      const aws = steps("preview").find(usesAction("aws-actions/configure-aws-credentials"))!;
      assert.equal(aws.with["role-to-assume"], "${{ env.AWS_ROLE_ARN }}");
      assert.equal(workflow.jobs.preview.env.AWS_ROLE_ARN, "${{ vars.AWS_ROLE_ARN }}");
      assert.equal(workflow.jobs.preview.permissions["id-token"], "write");
    });

    it("skips every cloud step, with a notice, when credentials are absent", () => {
      const [check, ...rest] = steps("preview");
      assert.match(check.run, /\[ -z "\$PULUMI_ACCESS_TOKEN" \] \|\| \[ -z "\$AWS_ROLE_ARN" \]/);
      assert.match(check.run, /::notice title=Pulumi preview skipped::/);
      assert.equal(
        workflow.jobs.preview.env.PULUMI_ACCESS_TOKEN,
        "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      );
      for (const step of rest)
        assert.equal(
          step.if,
          "steps.credentials.outputs.available == 'true'",
          step.name ?? step.uses ?? step.run,
        );
    });

    it("never reads a secret in an if: condition, which GitHub does not allow", () => {
      const conditions = Object.values<Record<string, any>>(workflow.jobs).flatMap((job) => [
        job.if,
        ...job.steps.map((step: Step) => step.if),
      ]);
      for (const condition of conditions.filter(Boolean))
        assert.doesNotMatch(condition, /secrets\./);
    });
  });
});
