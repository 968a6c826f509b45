/**
 * `vodDrmPackaging: cmaf`: one CMAF group, `cbcs`, whose DASH manifest signals Widevine +
 * PlayReady and whose HLS manifest signals FairPlay over the same segments; the asset
 * file that names both manifests; the player's choice between them.
 */
import * as assert from "node:assert/strict";
import { request } from "node:http";
import { CreateJobCommand, JobSettings, OutputGroup } from "@aws-sdk/client-mediaconvert";
import { readConvertEnvironment } from "../functions/convert/environment";
import { buildJobSettings } from "../functions/convert/jobSettings";
import { JobStateDetail, planAssetMetadata } from "../functions/metadata/assetMetadata";
import { AssetDrm, planAsset } from "../player/src/asset";
import { resolvePlayerConfig } from "../player/src/config";
import { PROBE_CONFIGURATION, probeConfiguration, protectedSource } from "../player/src/drm";
import {
  CONVERT_ENVIRONMENT,
  CONVERT_VARIABLES,
  DRM_CONVERT_VARIABLES,
  SPEKE_URL,
} from "./support/convertEnvironment";
import {
  CreateJobBody,
  FakeMediaConvert,
  mediaConvertClientFor,
  startFakeMediaConvert,
} from "./support/fakeMediaConvert";

const WIDEVINE = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed";
const PLAYREADY = "9a04f079-9840-4286-ab92-e65be0885f95";
const FAIRPLAY = "94ce86fb-07ff-4f43-adb8-93d2fa968ca2";
const CONTENT_ID = "a-0123456789ab";
const PROFILE = CONVERT_ENVIRONMENT.profile;

const cmafJob = (keepClearOutputs = false): JobSettings =>
  buildJobSettings("s3://src/a.mp4", "out", "a", PROFILE, {
    spekeUrl: SPEKE_URL,
    keepClearOutputs,
    packaging: "cmaf",
    contentId: CONTENT_ID,
  });
const cmafGroupOf = (settings: JobSettings): OutputGroup => {
  const groups = settings.OutputGroups!.filter(
    (g) => g.OutputGroupSettings?.Type === "CMAF_GROUP_SETTINGS",
  );
  assert.equal(groups.length, 1, "exactly one CMAF group");
  return groups[0];
};

