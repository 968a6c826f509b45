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

  describe("the deploy workflow", () => {
    const workflow = parse(read("deploy.yml"));
    const STACKS = ["dev", "prod"];
    const steps = (job: string): Step[] => workflow.jobs[job].steps;

    it("runs on pushes to main, and by hand for a chosen stack", () => {
      assert.deepEqual(workflow.on.push.branches, ["main"]);
      const stack = workflow.on.workflow_dispatch.inputs.stack;
      assert.equal(stack.type, "choice");
      assert.deepEqual(stack.options, STACKS);
    });

    it("grants only what it needs: read the code, and an OIDC token where it deploys", () => {
      assert.deepEqual(workflow.permissions, { contents: "read" });
      for (const stack of STACKS)
        assert.deepEqual(workflow.jobs[stack].permissions, {
          contents: "read",
          "id-token": "write",
        });
    });

    it("runs the tests and the offline plans before any deploy", () => {
      const runs = steps("test")
        .map((s) => s.run)
        .filter(Boolean);
      assert.deepEqual(runs.slice(0, 2), ["npm ci", "npm test"]);
      assert.match(runs[2], /npm run plan -- --stack dev\nnpm run plan -- --stack prod/);
      assert.equal(steps("test").find(usesAction("actions/setup-node"))!.with["node-version"], 22);
      assert.deepEqual([workflow.jobs.dev.needs].flat(), ["test"]);
      assert.deepEqual(workflow.jobs.prod.needs, ["test", "dev"]);
      assert.match(workflow.jobs.prod.if, /needs\.test\.result == 'success'/);
      assert.match(workflow.jobs.prod.if, /needs\.dev\.result == 'success'/);
    });

    for (const stack of STACKS) {
      it(`runs pulumi up on ${stack} with the policy pack, in the ${stack} environment`, () => {
        const up = steps(stack).find(usesAction("pulumi/actions"))!;
        assert.equal(up.with.command, "up");
        assert.equal(up.with["stack-name"], stack);
        assert.equal(up.with.policyPacks, "policies");
        assert.equal(workflow.jobs[stack].environment, stack);
        assert.match(workflow.jobs[stack].if, new RegExp(`inputs\\.stack == '${stack}'`));
      });

      it(`never runs two updates of ${stack} at once, and never cancels one`, () => {
        assert.deepEqual(workflow.jobs[stack].concurrency, {
          group: `deploy-${stack}`,
          "cancel-in-progress": false,
        });
      });

      it(`gets AWS credentials for ${stack} through OIDC, as the pull-request workflow does`, () => {
        const aws = steps(stack).find(usesAction("aws-actions/configure-aws-credentials"))!;
        assert.equal(aws.with["role-to-assume"], "${{ env.AWS_ROLE_ARN }}");
        assert.equal(workflow.jobs[stack].env.AWS_ROLE_ARN, "${{ vars.AWS_ROLE_ARN }}");
      });

      it(`skips every cloud step of ${stack}, with a notice, when credentials are absent`, () => {
        const [check, ...rest] = steps(stack);
        assert.match(check.run, /\[ -z "\$PULUMI_ACCESS_TOKEN" \] \|\| \[ -z "\$AWS_ROLE_ARN" \]/);
        assert.match(check.run, /::notice title=pulumi up skipped::/);
        for (const step of rest)
          assert.equal(step.if, "steps.credentials.outputs.available == 'true'");
      });
    }

    it("uses the same action versions as the pull-request workflow", () => {
      const versions = (file: string) => {
        const jobs = Object.values<Record<string, any>>(parse(read(file)).jobs);
        return new Set(jobs.flatMap((job) => job.steps.map((s: Step) => s.uses).filter(Boolean)));
      };
      const pullRequest = versions("pull-request.yml");
      for (const action of versions("deploy.yml")) assert.ok(pullRequest.has(action), action);
    });

    it("never reads a secret in an if: condition", () => {
      const conditions = Object.values<Record<string, any>>(workflow.jobs).flatMap((job) => [
        job.if,
        ...job.steps.map((step: Step) => step.if),
      ]);
      for (const condition of conditions.filter(Boolean))
        assert.doesNotMatch(condition, /secrets\./);
    });
  });
});
