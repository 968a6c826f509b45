import * as assert from "node:assert/strict";
import type { JobSettings, OutputGroup } from "@aws-sdk/client-mediaconvert";
import { contentIdFor } from "../functions/convert/contentId";
import { isValidContentId } from "../shared/drm";
import { buildJobSettings } from "../functions/convert/jobSettings";
import { OUTPUT_LAYOUT } from "../shared/outputLayout";
import { assetIdFor, planRecord, processingMarker } from "../functions/convert/request";
import { readConvertEnvironment } from "../functions/convert/environment";
import {
  CONVERT_VARIABLES,
  CONVERT_ENVIRONMENT,
  DRM_CONVERT_VARIABLES,
  DRM_CONVERT_ENVIRONMENT,
  SPEKE_URL,
} from "./support/convertEnvironment";
import { uploadRecord } from "./support/s3Events";

const WIDEVINE = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed";
const PLAYREADY = "9a04f079-9840-4286-ab92-e65be0885f95";
const FAIRPLAY = "94ce86fb-07ff-4f43-adb8-93d2fa968ca2";
const CONTENT_ID = "a-0123456789ab";
const PROFILE = CONVERT_ENVIRONMENT.profile;

const drmJob = (keepClearOutputs = false): JobSettings =>
  buildJobSettings("s3://src/a.mp4", "out", "a", PROFILE, {
    spekeUrl: SPEKE_URL,
    keepClearOutputs,
    packaging: "separate",
    contentId: CONTENT_ID,
  });
const named = (settings: JobSettings, name: string): OutputGroup => {
  const group = settings.OutputGroups!.find((g) => g.Name === name);
  return group ?? assert.fail(`no ${name} group`);
};
const destinationOf = (g: OutputGroup) =>
  g.OutputGroupSettings!.HlsGroupSettings?.Destination ??
  g.OutputGroupSettings!.DashIsoGroupSettings?.Destination ??
  g.OutputGroupSettings!.FileGroupSettings?.Destination;