describe("convert: CMAF job settings (vodDrmPackaging: cmaf)", () => {
  it("writes the thumbnails and one CMAF group in place of the DASH and FairPlay HLS groups", () => {
    assert.deepEqual(
      cmafJob().OutputGroups!.map((g) => [g.Name, g.OutputGroupSettings!.Type]),
      [
        ["Thumbnails", "FILE_GROUP_SETTINGS"],
        ["CMAF", "CMAF_GROUP_SETTINGS"],
      ],
    );
    const settings = cmafGroupOf(cmafJob()).OutputGroupSettings!.CmafGroupSettings!;
    assert.equal(settings.Destination, "s3://out/a/cmaf/index");
  });

  it("keeps the clear HLS and MP4 ahead of the CMAF group when configured", () => {
    assert.deepEqual(
      cmafJob(true).OutputGroups!.map((g) => g.Name),
      ["HLS", "MP4", "Thumbnails", "CMAF"],
    );
  });

  it("encrypts with cbcs (SAMPLE_AES) and SPEKE keys under the content id: Widevine + PlayReady in DASH, FairPlay in HLS", () => {
    const { Encryption } = cmafGroupOf(cmafJob()).OutputGroupSettings!.CmafGroupSettings!;
    assert.deepEqual(Encryption, {
      Type: "SPEKE",
      EncryptionMethod: "SAMPLE_AES",
      InitializationVectorInManifest: "INCLUDE",
      SpekeKeyProvider: {
        ResourceId: CONTENT_ID,
        DashSignaledSystemIds: [WIDEVINE, PLAYREADY],
        HlsSignaledSystemIds: [FAIRPLAY],
        Url: SPEKE_URL,
      },
    });
    assert.doesNotMatch(
      JSON.stringify(cmafJob()),
      /"SystemIds"|EncryptionContractConfiguration|CertificateArn/,
      "the CMAF provider shape only, SPEKE v1",
    );
  });

  it("writes both a DASH and an HLS manifest over the same segments", () => {
    const settings = cmafGroupOf(cmafJob()).OutputGroupSettings!.CmafGroupSettings!;
    assert.equal(settings.WriteDashManifest, "ENABLED");
    assert.equal(settings.WriteHlsManifest, "ENABLED");
    assert.equal(settings.SegmentControl, "SEGMENTED_FILES");
  });

  it("encodes the ladder once: one video-only CMFC output per rung and one audio-only output", () => {
    const outputs = cmafGroupOf(cmafJob()).Outputs!;
    assert.deepEqual(
      outputs.map((o) => [
        o.NameModifier,
        o.ContainerSettings!.Container,
        o.VideoDescription ? `${o.VideoDescription.Width}x${o.VideoDescription.Height}` : null,
        o.AudioDescriptions?.map((a) => a.CodecSettings!.Codec) ?? null,
      ]),
      [
        ["_360", "CMFC", "640x360", null],
        ["_540", "CMFC", "960x540", null],
        ["_720", "CMFC", "1280x720", null],
        ["_audio", "CMFC", null, ["AAC"]],
      ],
    );
    const videoOutputs = (settings: JobSettings) =>
      settings.OutputGroups!.flatMap((g) => g.Outputs ?? []).filter((o) => o.VideoDescription);
    const separate = buildJobSettings("s3://src/a.mp4", "out", "a", PROFILE, {
      spekeUrl: SPEKE_URL,
      keepClearOutputs: false,
      packaging: "separate",
      contentId: CONTENT_ID,
    });
    // Thumbnails + the ladder once, against thumbnails + the ladder twice.
    assert.equal(videoOutputs(cmafJob()).length, 1 + PROFILE.ladder.length);
    assert.equal(videoOutputs(separate).length, 1 + 2 * PROFILE.ladder.length);
  });

  it("groups the audio output as program_audio, the rendition group every video variant names", () => {
    const outputs = cmafGroupOf(cmafJob()).Outputs!;
    const audio = outputs.find((o) => o.AudioDescriptions)!;
    assert.equal(audio.ContainerSettings!.CmfcSettings!.AudioGroupId, "program_audio");
    for (const video of outputs.filter((o) => o.VideoDescription)) {
      assert.equal(video.ContainerSettings!.CmfcSettings!.AudioRenditionSets, "program_audio");
    }
  });
});

describe("convert: the DRM_PACKAGING variable", () => {
  it("defaults to separate, and reads cmaf", () => {
    assert.equal(readConvertEnvironment(DRM_CONVERT_VARIABLES).drm?.packaging, "separate");
    const cmaf = { ...DRM_CONVERT_VARIABLES, DRM_PACKAGING: "cmaf" };
    assert.deepEqual(readConvertEnvironment(cmaf).drm, {
      spekeUrl: SPEKE_URL,
      keepClearOutputs: false,
      packaging: "cmaf",
    });
  });

  it("names DRM_PACKAGING when it is neither separate nor cmaf", () => {
    assert.throws(
      () => readConvertEnvironment({ ...DRM_CONVERT_VARIABLES, DRM_PACKAGING: "CMAF" }),
      /Environment variable DRM_PACKAGING is invalid: "CMAF" is not separate or cmaf/,
    );
  });

  it("names DRM_PACKAGING when it is set without SPEKE_URL", () => {
    assert.throws(
      () => readConvertEnvironment({ ...CONVERT_VARIABLES, DRM_PACKAGING: "cmaf" }),
      /DRM_PACKAGING is set but SPEKE_URL is not/,
    );
  });
});

