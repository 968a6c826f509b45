import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  CreateJobCommand,
  GetJobCommand,
  JobSettings,
  MediaConvertClient,
} from "@aws-sdk/client-mediaconvert";
import { buildJobSettings } from "../functions/convert/jobSettings";
import { DEFAULT_LADDER } from "../shared/ladder";
import {
  JobStateChangeEvent,
  MediaConvertStandIn,
  planJob,
  startMediaConvertStandIn,
  UnsupportedSettingError,
} from "../local/mediaConvert";
import { QVBR_TO_CRF } from "../local/mediaConvert/encodeArgs";
import { cpixRequest, parseCpixResponse } from "../local/mediaConvert/speke";
import { LocalS3, startLocalS3 } from "../local/s3";
import { missingBrowserTools } from "./support/playerMedia";

const ROLE = "arn:aws:iam::123456789012:role/vod-mediaconvert";
const CREDENTIALS = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" };
const CONTENT_ID = "cid-1";
const SPEKE_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/Production/cpix/getKey";

/** The job settings as they go on the wire: serialised by the real SDK, not sent. */
async function wireSettings(settings: JobSettings): Promise<Record<string, any>> {
  const client = new MediaConvertClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: CREDENTIALS,
  });
  let body: Record<string, any> | undefined;
  client.middlewareStack.add(
    () => async (args) => {
      const raw = (args.request as { body: string | Uint8Array }).body;
      body = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
      throw new Error("captured");
    },
    { step: "build" },
  );
  await client.send(new CreateJobCommand({ Role: ROLE, Settings: settings })).catch(() => {});
  return body!.settings;
}

/**
 * A job as the convert function builds it for `s3://src/videos/a.mp4`, with the default
 * ladder and CBR: clear, separate DRM (DASH + FairPlay HLS) or CMAF (with the clear copies).
 */
function sample(name: "clear" | "drm-separate" | "drm-cmaf"): JobSettings {
  const drm =
    name === "clear"
      ? undefined
      : {
          spekeUrl: SPEKE_URL,
          keepClearOutputs: name === "drm-cmaf",
          packaging: name === "drm-cmaf" ? ("cmaf" as const) : ("separate" as const),
          contentId: CONTENT_ID,
        };
  const profile = { ladder: DEFAULT_LADDER, rateControl: "CBR" as const, qvbrQualityLevel: 7 };
  return buildJobSettings("s3://src/videos/a.mp4", "out", "videos/a.mp4", profile, drm);
}

const refusal = (settings: unknown): string => {
  try {
    planJob(settings);
  } catch (error) {
    assert.ok(error instanceof UnsupportedSettingError, String(error));
    return error.message;
  }
  return assert.fail("planned");
};