describe("convert: DRM job settings", () => {
  it("writes thumbnails, Widevine + PlayReady DASH and FairPlay HLS, and no clear copies by default", () => {
    assert.deepEqual(
      drmJob().OutputGroups!.map((g) => [g.Name, g.OutputGroupSettings!.Type, destinationOf(g)]),
      [
        ["Thumbnails", "FILE_GROUP_SETTINGS", "s3://out/a/thumbnails/thumb"],
        ["DASH", "DASH_ISO_GROUP_SETTINGS", "s3://out/a/dash/index"],
        ["HLS FairPlay", "HLS_GROUP_SETTINGS", "s3://out/a/hls-fairplay/index"],
      ],
    );
  });

  it("keeps the clear HLS and MP4 when configured, in today's order, ahead of the DRM groups", () => {
    assert.deepEqual(
      drmJob(true).OutputGroups!.map((g) => [g.Name, destinationOf(g)]),
      [
        ["HLS", "s3://out/a/hls/index"],
        ["MP4", "s3://out/a/mp4/video"],
        ["Thumbnails", "s3://out/a/thumbnails/thumb"],
        ["DASH", "s3://out/a/dash/index"],
        ["HLS FairPlay", "s3://out/a/hls-fairplay/index"],
      ],
    );
    const clear = named(drmJob(true), "HLS").OutputGroupSettings!.HlsGroupSettings!;
    assert.equal(clear.Encryption, undefined, "the clear HLS stays clear");
  });

  it("encrypts DASH with CENC v1 and SPEKE keys for Widevine and PlayReady under the content id", () => {
    const dash = named(drmJob(), "DASH").OutputGroupSettings!.DashIsoGroupSettings!;
    assert.deepEqual(dash.Encryption, {
      PlaybackDeviceCompatibility: "CENC_V1",
      SpekeKeyProvider: {
        ResourceId: CONTENT_ID,
        SystemIds: [WIDEVINE, PLAYREADY],
        Url: SPEKE_URL,
      },
    });
  });

  it("encrypts HLS with SAMPLE-AES and SPEKE keys for FairPlay only, the IV in the manifest", () => {
    const hls = named(drmJob(), "HLS FairPlay").OutputGroupSettings!.HlsGroupSettings!;
    assert.deepEqual(hls.Encryption, {
      Type: "SPEKE",
      EncryptionMethod: "SAMPLE_AES",
      InitializationVectorInManifest: "INCLUDE",
      SpekeKeyProvider: { ResourceId: CONTENT_ID, SystemIds: [FAIRPLAY], Url: SPEKE_URL },
    });
  });

  it("uses SPEKE v1: no encryption contract, no certificate", () => {
    assert.doesNotMatch(JSON.stringify(drmJob()), /EncryptionContractConfiguration|CertificateArn/);
  });

  it("writes DASH video and audio as separate outputs: one video-only per rung, one AAC audio-only", () => {
    const outputs = named(drmJob(), "DASH").Outputs!;
    assert.deepEqual(
      outputs.map((o) => [
        o.NameModifier,
        o.ContainerSettings!.Container,
        o.VideoDescription ? `${o.VideoDescription.Width}x${o.VideoDescription.Height}` : null,
        o.VideoDescription?.CodecSettings?.H264Settings?.Bitrate ?? null,
        o.AudioDescriptions?.map((a) => a.CodecSettings!.Codec) ?? null,
      ]),
      [
        ["_360", "MPD", "640x360", 1_000_000, null],
        ["_540", "MPD", "960x540", 2_000_000, null],
        ["_720", "MPD", "1280x720", 3_000_000, null],
        ["_audio", "MPD", null, null, ["AAC"]],
      ],
    );
  });

  it("encodes the FairPlay HLS ladder exactly as the clear one", () => {
    const clear = named(drmJob(true), "HLS");
    const fairPlay = named(drmJob(true), "HLS FairPlay");
    assert.deepEqual(fairPlay.Outputs, clear.Outputs);
    const { Encryption, Destination, ...fairPlaySettings } =
      fairPlay.OutputGroupSettings!.HlsGroupSettings!;
    const { Destination: _, ...clearSettings } = clear.OutputGroupSettings!.HlsGroupSettings!;
    assert.ok(Encryption && Destination);
    assert.deepEqual(fairPlaySettings, clearSettings);
  });

  it("encodes every DASH video output with the profile's H.264 settings", () => {
    const dash = named(drmJob(), "DASH").Outputs!.filter((o) => o.VideoDescription);
    const clear = named(drmJob(true), "HLS").Outputs!;
    assert.deepEqual(
      dash.map((o) => o.VideoDescription),
      clear.map((o) => o.VideoDescription),
    );
  });

  it("produces exactly today's job when DRM is off", () => {
    const today = buildJobSettings("s3://src/a.mp4", "out", "a", PROFILE);
    assert.deepEqual(
      today.OutputGroups!.map((g) => g.Name),
      ["HLS", "MP4", "Thumbnails"],
    );
    assert.doesNotMatch(JSON.stringify(today), /Encryption|Speke|DASH/i);
    const request = planRecord(uploadRecord("a.mp4"), CONVERT_ENVIRONMENT);
    assert.ok(request.action === "submit");
    assert.deepEqual(Object.keys(request.request.UserMetadata!).sort(), [
      "application",
      "input",
      "sequencer",
    ]);
  });
});

