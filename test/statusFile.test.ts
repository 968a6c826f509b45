import * as assert from "node:assert/strict";
import { statusMayReplace } from "../functions/common/statusFile";

const file = (status: string, jobId?: string) => JSON.stringify({ status, jobId });

describe("asset.json: which status write replaces which file", () => {
  it("keeps a COMPLETE encode that still plays, saying why", () => {
    for (const status of ["PROCESSING", "ERROR"] as const) {
      assert.deepEqual(
        statusMayReplace(file("COMPLETE", "old-job"), { status, jobId: "new-job" }),
        {
          replace: false,
          reason: "the asset has a COMPLETE encode (job old-job) that still plays",
        },
      );
    }
  });

  it("lets a new job's PROCESSING replace an earlier job's PROCESSING or ERROR: a re-upload after a failure", () => {
    const processing = { status: "PROCESSING", jobId: "job-2" } as const;
    assert.deepEqual(statusMayReplace(file("ERROR", "job-1"), processing), { replace: true });
    assert.deepEqual(statusMayReplace(file("PROCESSING", "job-1"), processing), { replace: true });
    // The convert function's ERROR for a refused upload has no job.
    assert.deepEqual(statusMayReplace(file("ERROR"), processing), { replace: true });
  });

  it("lets a job's ERROR replace its own PROCESSING and any ERROR, not a later job's PROCESSING", () => {
    const error = { status: "ERROR", jobId: "job-1" } as const;
    assert.deepEqual(statusMayReplace(file("PROCESSING", "job-1"), error), { replace: true });
    assert.deepEqual(statusMayReplace(file("ERROR", "job-0"), error), { replace: true });
    assert.deepEqual(statusMayReplace(file("PROCESSING", "job-2"), error), {
      replace: false,
      reason: "job job-2, made later, is processing the asset",
    });
  });

  it("does not write again what is there", () => {
    assert.deepEqual(
      statusMayReplace(file("PROCESSING", "job-1"), { status: "PROCESSING", jobId: "job-1" }),
      { replace: false, reason: "it already says PROCESSING for job job-1" },
    );
  });

  it("replaces a file that is not JSON", () => {
    assert.deepEqual(statusMayReplace("<html>", { status: "ERROR", jobId: "j" }), {
      replace: true,
    });
  });
});