describe("local MediaConvert: the planner", () => {
  const sizes = (group: ReturnType<typeof planJob>["groups"][number]) =>
    group.outputs.map((o) => [o.nameModifier, o.video?.width, o.video?.height]);
  const LADDER = [
    ["_360", 640, 360],
    ["_540", 960, 540],
    ["_720", 1280, 720],
  ];

  it("plans the clear job: the HLS ladder, the MP4 and the thumbnails, in MediaConvert's names", async () => {
    const plan = planJob(await wireSettings(sample("clear")), {
      startedAt: Date.UTC(2026, 10, 1, 12),
    });
    const [hls, mp4, thumbnails] = plan.groups;
    assert.deepEqual(
      plan.groups.map((g) => [g.type, g.folder, g.base]),
      [
        ["HLS_GROUP", "videos/a.mp4/hls/", "index"],
        ["FILE_GROUP", "videos/a.mp4/mp4/", "video"],
        ["FILE_GROUP", "videos/a.mp4/thumbnails/", "thumb"],
      ],
    );
    assert.deepEqual(sizes(hls), LADDER);
    assert.deepEqual(hls.playlists, ["index.m3u8"]);
    assert.deepEqual(
      hls.outputs.map((o) => o.report),
      LADDER.map(([m]) => ({ kind: "file", file: `index${m}.m3u8` })),
    );
    assert.ok(
      hls.steps[0].args.includes("out/0/index_360_20261101T120000_%05d.ts"),
      "segments named <base><modifier>_<date>_<n>.ts",
    );
    assert.deepEqual(sizes(mp4), [["", 1280, 720]]);
    assert.deepEqual(mp4.outputs[0].report, { kind: "file", file: "video.mp4" });
    assert.deepEqual(thumbnails.outputs[0].report, { kind: "lastFrame", prefix: "thumb." });
    assert.ok(thumbnails.steps[0].args.join(" ").includes("selected_n*5/1"));
    assert.deepEqual(plan.warnings, []);
  });

  it("plans the separate DRM job: DASH CENC and FairPlay HLS, with a warning for FairPlay", async () => {
    const plan = planJob(await wireSettings(sample("drm-separate")));
    const dash = plan.groups.find((g) => g.type === "DASH_ISO_GROUP")!;
    const fairPlay = plan.groups.find((g) => g.type === "HLS_GROUP")!;
    assert.deepEqual(sizes(dash), [...LADDER, ["_audio", undefined, undefined]]);
    assert.deepEqual(dash.playlists, ["index.mpd"]);
    assert.equal(dash.encryption?.scheme, "cenc");
    assert.deepEqual(sizes(fairPlay), LADDER);
    assert.deepEqual(fairPlay.encryption?.key.systemIds, ["94ce86fb-07ff-4f43-adb8-93d2fa968ca2"]);
    assert.equal(plan.warnings.length, 1);
    assert.match(plan.warnings[0], /FairPlay/);
  });

  it("plans the CMAF job: one cbcs group with both manifests", async () => {
    const plan = planJob(await wireSettings(sample("drm-cmaf")));
    const cmaf = plan.groups.find((g) => g.type === "CMAF_GROUP")!;
    assert.deepEqual(sizes(cmaf), [...LADDER, ["_audio", undefined, undefined]]);
    assert.deepEqual(cmaf.playlists, ["index.m3u8", "index.mpd"]);
    assert.equal(cmaf.encryption?.scheme, "cbcs");
    assert.ok(cmaf.steps[1].args.some((a) => a.includes("hls_group_id=program_audio")));
  });

  it("refuses an unknown key, an unknown enum value and an unsupported codec, naming the setting", async () => {
    const h264 = "settings.outputGroups[0].outputs[1].videoDescription.codecSettings";
    const changed = async (change: (output: Record<string, any>) => void) => {
      const settings = await wireSettings(sample("clear"));
      change(settings.outputGroups[0].outputs[1].videoDescription.codecSettings);
      return settings;
    };
    assert.equal(
      refusal(await changed((c) => (c.h264Settings.foo = 1))),
      `${h264}.h264Settings.foo is not supported by the local MediaConvert stand-in`,
    );
    assert.equal(
      refusal(await changed((c) => (c.h264Settings.codecProfile = "HIGH_10BIT"))),
      `${h264}.h264Settings.codecProfile is not supported by the local MediaConvert stand-in: value "HIGH_10BIT"; supported: BASELINE, MAIN, HIGH`,
    );
    assert.match(
      refusal(await changed((c) => (c.codec = "H_265"))),
      new RegExp(`^${h264.replace(/[[\].]/g, "\\$&")}\\.codec is not supported .*"H_265"`),
    );
  });

  it("refuses an http key server unless told to allow it", async () => {
    const settings = await wireSettings(sample("drm-separate"));
    settings.outputGroups[1].outputGroupSettings.dashIsoGroupSettings.encryption.spekeKeyProvider.url =
      "http://127.0.0.1:1/speke";
    assert.match(
      refusal(settings),
      /^settings\.outputGroups\[1\]\.outputGroupSettings\.dashIsoGroupSettings\.encryption\.spekeKeyProvider\.url is not supported/,
    );
    assert.doesNotThrow(() => planJob(settings, { allowHttpKeyServer: true }));
  });

  it("maps QVBR quality levels 1..10 onto decreasing x264 CRFs", () => {
    const crfs = Array.from({ length: 10 }, (_, i) => QVBR_TO_CRF[i + 1]);
    assert.deepEqual(
      [...crfs].sort((a, b) => b - a),
      crfs,
    );
    assert.equal(QVBR_TO_CRF[7], 23);
  });

  it("asks SPEKE v1 for one key and every system, and reads the key and PSSH from the answer", () => {
    const kid = "0b0d4a3c-1111-4222-8333-444455556666";
    const request = cpixRequest(
      { resourceId: CONTENT_ID, url: "https://k", systemIds: ["a-1", "b-2"] },
      kid,
    );
    assert.match(request, /<cpix:CPIX id="cid-1" /);
    assert.match(request, new RegExp(`<cpix:ContentKey kid="${kid}"/>`));
    assert.equal(request.match(/<cpix:DRMSystem /g)?.length, 2);
    const key = parseCpixResponse(
      spekeAnswer(request),
      kid,
      "94ce86fb-07ff-4f43-adb8-93d2fa968ca2",
    );
    assert.equal(key.keyHex, KEY_HEX);
    assert.equal(key.keyIdHex, kid.replace(/-/g, ""));
  });
});