describe("convert: planning a DRM record", () => {
  const plan = (key: string) => {
    const result = planRecord(uploadRecord(key), DRM_CONVERT_ENVIRONMENT);
    return result.action === "submit" ? result : assert.fail(result.reason);
  };

  it("uses the upload's content id as the SPEKE resource id and as the contentId user metadata", () => {
    const { request } = plan("films/Le+Film.mp4");
    const contentId = contentIdFor("films/Le Film.mp4");
    assert.equal(request.UserMetadata!.contentId, contentId);
    for (const group of request.Settings!.OutputGroups!.slice(1)) {
      const settings = group.OutputGroupSettings!;
      const provider =
        settings.DashIsoGroupSettings?.Encryption?.SpekeKeyProvider ??
        settings.HlsGroupSettings?.Encryption?.SpekeKeyProvider;
      assert.equal(provider?.ResourceId, contentId, group.Name);
      assert.equal(provider?.Url, SPEKE_URL, group.Name);
    }
  });

  it("plans the asset file next to the outputs, and a PROCESSING marker from the job's metadata", () => {
    const submitted = plan("films/Le+Film.mp4");
    assert.equal(submitted.assetFileKey, `films/Le Film.mp4/${OUTPUT_LAYOUT.metadata}`);
    assert.deepEqual(processingMarker(submitted.request, "job-1"), {
      status: "PROCESSING",
      jobId: "job-1",
      assetId: assetIdFor("vod-source-test", "films/Le Film.mp4"),
      input: "s3://vod-source-test/films/Le Film.mp4",
      contentId: contentIdFor("films/Le Film.mp4"),
      sequencer: "0055AED6DCD90281E5",
    });
  });

  it("gives a re-upload to the same key the same content id", () => {
    const first = plan("a.mp4").request.UserMetadata!.contentId;
    const again = planRecord(
      uploadRecord("a.mp4", { sequencer: "0055AED6DCD90281F0" }),
      DRM_CONVERT_ENVIRONMENT,
    );
    assert.ok(again.action === "submit");
    assert.equal(again.request.UserMetadata!.contentId, first);
    assert.notEqual(again.request.ClientRequestToken, plan("a.mp4").request.ClientRequestToken);
  });
});

describe("convert: content ids", () => {
  const odd = [
    "uploads/2024/My Movie.mp4",
    "映画/予告編.mp4",
    "Café Crème/épisode 1.mov",
    "a+b=c & d.mp4",
    "100% real.mp4",
    "%E6%98%A0.mp4",
    "!!!.mp4",
    "...",
    "/",
    "",
    ".mp4",
    "🎬🍿.mkv",
    "tab\there\nnewline.mp4",
    `${"d/".repeat(200)}${"映".repeat(200)}.mp4`,
    "x".repeat(1024),
  ];

  it("is 1–200 characters of [0-9A-Za-z_-] for any key", () => {
    for (const key of odd) {
      const id = contentIdFor(key);
      assert.ok(isValidContentId(id), `${JSON.stringify(key)} → ${id}`);
      assert.match(id, /^[0-9A-Za-z_-]{1,200}$/);
    }
    assert.ok(Buffer.byteLength(odd.at(-2)!) > 1000, "a 1 KB key is among them");
  });

  it("is readable: a slug of the path and name, a dash, and a 12-digit hash", () => {
    assert.match(contentIdFor("uploads/2024/My Movie.mp4"), /^uploads_2024_My_Movie-[0-9a-f]{12}$/);
    assert.match(contentIdFor("Café Crème/épisode 1.mov"), /^Cafe_Creme_episode_1-[0-9a-f]{12}$/);
    assert.match(contentIdFor("my-clip_v2.mp4"), /^my-clip_v2-[0-9a-f]{12}$/);
  });

  it("is the hash alone when nothing in the key is readable", () => {
    assert.match(contentIdFor("!!!.mp4"), /^[0-9a-f]{12}$/);
    assert.match(contentIdFor("映画.mp4"), /^[0-9a-f]{12}$/);
    assert.match(contentIdFor("..."), /^[0-9a-f]{12}$/);
  });

  it("depends on the key alone: the same key always gives the same id", () => {
    for (const key of odd) assert.equal(contentIdFor(key), contentIdFor(key));
  });

  it("keeps keys that slug alike apart", () => {
    const groups = [
      ["a b.mp4", "a_b.mp4", "a+b.mp4", "a%b.mp4", "a/b.mp4", "a  b.mp4", "a b.mov", "a b"],
      ["映画.mp4", "予告編.mp4", "!!!.mp4", "???.mp4"],
      ["Café.mp4", "Cafe.mp4"],
    ];
    for (const keys of groups) {
      const ids = keys.map(contentIdFor);
      assert.equal(new Set(ids).size, keys.length, ids.join(" "));
    }
  });

  it("keeps long keys within 200 characters, and distinct", () => {
    const long = `${"folder/".repeat(140)}name.mp4`;
    const other = `${"folder/".repeat(140)}nam3.mp4`;
    assert.ok(contentIdFor(long).length <= 200);
    assert.notEqual(contentIdFor(long), contentIdFor(other));
    assert.match(contentIdFor(long), /folder_name-[0-9a-f]{12}$/, "the end of the path is kept");
  });

  it("validates with the rule the DRM endpoint and the player share", () => {
    for (const id of ["a", "Big_Buck-Bunny01", "0".repeat(200)]) assert.ok(isValidContentId(id));
    for (const id of ["", "a".repeat(201), "a.b", "a/b", "ü", "a b"]) {
      assert.ok(!isValidContentId(id), id);
    }
  });
});