describe("fake MediaConvert: CMAF groups as the service checks them", () => {
  let fake: FakeMediaConvert;
  before(async () => {
    fake = await startFakeMediaConvert();
  });
  after(() => fake.close());

  /** POSTs a CreateJob body as it goes on the wire, bypassing the SDK's serializer. */
  const postJob = (body: CreateJobBody) =>
    new Promise<{ status: number; errorType?: string; message: string }>((resolve, reject) => {
      const call = request(
        `${fake.endpoint}/2017-08-29/jobs`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode!,
              errorType: response.headers["x-amzn-errortype"] as string | undefined,
              message: JSON.parse(text).message ?? "",
            }),
          );
        },
      );
      call.on("error", reject);
      call.end(JSON.stringify(body));
    });
  /** The CMAF job as the SDK serializes it (camelCase), with the CMAF group changed. */
  const wireJob = (change: (group: CreateJobBody) => void): CreateJobBody => {
    const camel = (value: unknown): any =>
      Array.isArray(value)
        ? value.map(camel)
        : value && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), camel(v)]),
            )
          : value;
    const settings = camel(cmafJob());
    change(
      settings.outputGroups.find(
        (g: CreateJobBody) => g.outputGroupSettings.type === "CMAF_GROUP_SETTINGS",
      ),
    );
    return { role: "arn:aws:iam::123456789012:role/mc", settings };
  };

  it("accepts the convert function's CMAF job, sent through the SDK", async () => {
    const client = mediaConvertClientFor(fake);
    const { Job } = await client.send(
      new CreateJobCommand({ Role: "arn:aws:iam::123456789012:role/mc", Settings: cmafJob() }),
    );
    assert.ok(Job?.Id);
    const provider =
      fake.jobs.at(-1)!.body.settings.outputGroups[1].outputGroupSettings.cmafGroupSettings
        .encryption.spekeKeyProvider;
    assert.deepEqual(provider.dashSignaledSystemIds, [WIDEVINE, PLAYREADY]);
    assert.deepEqual(provider.hlsSignaledSystemIds, [FAIRPLAY]);
  });

  it("refuses the HLS/DASH provider shape (systemIds) in a CMAF group", async () => {
    const answer = await postJob(
      wireJob((group) => {
        group.outputGroupSettings.cmafGroupSettings.encryption.spekeKeyProvider = {
          resourceId: CONTENT_ID,
          systemIds: [WIDEVINE, PLAYREADY],
          url: SPEKE_URL,
        };
      }),
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.errorType, "BadRequestException");
    assert.match(answer.message, /Unexpected key 'systemIds'.*cmafGroupSettings/);
  });

  it("refuses a CMAF group that signals no system id in one of its manifests", async () => {
    const answer = await postJob(
      wireJob((group) => {
        delete group.outputGroupSettings.cmafGroupSettings.encryption.spekeKeyProvider
          .hlsSignaledSystemIds;
      }),
    );
    assert.equal(answer.status, 400);
    assert.match(answer.message, /1 system id in HLS/);
  });

  it("refuses a CMAF output that muxes video and audio", async () => {
    const answer = await postJob(
      wireJob((group) => {
        group.outputs[0].audioDescriptions = group.outputs.at(-1).audioDescriptions;
      }),
    );
    assert.equal(answer.status, 400);
    assert.match(answer.message, /one video, audio or caption track/);
  });
});