const KEY_HEX = "fedcba9876543210fedcba9876543210";

/** A key server's SPEKE v1 answer: the request with the key filled in. */
function spekeAnswer(request: string): string {
  const kid = /ContentKey kid="([^"]+)"/.exec(request)![1];
  return request.replace(
    `<cpix:ContentKey kid="${kid}"/>`,
    `<cpix:ContentKey kid="${kid}"><cpix:Data><pskc:Secret><pskc:PlainValue>${Buffer.from(KEY_HEX, "hex").toString("base64")}</pskc:PlainValue></pskc:Secret></cpix:Data></cpix:ContentKey>`,
  );
}

describe("local MediaConvert: jobs, end to end", function () {
  const missing = missingBrowserTools().filter((tool) => tool === "ffmpeg");
  let folder: string;
  let s3: LocalS3;
  let standIn: MediaConvertStandIn;
  let speke: Server;
  let spekeUrl: string;
  const spekeRequests: string[] = [];
  const events: JobStateChangeEvent[] = [];
  const progress: number[] = [];

  before(async function () {
    if (missing.length) return this.skip();
    folder = mkdtempSync(path.join(tmpdir(), "local-mediaconvert-"));
    execFileSync("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=2"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
      path.join(folder, "clip.mp4"),
    ]);
    execFileSync("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=2"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
      path.join(folder, "silent.mp4"),
    ]);
    s3 = await startLocalS3();
    s3.put("src/videos/a.mp4", readFileSync(path.join(folder, "clip.mp4")));
    s3.put("src/videos/silent.mp4", readFileSync(path.join(folder, "silent.mp4")));
    s3.put("src/videos/notes.mp4", "these are not the frames you are looking for");
    speke = createServer(async (request, response) => {
      let body = "";
      for await (const chunk of request) body += chunk;
      spekeRequests.push(body);
      response.writeHead(200, { "content-type": "application/xml" });
      response.end(spekeAnswer(body));
    });
    await new Promise<void>((resolve) => speke.listen(0, "127.0.0.1", resolve));
    spekeUrl = `http://127.0.0.1:${(speke.address() as AddressInfo).port}/cpix/getKey`;
    standIn = await startMediaConvertStandIn({
      s3: { endpoint: s3.endpoint, region: "us-east-1", credentials: CREDENTIALS },
      workFolder: path.join(folder, "work"),
      onEvent: (event) => void events.push(event),
      onProgress: (_, percent) => void progress.push(percent),
      allowHttpKeyServer: true,
      statusUpdateMs: 200,
    });
  });

  after(async () => {
    await standIn?.close();
    await s3?.close();
    await new Promise((resolve) => speke?.close(resolve));
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const client = () =>
    new MediaConvertClient({
      region: "us-east-1",
      endpoint: standIn.endpoint,
      credentials: CREDENTIALS,
    });

  /** Submits the job and waits for its COMPLETE or ERROR event. */
  async function runToEnd(settings: JobSettings, token: string) {
    const { Job } = await client().send(
      new CreateJobCommand({
        Role: ROLE,
        Settings: settings,
        ClientRequestToken: token,
        StatusUpdateInterval: "SECONDS_60",
        UserMetadata: { application: "vod-local", contentId: CONTENT_ID },
      }),
    );
    for (;;) {
      const end = events.find(
        (e) => e.detail.jobId === Job!.Id && ["COMPLETE", "ERROR"].includes(e.detail.status),
      );
      if (end) return { job: Job!, end, all: events.filter((e) => e.detail.jobId === Job!.Id) };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The sample's groups, cut to the smallest rendition (and the audio) to keep the encode short. */
  function smallJob(name: "clear" | "drm-separate" | "drm-cmaf", keep: string[]): JobSettings {
    const settings = JSON.parse(JSON.stringify(sample(name)).replaceAll(SPEKE_URL, spekeUrl));
    settings.OutputGroups = settings.OutputGroups.filter((g: any) => keep.includes(g.Name)).map(
      (g: any) => ({
        ...g,
        Outputs: g.Outputs.filter((o: any) => (o.VideoDescription?.Width ?? 0) <= 640),
      }),
    );
    return settings;
  }

  it("runs the clear job and reports the HLS main playlist and renditions it wrote", async () => {
    const { job, end, all } = await runToEnd(sample("clear"), "clear-1");
    assert.equal(end.detail.status, "COMPLETE", JSON.stringify(end.detail));
    assert.equal(end["detail-type"], "MediaConvert Job State Change");
    assert.deepEqual(end.resources, [job.Arn]);
    assert.equal(all[0].detail.status, "PROGRESSING");
    const updates = all.filter((e) => e.detail.status === "STATUS_UPDATE");
    assert.ok(updates.length > 0, "STATUS_UPDATE events while it runs");
    assert.ok(
      updates.every(
        (e) => e.detail.status === "STATUS_UPDATE" && e.detail.jobProgress.jobPercentComplete < 100,
      ),
    );
    assert.equal(end.detail.userMetadata.application, "vod-local");
    const groups = end.detail.status === "COMPLETE" ? end.detail.outputGroupDetails : [];
    const hls = groups.find((g) => g.type === "HLS_GROUP")!;
    assert.deepEqual(hls.playlistFilePaths, ["s3://out/videos/a.mp4/hls/index.m3u8"]);
    assert.deepEqual(
      hls.outputDetails.map((o) => [o.outputFilePaths?.[0], o.videoDetails]),
      [360, 540, 720].map((h) => [
        `s3://out/videos/a.mp4/hls/index_${h}.m3u8`,
        { widthInPx: (h * 16) / 9, heightInPx: h },
      ]),
    );
    assert.ok(hls.outputDetails.every((o) => Math.abs(o.durationInMs - 2000) < 200));
    for (const url of [
      ...hls.playlistFilePaths!,
      ...hls.outputDetails.map((o) => o.outputFilePaths![0]),
    ]) {
      assert.ok(s3.objects.has(url.slice("s3://".length)), `${url} was written`);
    }
    const main = s3.objects.get("out/videos/a.mp4/hls/index.m3u8")!;
    assert.equal(main.headers["content-type"], "application/vnd.apple.mpegurl");
    assert.match(main.body, /RESOLUTION=640x360,?/);
    assert.match(main.body, /CODECS="avc1\.4d40[0-9a-f]{2},mp4a\.40\.2"/);
    const segment = [...s3.objects.keys()].find((k) =>
      /hls\/index_360_\d{8}T\d{6}_00001\.ts$/.test(k),
    );
    assert.ok(segment, "segments named as MediaConvert names them");
    assert.ok(s3.objects.has("out/videos/a.mp4/mp4/video.mp4"));
    assert.ok(s3.objects.has("out/videos/a.mp4/thumbnails/thumb.0000000.jpg"));
    const thumbnails = groups.find((g) =>
      g.outputDetails[0].outputFilePaths?.[0].includes("thumb"),
    );
    assert.equal(
      thumbnails?.outputDetails[0].outputFilePaths?.[0],
      "s3://out/videos/a.mp4/thumbnails/thumb.0000000.jpg",
    );
    assert.equal(progress.at(-1), 100);
    const { Job } = await client().send(new GetJobCommand({ Id: job.Id }));
    assert.equal(Job?.Status, "COMPLETE");
  });

  it("answers a reused client request token with the job it made", async () => {
    const first = await client().send(
      new CreateJobCommand({
        Role: ROLE,
        Settings: sample("clear"),
        ClientRequestToken: "clear-1",
      }),
    );
    const { Job } = await client().send(new GetJobCommand({ Id: first.Job!.Id }));
    assert.equal(Job?.Status, "COMPLETE");
  });

  it("refuses a job with a setting it cannot honour, at CreateJob, naming the setting", async () => {
    const settings = JSON.parse(JSON.stringify(sample("clear")));
    settings.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.H264Settings.Telecine =
      "HARD";
    await assert.rejects(
      client().send(new CreateJobCommand({ Role: ROLE, Settings: settings })),
      (error: Error) =>
        error.name === "BadRequestException" &&
        error.message.startsWith(
          "settings.outputGroups[0].outputs[0].videoDescription.codecSettings.h264Settings.telecine is not supported",
        ),
    );
  });

  it("gives a video without sound silent audio, as MediaConvert fills missing audio", async () => {
    const settings = JSON.parse(
      JSON.stringify(sample("clear")).replaceAll("videos/a.mp4", "videos/silent.mp4"),
    );
    settings.OutputGroups = settings.OutputGroups.filter((g: any) => g.Name === "MP4");
    const { end } = await runToEnd(settings, "silent-1");
    assert.equal(end.detail.status, "COMPLETE", JSON.stringify(end.detail));
    const mp4 = [...s3.objects.keys()].find((key) => /silent\.mp4\/mp4\/.*\.mp4$/.test(key))!;
    writeFileSync(path.join(folder, "silent-out.mp4"), s3.objects.get(mp4)!.bytes);
    const streams = execFileSync(
      "ffprobe",
      ["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", "silent-out.mp4"],
      { cwd: folder, encoding: "utf8" },
    );
    assert.deepEqual(streams.trim().split("\n").sort(), ["audio", "video"]);
  });

  it("fails a job whose input is not a video with error 1010 and the reason", async () => {
    const settings = JSON.parse(
      JSON.stringify(sample("clear")).replaceAll("videos/a.mp4", "videos/notes.mp4"),
    );
    const { end } = await runToEnd(settings, "notes-1");
    assert.equal(end.detail.status, "ERROR");
    assert.equal(end.detail.status === "ERROR" && end.detail.errorCode, 1010);
    assert.match(
      end.detail.status === "ERROR" ? end.detail.errorMessage : "",
      /^Unable to open input file \[s3:\/\/src\/videos\/notes\.mp4\]: .*No video stream/,
    );
  });

  it("encrypts DASH (cenc) and FairPlay HLS with the key SPEKE gave", async () => {
    spekeRequests.length = 0;
    const { end } = await runToEnd(smallJob("drm-separate", ["DASH", "HLS FairPlay"]), "drm-1");
    assert.equal(end.detail.status, "COMPLETE", JSON.stringify(end.detail));
    assert.equal(spekeRequests.length, 2);
    assert.ok(spekeRequests.every((r) => r.includes('<cpix:CPIX id="cid-1"')));
    const kid = /ContentKey kid="([^"]+)"/.exec(spekeRequests[0])![1];
    const mpd = s3.objects.get("out/videos/a.mp4/dash/index.mpd")!.body;
    assert.match(mpd, /value="cenc"/);
    assert.ok(mpd.includes(`cenc:default_KID="${kid}"`), "the KID SPEKE was asked for");
    assert.ok(
      mpd.includes("urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"),
      "ClearKey's common PSSH",
    );
    const fairPlay = s3.objects.get("out/videos/a.mp4/hls-fairplay/index_360.m3u8")!.body;
    assert.match(fairPlay, /METHOD=SAMPLE-AES,URI="skd:\/\/cid-1"/);
    assert.match(end.detail.status === "COMPLETE" ? end.detail.localWarnings![0] : "", /FairPlay/);
  });

  it("packages the CMAF group once, cbcs, with a DASH and an HLS manifest", async () => {
    const { end } = await runToEnd(smallJob("drm-cmaf", ["CMAF"]), "cmaf-1");
    assert.equal(end.detail.status, "COMPLETE", JSON.stringify(end.detail));
    const cmaf = end.detail.status === "COMPLETE" ? end.detail.outputGroupDetails[0] : undefined;
    assert.deepEqual(cmaf?.playlistFilePaths, [
      "s3://out/videos/a.mp4/cmaf/index.m3u8",
      "s3://out/videos/a.mp4/cmaf/index.mpd",
    ]);
    assert.deepEqual(
      cmaf?.outputDetails.map((o) => o.videoDetails),
      [{ widthInPx: 640, heightInPx: 360 }, undefined],
    );
    assert.match(s3.objects.get("out/videos/a.mp4/cmaf/index.mpd")!.body, /value="cbcs"/);
    assert.match(
      s3.objects.get("out/videos/a.mp4/cmaf/index.m3u8")!.body,
      /GROUP-ID="program_audio"/,
    );
  });
});