describe("convert: DRM settings from the environment", () => {
  it("leaves DRM off when neither variable is set", () => {
    assert.equal(readConvertEnvironment(CONVERT_VARIABLES).drm, undefined);
    assert.equal(readConvertEnvironment({ ...CONVERT_VARIABLES, SPEKE_URL: "" }).drm, undefined);
  });

  it("turns DRM on with SPEKE_URL, clear outputs off by default", () => {
    assert.deepEqual(readConvertEnvironment(DRM_CONVERT_VARIABLES), DRM_CONVERT_ENVIRONMENT);
  });

  it("keeps clear outputs when DRM_CLEAR_OUTPUTS is true", () => {
    const on = { ...DRM_CONVERT_VARIABLES, DRM_CLEAR_OUTPUTS: "true" };
    const off = { ...DRM_CONVERT_VARIABLES, DRM_CLEAR_OUTPUTS: "false" };
    assert.deepEqual(readConvertEnvironment(on).drm, {
      spekeUrl: SPEKE_URL,
      keepClearOutputs: true,
      packaging: "separate",
    });
    assert.deepEqual(readConvertEnvironment(off).drm, {
      spekeUrl: SPEKE_URL,
      keepClearOutputs: false,
      packaging: "separate",
    });
  });

  it("names SPEKE_URL when it is not an https URL, without echoing it", () => {
    for (const url of [
      "http://abc.execute-api.us-east-1.amazonaws.com/x",
      "not a url",
      "ftp://x/y",
    ]) {
      assert.throws(
        () => readConvertEnvironment({ ...DRM_CONVERT_VARIABLES, SPEKE_URL: url }),
        (error: Error) =>
          /Environment variable SPEKE_URL is invalid/.test(error.message) &&
          !error.message.includes(url),
      );
    }
  });

  it("refuses a SPEKE_URL carrying a token, credentials or a fragment, without echoing it", () => {
    for (const url of [
      "https://kms.pallycon.com/cpix/getKey?enc-token=SECRET",
      "https://user:SECRET@abc.execute-api.us-east-1.amazonaws.com/x",
      "https://abc.execute-api.us-east-1.amazonaws.com/x#SECRET",
    ]) {
      assert.throws(
        () => readConvertEnvironment({ ...DRM_CONVERT_VARIABLES, SPEKE_URL: url }),
        (error: Error) =>
          /SPEKE_URL is invalid/.test(error.message) && !/SECRET/.test(error.message),
      );
    }
  });

  it("names DRM_CLEAR_OUTPUTS when it is not true or false", () => {
    assert.throws(
      () => readConvertEnvironment({ ...DRM_CONVERT_VARIABLES, DRM_CLEAR_OUTPUTS: "yes" }),
      /Environment variable DRM_CLEAR_OUTPUTS is invalid: "yes" is not true or false/,
    );
  });

  it("names both variables when DRM_CLEAR_OUTPUTS is set without SPEKE_URL", () => {
    assert.throws(
      () => readConvertEnvironment({ ...CONVERT_VARIABLES, DRM_CLEAR_OUTPUTS: "true" }),
      /DRM_CLEAR_OUTPUTS is set but SPEKE_URL is not/,
    );
  });
});