describe("metadata: the asset file of a CMAF job", () => {
  const PREFIX = "s3://vod-output-test/films/Le Film.mp4";
  const DOMAIN = "https://d111111abcdef8.cloudfront.net";
  const EXPECTED = {
    applicationName: "vod-test",
    bucket: "vod-output-test",
    domain: "d111111abcdef8.cloudfront.net",
  };
  const detail = (playlists: string[]): JobStateDetail => ({
    jobId: "1732270000000-cmaf01",
    status: "COMPLETE",
    userMetadata: { application: "vod-test", contentId: CONTENT_ID },
    outputGroupDetails: [
      {
        type: "CMAF_GROUP",
        playlistFilePaths: playlists.map((p) => `${PREFIX}/${p}`),
        outputDetails: [
          ...[360, 720].map((h) => ({
            durationInMs: 60_000,
            videoDetails: { widthInPx: (h * 16) / 9, heightInPx: h },
          })),
          { durationInMs: 60_000 },
        ],
      },
    ],
  });

  it("names both manifests of the one group, for Widevine + PlayReady and for FairPlay", () => {
    const plan = planAssetMetadata(detail(["cmaf/index.m3u8", "cmaf/index.mpd"]), EXPECTED);
    assert.ok(plan.action === "write", plan.action === "skip" ? plan.reason : "");
    assert.equal(plan.key, "films/Le Film.mp4/asset.json");
    assert.deepEqual(plan.metadata.drm, {
      contentId: CONTENT_ID,
      packaging: "cmaf",
      dash: {
        url: `${DOMAIN}/films/Le%20Film.mp4/cmaf/index.mpd`,
        systems: ["Widevine", "PlayReady"],
      },
      hls: { url: `${DOMAIN}/films/Le%20Film.mp4/cmaf/index.m3u8`, systems: ["FairPlay"] },
    });
    assert.deepEqual(plan.metadata.renditions, [
      { width: 640, height: 360 },
      { width: 1280, height: 720 },
    ]);
  });

  it("is skipped, with a reason, when the CMAF group reports only one of its manifests", () => {
    const plan = planAssetMetadata(detail(["cmaf/index.mpd"]), EXPECTED);
    assert.deepEqual(plan, {
      action: "skip",
      reason: "the job's CMAF group wrote only one of its DASH and HLS manifests",
    });
  });
});

describe("player: a CMAF asset", () => {
  const ORIGIN = "https://d111111abcdef8.cloudfront.net";
  const METADATA = `${ORIGIN}/films/Le%20Film.mp4/asset.json`;
  const DRM: AssetDrm = {
    contentId: CONTENT_ID,
    packaging: "cmaf",
    dash: {
      url: `${ORIGIN}/films/Le%20Film.mp4/cmaf/index.mpd`,
      systems: ["Widevine", "PlayReady"],
    },
    hls: { url: `${ORIGIN}/films/Le%20Film.mp4/cmaf/index.m3u8`, systems: ["FairPlay"] },
  };
  const config = resolvePlayerConfig({ fairplayCertificateUrl: `${ORIGIN}/fps.cer` });
  const fetch = async () => assert.fail("no request while building the source");
  const source = (keySystem: string) =>
    protectedSource({ keySystem, drm: DRM, config, token: "T", fetch });

  it("keeps the packaging from the asset file", () => {
    const outcome = planAsset(
      { status: "COMPLETE", jobId: "j", renditions: [], drm: DRM },
      METADATA,
      ORIGIN,
    );
    assert.ok(outcome.kind === "play");
    assert.deepEqual(outcome.drm, DRM);
  });

  it("plays the CMAF DASH manifest with Widevine and PlayReady, the CMAF HLS manifest with FairPlay", () => {
    for (const keySystem of ["com.widevine.alpha", "com.microsoft.playready"]) {
      assert.deepEqual(
        [source(keySystem).src, source(keySystem).type],
        [DRM.dash.url, "application/dash+xml"],
      );
    }
    const fairPlay = source("com.apple.fps.1_0");
    assert.deepEqual([fairPlay.src, fairPlay.type], [DRM.hls.url, "application/x-mpegURL"]);
  });

  it("probes key systems for cbcs with a CMAF asset, and as before otherwise", () => {
    const probe = probeConfiguration(DRM);
    assert.deepEqual(
      [...probe.videoCapabilities, ...probe.audioCapabilities].map((c) => c.encryptionScheme),
      ["cbcs", "cbcs"],
    );
    const { packaging: _, ...separate } = DRM;
    assert.equal(probeConfiguration(separate), PROBE_CONFIGURATION);
  });
});
