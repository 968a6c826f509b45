/**
 * The convert function: S3 ObjectCreated → one MediaConvert job per video.
 *
 * Thin on purpose: decisions live in `request.ts`. Any failure is rethrown after
 * every record was tried, so Lambda retries the event and then dead-letters it.
 */
import { CreateJobCommand, MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import type { S3Event } from "aws-lambda";
import { log } from "../shared/log";
import { planRecord } from "./request";
import { readConvertSettings } from "./settings";

const settings = readConvertSettings(process.env);

// The regional endpoint (the SDK's default); DescribeEndpoints is deprecated.
// Extra attempts ride out CreateJob throttling within one invocation.
const mediaConvert = new MediaConvertClient({ maxAttempts: 6 });

export async function handler(event: S3Event): Promise<void> {
  const failures: Error[] = [];
  for (const record of event.Records ?? []) {
    const plan = planRecord(record, settings);
    if (plan.action === "skip") {
      log("info", "skipped", { key: plan.key, reason: plan.reason });
      continue;
    }
    try {
      const { Job } = await mediaConvert.send(new CreateJobCommand(plan.request));
      log("info", "job submitted", {
        key: plan.key,
        jobId: Job?.Id,
        assetId: plan.request.UserMetadata?.assetId,
      });
    } catch (error) {
      log("error", "job not submitted", { key: plan.key, error: String(error) });
      failures.push(error as Error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `${failures.length} of ${event.Records.length} uploads were not submitted`,
    );
  }
}
