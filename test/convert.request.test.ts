/** The convert function's plan for one S3 record: skip it, or the CreateJob request. */
import * as assert from "node:assert/strict";
import { clientRequestToken, planRecord, uploadIdentity } from "../functions/convert/request";
import { decodeSourceFacts } from "../functions/convert/sourceFacts";
import { readJobInput } from "../functions/common/jobMetadata";
import {
  CONVERT_ENVIRONMENT,
  DRM_CONVERT_ENVIRONMENT,
  JOB_QUEUE_ARN,
} from "./support/convertEnvironment";
import { skipReason, submitted } from "./support/recordPlan";
import { SOURCE_BUCKET, uploadRecord } from "./support/s3Events";
import { sourceFacts } from "./support/sourceProbe";

const plan = (key: string, object = {}) =>
  planRecord(uploadRecord(key, object), CONVERT_ENVIRONMENT);

describe("convert: planning a record", () => {
  it("submits a job for a key with spaces, + and unicode, decoded", () => {
    const request = submitted(plan("uploads/My+Movie+%2B+%E6%98%A0%E7%94%BB.mp4"));
    assert.equal(
      request.Settings!.Inputs![0].FileInput,
      `s3://${SOURCE_BUCKET}/uploads/My Movie + 映画.mp4`,
    );
    assert.equal(
      request.Settings!.OutputGroups![0].OutputGroupSettings!.HlsGroupSettings!.Destination,
      "s3://vod-output-test/uploads/My Movie _ 映画.mp4~ba9fa3b6/hls/index",
    );
  });

  it("skips folder markers, non-video files, empty objects and malformed keys, saying why", () => {
    assert.equal(skipReason(plan("foo/")), "a folder marker, not a file");
    assert.equal(skipReason(plan("notes.txt")), "not a video file suffix");
    assert.equal(skipReason(plan("movie.mp4.txt")), "not a video file suffix");
    assert.equal(skipReason(plan("empty.mp4", { size: 0 })), "the object is empty");
    assert.equal(skipReason(plan("bad%E0%A4%A.mp4")), "the key is not valid URL encoding");
  });

  it("skips events that are not uploads", () => {
    const record = { ...uploadRecord("a.mp4"), eventName: "ObjectRemoved:Delete" };
    assert.match(skipReason(planRecord(record, CONVERT_ENVIRONMENT)), /is not an upload/);
  });

  it("submits upper-case suffixes", () => {
    submitted(plan("CLIP.MOV"));
  });

  it("gives a redelivered event the same token, and a re-upload a new one", () => {
    const first = submitted(plan("a.mp4")).ClientRequestToken;
    assert.equal(submitted(plan("a.mp4")).ClientRequestToken, first);
    assert.notEqual(
      submitted(plan("a.mp4", { sequencer: "0055AED6DCD90281F0" })).ClientRequestToken,
      first,
    );
    assert.notEqual(submitted(plan("b.mp4")).ClientRequestToken, first);
    assert.match(first!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("falls back to the eTag when the event has no sequencer", () => {
    const withoutSequencer = submitted(plan("a.mp4", { sequencer: undefined }));
    assert.equal(
      withoutSequencer.ClientRequestToken,
      clientRequestToken({
        bucket: SOURCE_BUCKET,
        key: "a.mp4",
        version: "etag:d41d8cd98f00b204e9800998ecf8427e",
      }),
    );
  });

  it("names an upload by its version id when the bucket versions objects", () => {
    const object = { versionId: "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd", sequencer: "0055AED6DCD90281E5" };
    assert.deepEqual(uploadIdentity(SOURCE_BUCKET, "a b.mp4", object), {
      bucket: SOURCE_BUCKET,
      key: "a b.mp4",
      version: "version:3HL4kqtJlcpXroDTDmjVBH40Nrjfkd",
    });
    const planned = plan("a+b.mp4", object);
    assert.ok(planned.action === "submit");
    assert.deepEqual(planned.upload, uploadIdentity(SOURCE_BUCKET, "a b.mp4", object));
  });

  it("names an upload by its sequencer without versioning, or while it is suspended", () => {
    for (const versionId of [undefined, "null"]) {
      assert.equal(
        uploadIdentity(SOURCE_BUCKET, "a.mp4", { versionId, sequencer: "0055AED6DCD90281E5" })
          .version,
        "sequencer:0055AED6DCD90281E5",
      );
    }
  });

  it("passes the MediaConvert role and tags the job with application and input", () => {
    const request = submitted(plan("trailers/a.mp4"));
    assert.equal(request.Role, CONVERT_ENVIRONMENT.mediaConvertRoleArn);
    assert.equal(request.UserMetadata!.application, "vod-test");
    assert.equal(readJobInput(request.UserMetadata).url, `s3://${SOURCE_BUCKET}/trailers/a.mp4`);
  });

  it("sends the job to the stack's queue with its priority and acceleration", () => {
    const request = submitted(plan("a.mp4"));
    assert.equal(request.Queue, JOB_QUEUE_ARN);
    assert.equal(request.Priority, 0);
    assert.deepEqual(request.AccelerationSettings, { Mode: "DISABLED" });
    const urgent = planRecord(uploadRecord("a.mp4"), {
      ...CONVERT_ENVIRONMENT,
      queue: { Queue: JOB_QUEUE_ARN, Priority: 20, AccelerationSettings: { Mode: "PREFERRED" } },
    });
    assert.equal(submitted(urgent).Priority, 20);
    assert.deepEqual(submitted(urgent).AccelerationSettings, { Mode: "PREFERRED" });
  });

  it("never sets a canned ACL anywhere in the job", () => {
    assert.doesNotMatch(JSON.stringify(submitted(plan("a.mp4"))), /CannedAcl|Acl/i);
  });

  it("carries the source facts in the job's user metadata, within MediaConvert's limits", () => {
    const facts = sourceFacts(1280, 720, {
      rotation: 270,
      container: "QuickTime",
      audioCodec: "MPEG Audio",
      videoCodec: "x".repeat(80),
    });
    const request = submitted(planRecord(uploadRecord("v.mov"), DRM_CONVERT_ENVIRONMENT, facts));
    const metadata = request.UserMetadata!;
    assert.ok(Object.keys(metadata).length <= 10);
    assert.ok(metadata.source.length <= 256);
    assert.match(
      metadata.source,
      /^[0-9A-Za-z _.:/=+@-]+$/,
      "only the characters MediaConvert allows",
    );
    assert.match(metadata.source, /audio=MPEG_Audio/);
    assert.deepEqual(decodeSourceFacts(metadata.source), {
      ...facts,
      displayAspectRatio: 1.7778,
      audioCodec: "MPEG_Audio",
      videoCodec: "x".repeat(32),
    });
  });

  it("carries no source facts when the probe could not tell", () => {
    assert.equal(submitted(plan("v.mp4")).UserMetadata!.source, undefined);
  });
});
