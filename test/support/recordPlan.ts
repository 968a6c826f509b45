/** Reading what the convert function planned for one S3 record. */
import * as assert from "node:assert/strict";
import type { RecordPlan } from "../../functions/convert/request";

/** The CreateJob request of a record planned for a job; fails, with the reason, on a skip. */
export function submitted(result: RecordPlan) {
  assert.equal(result.action, "submit", result.action === "skip" ? result.reason : "");
  return result.action === "submit" ? result.request : assert.fail();
}

/** Why a record was skipped; fails when it was submitted. */
export const skipReason = (result: RecordPlan) =>
  result.action === "skip" ? result.reason : assert.fail("submitted");
