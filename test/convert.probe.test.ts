import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createConvertHandler } from "../functions/convert/handler";
import { uploadRecordStore } from "../functions/convert/idempotency";
import { outputSizes } from "../shared/ladderFit";
import { DEFAULT_LADDER } from "../shared/ladder";
import {
  interpretReport,
  MediaInfoTrack,
  mediaInfoProbe,
  ProbeLimits,
  ProbeOutcome,
  PROBE_LIMITS,
} from "../functions/convert/probe";
import type { SourceFacts } from "../shared/assetFile";
import { invokeBundle, runNode } from "./support/bundledFunction";
import { deployedEnvironment, writeConvertBundle } from "./support/convertBundle";
import { CONVERT_VARIABLES, CONVERT_ENVIRONMENT } from "./support/convertEnvironment";
import { startDynamoDb, TEST_CREDENTIALS, TestDynamoDb } from "./support/dynamoDb";
import {
  FakeMediaConvert,
  mediaConvertClientFor,
  startFakeMediaConvert,
} from "./support/fakeMediaConvert";
import { ACCESS_DENIED, LocalS3, LocalS3Options, SLOW_DOWN, startLocalS3 } from "../local/s3";
import { InstantRetries } from "./support/instantRetries";
import { lambdaContext } from "./support/lambdaContext";
import { capturingLogs, metricTotals } from "./support/logCapture";
import { s3Event, SOURCE_BUCKET, uploadRecord } from "./support/s3Events";
import {
  FFMPEG_INSTALL_COMMAND,
  ffmpegMissing,
  makeSourceMedia,
  UploadName,
} from "./support/sourceMedia";

const WASM = require.resolve("mediainfo.js/MediaInfoModule.wasm");
/**
 * An S3 client for the fake, with the SDK's default retries (as the deployed function's
 * client has them) but not its back-off, which would wait seconds on every throttled test.
 */
const s3For = (fake: LocalS3, retries = new InstantRetries()) =>
  new S3Client({
    endpoint: fake.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    forcePathStyle: true,
    retryStrategy: retries,
  });
const sizes = (outcome: ProbeOutcome) => {
  assert.equal(outcome.kind, "video", "reason" in outcome ? outcome.reason : "");
  const out = outputSizes(DEFAULT_LADDER, (outcome as { source: SourceFacts }).source);
  return {
    ladder: out.ladder.map(({ width, height, bitrate }) => `${width}x${height}@${bitrate}`),
    mp4: `${out.mp4.width}x${out.mp4.height}@${out.mp4.bitrate}`,
    rotate: out.rotate,
  };
};

describe("convert: reading MediaInfo's report", () => {
  const report = (...track: MediaInfoTrack[]) => ({ media: { track } });
  const general = { "@type": "General", Format: "MPEG-4", Duration: 10 };
  const video = (fields: Record<string, unknown> = {}) => ({
    "@type": "Video",
    Format: "AVC",
    Width: 1280,
    Height: 720,
    ...fields,
  });
  const read = (...track: MediaInfoTrack[]) =>
    interpretReport(report(...track), { truncated: false });

  it("takes rotations within a degree of a quarter turn, as MediaConvert applies them, and no others", () => {
    const rotation = (value: unknown) => {
      const meaning = read(general, video({ Rotation: value }));
      return meaning.kind === "video" ? meaning.source.rotation : assert.fail(meaning.reason);
    };
    assert.equal(rotation("90.000"), 90);
    assert.equal(rotation("269.4"), 270);
    assert.equal(rotation(-90), 270);
    assert.equal(rotation("180"), 180);
    assert.equal(rotation("45.000"), 0);
    assert.equal(rotation(undefined), 0);
  });

  it("derives the display aspect ratio from the pixel aspect ratio (anamorphic PAL)", () => {
    const meaning = read(general, video({ Width: 720, Height: 576, PixelAspectRatio: 1.422 }));
    assert.ok(meaning.kind === "video");
    assert.ok(Math.abs(meaning.source.displayAspectRatio - 16 / 9) < 0.001);
  });

  it("names QuickTime files by their profile", () => {
    const meaning = read({ ...general, Format_Profile: "QuickTime" }, video());
    assert.equal(meaning.kind === "video" && meaning.source.container, "QuickTime");
  });

  it("rejects a picture smaller than MediaConvert's smallest frame", () => {
    const meaning = read(general, video({ Width: 24, Height: 16 }));
    assert.equal(meaning.kind, "rejected");
  });

  it("rejects no video track only when it read the whole file, and is inconclusive otherwise", () => {
    const audio = { "@type": "Audio", Format: "AAC" };
    assert.deepEqual(read(general, audio), {
      kind: "rejected",
      reason: "no video track: an audio-only MPEG-4",
    });
    assert.deepEqual(read({ "@type": "General", Format: "JPEG" }, { "@type": "Image" }), {
      kind: "rejected",
      reason: "no video track: a JPEG file",
    });
    assert.equal(interpretReport(report(general, audio), { truncated: true }).kind, "inconclusive");
  });
});

const missing = ffmpegMissing();
const required = process.env.REQUIRE_BROWSER_TESTS === "1";
const runs = !missing || required;
const suite = runs ? describe : (describe.skip as typeof describe);
const withMedia = (title: string) =>
  runs ? title : `${title} (skipped: ffmpeg not found; install with \`${FFMPEG_INSTALL_COMMAND}\`)`;

suite(withMedia("convert: probing generated uploads over ranged S3 reads"), function () {
  this.timeout(60_000);
  let media: Record<UploadName, string>;
  let localS3: LocalS3;
  const upload = (name: UploadName, key: string = name) =>
    localS3.put(`${SOURCE_BUCKET}/${key}`, readFileSync(media[name]));
  const probeWith = (limits?: ProbeLimits, fake = localS3, retries?: InstantRetries) =>
    mediaInfoProbe(s3For(fake, retries), { wasmPath: WASM, ...(limits ? { limits } : {}) });
  const probe = (key: string, limits?: ProbeLimits) =>
    probeWith(limits)({ bucket: SOURCE_BUCKET, key });
  /** The ranged GETs of one key: their Range headers. */
  const rangesOf = (key: string) =>
    localS3.calls
      .filter((c) => c.method === "GET" && c.path === `${SOURCE_BUCKET}/${key}`)
      .map((c) => c.headers.range);

  before(async () => {
    media = await makeSourceMedia();
    localS3 = await startLocalS3();
    for (const name of Object.keys(media) as UploadName[]) upload(name);
  });
  after(() => localS3.close());

  it("reads each upload's frame size, aspect ratio, rotation, duration, codecs and container", async () => {
    const facts = async (name: UploadName) => {
      const outcome = await probe(name);
      assert.ok(outcome.kind === "video", `${name}: ${"reason" in outcome && outcome.reason}`);
      const { width, height, rotation, videoCodec, audioCodec, container } = outcome.source;
      const dar = outcome.source.displayAspectRatio.toFixed(3);
      return `${width}x${height} ${dar} r${rotation} ${videoCodec}/${audioCodec} ${container}`;
    };
    assert.equal(await facts("landscape"), "1280x720 1.778 r0 AVC/AAC MPEG-4");
    assert.equal(await facts("portrait"), "720x1280 0.563 r0 AVC/AAC MPEG-4");
    assert.equal(await facts("rotated"), "1280x720 1.778 r270 AVC/AAC QuickTime");
    assert.equal(await facts("fourThree"), "640x480 1.333 r0 AVC/AAC MPEG-4");
    assert.equal(await facts("sd"), "854x480 1.779 r0 AVC/AAC Matroska");
    const landscape = await probe("landscape");
    assert.ok(landscape.kind === "video");
    assert.ok(Math.abs(landscape.source.durationSeconds! - 2) < 0.1);
  });

  it("fits a 1280x720 upload with the whole seed ladder", async () => {
    assert.deepEqual(sizes(await probe("landscape")), {
      ladder: ["640x360@1000000", "960x540@2000000", "1280x720@3000000"],
      mp4: "1280x720@3000000",
      rotate: false,
    });
  });

  it("fits a 720x1280 portrait upload with portrait rungs", async () => {
    assert.deepEqual(sizes(await probe("portrait")), {
      ladder: ["360x640@1000000", "540x960@2000000", "720x1280@3000000"],
      mp4: "720x1280@3000000",
      rotate: false,
    });
  });

  it("fits landscape pixels with a 90° display matrix as portrait, and has MediaConvert rotate", async () => {
    assert.deepEqual(sizes(await probe("rotated")), {
      ladder: ["360x640@1000000", "540x960@2000000", "720x1280@3000000"],
      mp4: "720x1280@3000000",
      rotate: true,
    });
  });

  it("fits a 640x480 upload with one 4:3 rung, and keeps its MP4 at 640x480", async () => {
    assert.deepEqual(sizes(await probe("fourThree")), {
      ladder: ["480x360@750000"],
      mp4: "640x480@1000000",
      rotate: false,
    });
  });

  it("fits an 854x480 upload with 360p only, and keeps its MP4 at 854x480", async () => {
    assert.deepEqual(sizes(await probe("sd")), {
      ladder: ["640x360@1000000"],
      mp4: "854x480@1334000",
      rotate: false,
    });
  });

  it("gives a 320x240 upload one rendition at its own size", async () => {
    assert.deepEqual(sizes(await probe("tiny")), {
      ladder: ["320x240@333000"],
      mp4: "320x240@250000",
      rotate: false,
    });
  });

  it("rejects an audio-only upload and a text file named .mp4, saying why", async () => {
    const audio = await probe("audioOnly");
    assert.deepEqual(
      [audio.kind, "reason" in audio && audio.reason],
      ["rejected", "no video track: an audio-only MPEG-4"],
    );
    const text = await probe("text");
    assert.deepEqual(
      [text.kind, "reason" in text && text.reason],
      ["rejected", "not a media file: MediaInfo recognises no format in it"],
    );
  });

  it("reads only ranges, within the request and byte budget, and counts them", async () => {
    upload("landscape", "budget/clip.mp4");
    const outcome = await probe("budget/clip.mp4");
    const ranges = rangesOf("budget/clip.mp4");
    assert.ok(ranges.length > 0 && ranges.every((r) => /^bytes=\d+-\d+$/.test(String(r))));
    assert.equal(outcome.stats.requests, ranges.length);
    assert.ok(outcome.stats.requests <= PROBE_LIMITS.maxRequests);
    assert.ok(outcome.stats.bytes <= PROBE_LIMITS.maxBytes);
    const asked = ranges.reduce((sum, r) => {
      const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(String(r))!.map(Number);
      return sum + Math.min(last, outcome.stats.objectBytes - 1) - first + 1;
    }, 0);
    assert.equal(outcome.stats.bytes, asked, "the bytes S3 returned are the bytes counted");
    assert.ok(outcome.stats.ms >= 0);
  });

  it("finds an MP4's index at its end with a few small reads, not the media in between", async () => {
    // ffmpeg writes the index (moov) after the media, as phones do.
    const small: ProbeLimits = { chunkBytes: 64 * 1024, maxRequests: 3, maxBytes: 192 * 1024 };
    const outcome = await probe("landscape", small);
    assert.equal(outcome.kind, "video");
    assert.equal(outcome.stats.truncated, true, "MediaInfo wanted more; the budget said no");
    assert.ok(outcome.stats.requests <= 3 && outcome.stats.bytes <= 192 * 1024);
    assert.ok(outcome.stats.objectBytes > 3 * outcome.stats.bytes);
  });

  it("is inconclusive, not a rejection, when the budget ends before the video track", async () => {
    const one: ProbeLimits = { chunkBytes: 64 * 1024, maxRequests: 1, maxBytes: 64 * 1024 };
    const outcome = await probe("landscape", one);
    assert.equal(outcome.kind, "inconclusive");
    assert.equal(outcome.stats.requests, 1);
  });

  it("calls an upload deleted since its event missing", async () => {
    const outcome = await probe("deleted/clip.mp4");
    assert.equal(outcome.kind, "missing");
  });

  it("loads MediaInfo on the first probe only, and says what it cost", async () => {
    const fresh = probeWith();
    const first = await fresh({ bucket: SOURCE_BUCKET, key: "landscape" });
    const second = await fresh({ bucket: SOURCE_BUCKET, key: "landscape" });
    assert.ok(first.stats.loadMs! > 0);
    assert.equal(second.stats.loadMs, undefined);
  });

  it("runs concurrent probes one after another on the one MediaInfo instance", async () => {
    const shared = probeWith();
    const outcomes = await Promise.all(
      (["landscape", "portrait", "text"] as const).map((key) =>
        shared({ bucket: SOURCE_BUCKET, key }),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ["video", "video", "rejected"],
    );
  });

  describe("when S3 fails", () => {
    let failing: LocalS3;
    const failingWith = async (options: LocalS3Options, retries?: InstantRetries) => {
      failing = await startLocalS3(options);
      failing.put(`${SOURCE_BUCKET}/clip.mp4`, readFileSync(media.landscape));
      return probeWith(undefined, failing, retries);
    };
    afterEach(() => failing.close());

    it("throws S3's throttling after the SDK's retries, so Lambda retries the event", async () => {
      const retries = new InstantRetries();
      const probeFailing = await failingWith({ failure: () => SLOW_DOWN }, retries);
      await assert.rejects(probeFailing({ bucket: SOURCE_BUCKET, key: "clip.mp4" }), {
        name: "SlowDown",
      });
      assert.equal(failing.calls.length, 3, "the SDK's standard retry: three attempts");
      assert.deepEqual(retries.retried, ["THROTTLING", "THROTTLING"], "SlowDown is throttling");
    });

    it("throws access denied", async () => {
      const probeFailing = await failingWith({ failure: () => ACCESS_DENIED });
      await assert.rejects(probeFailing({ bucket: SOURCE_BUCKET, key: "clip.mp4" }), {
        name: "AccessDenied",
      });
    });

    it("throws when the upload is replaced between two reads (If-Match)", async () => {
      const probeFailing = await failingWith({
        failure: (call) => {
          if (call === 2) failing.put(`${SOURCE_BUCKET}/clip.mp4`, readFileSync(media.portrait));
          return undefined;
        },
      });
      await assert.rejects(probeFailing({ bucket: SOURCE_BUCKET, key: "clip.mp4" }), {
        name: "PreconditionFailed",
      });
      assert.ok(failing.calls[1].headers["if-match"], "every read after the first names the ETag");
    });
  });

  describe("the convert handler", () => {
    let fake: FakeMediaConvert;
    let dynamoDb: TestDynamoDb;
    let table: string;
    let tables = 0;
    before(async () => {
      dynamoDb = await startDynamoDb();
    });
    after(() => dynamoDb.close());
    beforeEach(async () => {
      fake = await startFakeMediaConvert();
      table = `probed-${++tables}`;
      await dynamoDb.createIdempotencyTable(table);
    });
    afterEach(() => fake.close());

    const handlerWith = (limits?: ProbeLimits, s3Fake = localS3) => {
      const s3 = s3For(s3Fake);
      const handler = createConvertHandler(
        { ...CONVERT_ENVIRONMENT, idempotencyTable: table },
        {
          mediaConvert: mediaConvertClientFor(fake),
          s3,
          probe: mediaInfoProbe(s3, { wasmPath: WASM, ...(limits ? { limits } : {}) }),
          uploadRecords: uploadRecordStore(table, dynamoDb.client),
        },
      );
      return (key: string) => handler(s3Event(uploadRecord(key)), lambdaContext());
    };
    const assetFile = (prefix: string) =>
      JSON.parse(localS3.objects.get(`vod-output-test/${prefix}/asset.json`)!.body);

    it("submits a rotated phone video with portrait rungs and Rotate AUTO, and records the source", async () => {
      upload("rotated", "phone/IMG_0001.mov");
      const { error, logs } = await capturingLogs(() => handlerWith()("phone/IMG_0001.mov"));
      assert.equal(error, undefined);
      const [{ body }] = fake.jobs;
      assert.deepEqual(body.settings.inputs[0].videoSelector, { rotate: "AUTO" });
      const hls = body.settings.outputGroups[0];
      assert.deepEqual(
        hls.outputs.map((o: any) => [
          o.nameModifier,
          o.videoDescription.width,
          o.videoDescription.height,
        ]),
        [
          ["_360", 360, 640],
          ["_540", 540, 960],
          ["_720", 720, 1280],
        ],
      );
      assert.match(body.userMetadata.source, /^size=1280x720 dar=1\.7778 rotation=270 /);
      const marker = assetFile("phone/IMG_0001.mov");
      assert.equal(marker.status, "PROCESSING");
      assert.deepEqual([marker.source.width, marker.source.rotation], [1280, 270]);
      const submitted = logs.find((l) => l.message === "job submitted")!;
      assert.ok(submitted.probe.requests >= 1 && submitted.probe.bytes > 0);
    });

    for (const [name, reason] of [
      ["text", "not a media file: MediaInfo recognises no format in it"],
      ["audioOnly", "no video track: an audio-only MPEG-4"],
    ] as const) {
      it(`skips ${name === "text" ? "a text file named .mp4" : "an audio-only upload"}: no job, no record, an ERROR asset.json saying why`, async () => {
        upload(name, `refused/${name}.mp4`);
        const { error, logs, metrics } = await capturingLogs(() =>
          handlerWith()(`refused/${name}.mp4`),
        );
        assert.equal(error, undefined, "never a failed event: Lambda must not retry it");
        assert.equal(fake.calls.length, 0);
        assert.deepEqual(await dynamoDb.items(table), []);
        assert.deepEqual(
          logs.map((l) => [l.level, l.message, l.reason]),
          [
            ["INFO", "skipped", reason],
            ["INFO", "status file written", undefined],
          ],
        );
        assert.deepEqual(metricTotals(metrics), { UploadsSkipped: 1, UploadsRejected: 1 });
        const marker = assetFile(`refused/${name}.mp4`);
        assert.equal(marker.status, "ERROR");
        assert.equal(marker.jobId, undefined);
        assert.equal(
          marker.error.message,
          `The upload is not a video MediaConvert can transcode: ${reason}.`,
        );
        assert.equal(marker.input, `s3://vod-source-test/refused/${name}.mp4`);
      });
    }

    it("skips an upload deleted since its event, without a status file", async () => {
      const { error, logs } = await capturingLogs(() => handlerWith()("gone/clip.mp4"));
      assert.equal(error, undefined);
      assert.deepEqual(
        logs.map((l) => [l.message, l.reason]),
        [["skipped", "the object is gone (deleted since the upload)"]],
      );
      assert.equal(localS3.objects.has("vod-output-test/gone/clip/asset.json"), false);
    });

    it("throws when S3 throttles the probe, so Lambda retries: no job, no record", async () => {
      const throttling = await startLocalS3({ failure: () => SLOW_DOWN });
      try {
        const { error, logs, metrics } = await capturingLogs(() =>
          handlerWith(undefined, throttling)("a.mp4"),
        );
        assert.ok(error instanceof AggregateError);
        assert.equal((error as AggregateError).errors[0].name, "SlowDown");
        assert.equal(fake.calls.length, 0);
        assert.deepEqual(await dynamoDb.items(table), []);
        assert.equal(logs[0].level, "ERROR");
        assert.equal(logs[0].message, "upload not read");
        assert.deepEqual(metricTotals(metrics), { ProbesFailed: 1 });
      } finally {
        await throttling.close();
      }
    });

    it("submits with the configured sizes, and warns, when the probe is inconclusive", async () => {
      upload("portrait", "big/film.mp4");
      const one: ProbeLimits = { chunkBytes: 64 * 1024, maxRequests: 1, maxBytes: 64 * 1024 };
      const { error, logs, metrics } = await capturingLogs(() => handlerWith(one)("big/film.mp4"));
      assert.equal(error, undefined);
      assert.equal(fake.jobs.length, 1);
      const hls = fake.jobs[0].body.settings.outputGroups[0];
      assert.deepEqual(
        hls.outputs.map((o: any) => o.videoDescription.width),
        [640, 960, 1280],
      );
      assert.equal(fake.jobs[0].body.userMetadata.source, undefined);
      const warning = logs.find((l) => l.message === "upload not fully read")!;
      assert.equal(warning.level, "WARN");
      assert.match(warning.reason, /the job uses the configured sizes/);
      assert.equal(metricTotals(metrics).ProbesInconclusive, 1);
    });

    it("runs as deployed: the bundle loads MediaInfo's WebAssembly from beside itself and fits the ladder", async () => {
      upload("portrait", "bundled/portrait.mp4");
      upload("text", "bundled/notes.mp4");
      const event = s3Event(
        uploadRecord("bundled/portrait.mp4"),
        uploadRecord("bundled/notes.mp4"),
      );
      const run = await runNode(["-e", invokeBundle(writeConvertBundle(), event)], {
        env: deployedEnvironment(
          { mediaConvert: fake.endpoint, s3: localS3.endpoint, dynamoDb: dynamoDb.endpoint, table },
          CONVERT_VARIABLES,
        ),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(fake.jobs.length, 1, "the text file makes no job, and fails nothing");
      const hls = fake.jobs[0].body.settings.outputGroups[0];
      assert.deepEqual(
        hls.outputs.map((o: any) => `${o.videoDescription.width}x${o.videoDescription.height}`),
        ["360x640", "540x960", "720x1280"],
      );
      assert.equal(assetFile("bundled/notes.mp4").status, "ERROR");
      const lines = run.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      assert.ok(lines.some((l) => l.message === "skipped" && l.key === "bundled/notes.mp4"));
    });
  });
});

describe("fake S3: ranged GetObject, as S3 answers it", () => {
  let fake: LocalS3;
  let s3: S3Client;
  before(async () => {
    fake = await startLocalS3();
    s3 = s3For(fake);
    fake.put("b/ten", "0123456789");
    fake.put("b/empty", "");
  });
  after(() => fake.close());
  const get = async (key: string, range?: string) => {
    const response = await s3.send(new GetObjectCommand({ Bucket: "b", Key: key, Range: range }));
    return {
      status: response.$metadata.httpStatusCode,
      contentRange: response.ContentRange,
      body: await response.Body!.transformToString(),
    };
  };

  it("answers a range with 206 and Content-Range", async () => {
    assert.deepEqual(await get("ten", "bytes=2-4"), {
      status: 206,
      contentRange: "bytes 2-4/10",
      body: "234",
    });
  });

  it("cuts a range that runs past the end, and serves open and suffix ranges", async () => {
    assert.deepEqual(await get("ten", "bytes=8-100"), {
      status: 206,
      contentRange: "bytes 8-9/10",
      body: "89",
    });
    assert.equal((await get("ten", "bytes=7-")).body, "789");
    assert.deepEqual(await get("ten", "bytes=-3"), {
      status: 206,
      contentRange: "bytes 7-9/10",
      body: "789",
    });
  });

  it("refuses a range that starts past the end, or any range of an empty object, with 416", async () => {
    for (const [key, range] of [
      ["ten", "bytes=10-20"],
      ["empty", "bytes=0-9"],
    ]) {
      await assert.rejects(get(key, range), (error: any) => {
        assert.equal(error.name, "InvalidRange");
        assert.equal(error.$metadata.httpStatusCode, 416);
        return true;
      });
    }
    const last = fake.calls.at(-1)!;
    assert.equal(last.headers.range, "bytes=0-9");
  });

  it("ignores a header that is not one range, and serves the whole object", async () => {
    assert.deepEqual(await get("ten", "bytes=0-1,4-5"), {
      status: 200,
      contentRange: undefined,
      body: "0123456789",
    });
  });
});
