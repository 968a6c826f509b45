/**
 * Typed builders for the MediaConvert job: the HLS ladder, the MP4 and the
 * thumbnails, which reproduce the source design's `job.json`, and, when DRM is
 * on, the encrypted DASH and FairPlay HLS groups over the same ladder, or one
 * encrypted CMAF group in their place (`cmaf` packaging).
 *
 * With the source's facts (see `./probe`), every video output is fitted to it (see
 * `shared/ladderFit.ts`); without them, the configured sizes are used as they stand.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 */
import type {
  AudioDescription,
  CmafEncryptionSettings,
  ContainerSettings,
  DashIsoEncryptionSettings,
  H264Settings,
  HlsEncryptionSettings,
  AutomatedEncodingSettings,
  Input,
  JobSettings,
  Output,
  OutputGroup,
  VideoDescription,
} from "@aws-sdk/client-mediaconvert";
import type { SourceFacts } from "../../shared/assetFile";
import {
  cmafEncryption,
  dashIsoEncryption,
  DrmJobOptions,
  fairPlayHlsEncryption,
} from "./drmGroups";
import { AutomatedAbrLimits, RateControl, Rendition, renditionName } from "../../shared/ladder";
import { MP4_RENDITION, outputSizes, THUMBNAIL_SIZE } from "../../shared/ladderFit";
import { OUTPUT_LAYOUT } from "../../shared/outputLayout";

/** How the ladder is encoded. */
export interface EncodingProfile {
  readonly ladder: readonly Rendition[];
  readonly rateControl: RateControl;
  /** Used with QVBR only. */
  readonly qvbrQualityLevel: number;
  /**
   * MediaConvert's automated ABR instead of the fixed ladder, for every streaming group
   * (MediaConvert requires all of a job's ABR groups to use it). The MP4 and the
   * thumbnails keep their fixed sizes.
   * @default undefined (the fixed ladder)
   */
  readonly automatedAbr?: AutomatedAbrLimits;
}

/** The selector every audio output reads from. */
export const AUDIO_SELECTOR = "Audio Selector 1";
/** The HLS audio group shared by every rendition. */
export const HLS_AUDIO_GROUP = "program_audio";

/** Thumbnails: a JPEG every 5 seconds, at most 500 (sized by `shared/ladderFit.ts`). */
export const THUMBNAILS = {
  framerateNumerator: 1,
  framerateDenominator: 5,
  maxCaptures: 500,
  quality: 80,
} as const;

/** H.264 Main, CABAC, 90-frame GOP with 2 B-frames, rate control from the profile. */
export function h264Settings(
  bitrate: number,
  rateControl: RateControl,
  qvbrQualityLevel: number,
): H264Settings {
  const rate: H264Settings =
    rateControl === "QVBR"
      ? {
          RateControlMode: "QVBR",
          MaxBitrate: bitrate,
          QvbrSettings: { QvbrQualityLevel: qvbrQualityLevel },
          // AWS recommends multi-pass HQ with QVBR: it spends the bits where they show.
          QualityTuningLevel: "MULTI_PASS_HQ",
        }
      : { RateControlMode: "CBR", Bitrate: bitrate, QualityTuningLevel: "SINGLE_PASS" };
  return {
    ...rate,
    CodecProfile: "MAIN",
    CodecLevel: "AUTO",
    EntropyEncoding: "CABAC",
    GopSize: 90,
    GopSizeUnits: "FRAMES",
    GopClosedCadence: 1,
    NumberBFramesBetweenReferenceFrames: 2,
    NumberReferenceFrames: 3,
    AdaptiveQuantization: "HIGH",
    SceneChangeDetect: "ENABLED",
    FramerateControl: "INITIALIZE_FROM_SOURCE",
    InterlaceMode: "PROGRESSIVE",
    // Square pixels: output sizes come from the source's display aspect ratio, so an
    // anamorphic source's pixel aspect ratio must not be carried over.
    ParControl: "SPECIFIED",
    ParNumerator: 1,
    ParDenominator: 1,
    Syntax: "DEFAULT",
  };
}

/** AAC-LC, CBR 96 kbps, stereo, 48 kHz. */
export function aacAudio(): AudioDescription {
  return {
    AudioSourceName: AUDIO_SELECTOR,
    CodecSettings: {
      Codec: "AAC",
      AacSettings: {
        Bitrate: 96_000,
        CodingMode: "CODING_MODE_2_0",
        SampleRate: 48_000,
        CodecProfile: "LC",
        RateControlMode: "CBR",
        RawFormat: "NONE",
        Specification: "MPEG4",
      },
    },
  };
}

/**
 * H.264 for the base output of an automated ABR group: QVBR with multi-pass HQ, as
 * MediaConvert requires; the bitrates and quality of each rendition are MediaConvert's.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/feature-restrictions-for-automated-abr.html
 */
export function automatedAbrH264Settings(): H264Settings {
  const settings: H264Settings = { ...h264Settings(0, "QVBR", 0) };
  delete settings.MaxBitrate;
  delete settings.QvbrSettings;
  return settings;
}

/** An output group's automated ABR limits, in MediaConvert's shape. */
export function automatedEncodingSettings(limits: AutomatedAbrLimits): AutomatedEncodingSettings {
  return {
    AbrSettings: {
      ...(limits.maxRenditions !== undefined ? { MaxRenditions: limits.maxRenditions } : {}),
      ...(limits.minBitrate !== undefined ? { MinAbrBitrate: limits.minBitrate } : {}),
      ...(limits.maxBitrate !== undefined ? { MaxAbrBitrate: limits.maxBitrate } : {}),
    },
  };
}

/** The base output's video: no size (MediaConvert sizes each rendition), QVBR. */
function automatedAbrVideo(): VideoDescription {
  return {
    ScalingBehavior: "DEFAULT",
    AntiAlias: "ENABLED",
    CodecSettings: { Codec: "H_264", H264Settings: automatedAbrH264Settings() },
  };
}

function videoDescription(
  { width, height, bitrate }: Rendition,
  profile: EncodingProfile,
): VideoDescription {
  return {
    Width: width,
    Height: height,
    ScalingBehavior: "DEFAULT",
    AntiAlias: "ENABLED",
    CodecSettings: {
      Codec: "H_264",
      H264Settings: h264Settings(bitrate, profile.rateControl, profile.qvbrQualityLevel),
    },
  };
}

/** Segment length of the streaming groups, HLS and DASH alike. */
const SEGMENT_SECONDS = 10;

/**
 * The HLS group: one rendition per ladder step, 10-second segments. With
 * `encryption` it is the same ladder, encrypted (the FairPlay group). With automated
 * ABR, one base output from which MediaConvert makes the renditions.
 */
export function hlsGroup(
  destination: string,
  profile: EncodingProfile,
  options: { readonly name?: string; readonly encryption?: HlsEncryptionSettings } = {},
): OutputGroup {
  const hlsOutput = (video: VideoDescription, nameModifier?: string): Output => ({
    ...(nameModifier ? { NameModifier: nameModifier } : {}),
    ContainerSettings: { Container: "M3U8", M3u8Settings: {} },
    VideoDescription: video,
    AudioDescriptions: [aacAudio()],
    OutputSettings: {
      HlsSettings: {
        SegmentModifier: "$dt$",
        AudioGroupId: HLS_AUDIO_GROUP,
        IFrameOnlyManifest: "EXCLUDE",
      },
    },
  });
  const outputs: Output[] = profile.automatedAbr
    ? [hlsOutput(automatedAbrVideo())]
    : profile.ladder.map((rendition) =>
        hlsOutput(videoDescription(rendition, profile), renditionName(rendition)),
      );
  return {
    Name: options.name ?? "HLS",
    ...(profile.automatedAbr
      ? { AutomatedEncodingSettings: automatedEncodingSettings(profile.automatedAbr) }
      : {}),
    OutputGroupSettings: {
      Type: "HLS_GROUP_SETTINGS",
      HlsGroupSettings: {
        Destination: destination,
        SegmentLength: SEGMENT_SECONDS,
        MinSegmentLength: 0,
        DirectoryStructure: "SINGLE_DIRECTORY",
        CodecSpecification: "RFC_4281",
        StreamInfResolution: "INCLUDE",
        ManifestDurationFormat: "INTEGER",
        OutputSelection: "MANIFESTS_AND_SEGMENTS",
        SegmentControl: "SEGMENTED_FILES",
        ClientCache: "ENABLED",
        ProgramDateTime: "EXCLUDE",
        ...(options.encryption ? { Encryption: options.encryption } : {}),
      },
    },
    Outputs: outputs,
  };
}

/**
 * The DASH ISO group: one video-only output per ladder step (or, with automated ABR,
 * one video-only base output) and one audio-only AAC output. Video and audio must be
 * separate outputs: some Widevine players fail on muxed, encrypted representations
 * (PallyCon's MediaConvert guide). Fragments end on the next key frame, so with the
 * 90-frame GOP each is one GOP.
 */
export function dashIsoGroup(
  destination: string,
  profile: EncodingProfile,
  encryption?: DashIsoEncryptionSettings,
): OutputGroup {
  const video: Output[] = profile.automatedAbr
    ? [
        {
          NameModifier: "_video",
          ContainerSettings: { Container: "MPD" },
          VideoDescription: automatedAbrVideo(),
        },
      ]
    : profile.ladder.map((rendition) => ({
        NameModifier: renditionName(rendition),
        ContainerSettings: { Container: "MPD" },
        VideoDescription: videoDescription(rendition, profile),
      }));
  const audio: Output = {
    NameModifier: "_audio",
    ContainerSettings: { Container: "MPD" },
    AudioDescriptions: [aacAudio()],
  };
  return {
    Name: "DASH",
    ...(profile.automatedAbr
      ? { AutomatedEncodingSettings: automatedEncodingSettings(profile.automatedAbr) }
      : {}),
    OutputGroupSettings: {
      Type: "DASH_ISO_GROUP_SETTINGS",
      DashIsoGroupSettings: {
        Destination: destination,
        SegmentLength: SEGMENT_SECONDS,
        FragmentLength: 2,
        SegmentControl: "SEGMENTED_FILES",
        MpdProfile: "MAIN_PROFILE",
        HbbtvCompliance: "NONE",
        ...(encryption ? { Encryption: encryption } : {}),
      },
    },
    Outputs: [...video, audio],
  };
}

/**
 * The CMAF group: the ladder packaged once as fMP4 segments, with a DASH manifest and
 * an HLS manifest over them (`<destination>.mpd`, `<destination>.m3u8`). Each output of
 * a CMAF group holds a single track, so video and audio are separate outputs here as
 * in the DASH group: one video-only output per ladder step (or one automated ABR base
 * output) and one AAC audio-only output, which the HLS manifest lists as the
 * `program_audio` rendition group of every video variant. Segments and fragments as
 * in the DASH group.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-model-cmafgroupsettings
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-model-cmfcsettings
 */
export function cmafGroup(
  destination: string,
  profile: EncodingProfile,
  encryption?: CmafEncryptionSettings,
): OutputGroup {
  // Every video variant plays with the one audio rendition group.
  const container: ContainerSettings = {
    Container: "CMFC",
    CmfcSettings: { AudioRenditionSets: HLS_AUDIO_GROUP },
  };
  const video: Output[] = profile.automatedAbr
    ? [
        {
          NameModifier: "_video",
          ContainerSettings: container,
          VideoDescription: automatedAbrVideo(),
        },
      ]
    : profile.ladder.map((rendition) => ({
        NameModifier: renditionName(rendition),
        ContainerSettings: container,
        VideoDescription: videoDescription(rendition, profile),
      }));
  const audio: Output = {
    NameModifier: "_audio",
    ContainerSettings: {
      Container: "CMFC",
      CmfcSettings: {
        AudioGroupId: HLS_AUDIO_GROUP,
        AudioTrackType: "ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT",
      },
    },
    AudioDescriptions: [aacAudio()],
  };
  return {
    Name: "CMAF",
    ...(profile.automatedAbr
      ? { AutomatedEncodingSettings: automatedEncodingSettings(profile.automatedAbr) }
      : {}),
    OutputGroupSettings: {
      Type: "CMAF_GROUP_SETTINGS",
      CmafGroupSettings: {
        Destination: destination,
        SegmentLength: SEGMENT_SECONDS,
        FragmentLength: 2,
        SegmentControl: "SEGMENTED_FILES",
        WriteDashManifest: "ENABLED",
        WriteHlsManifest: "ENABLED",
        MpdProfile: "MAIN_PROFILE",
        CodecSpecification: "RFC_4281",
        StreamInfResolution: "INCLUDE",
        ManifestDurationFormat: "INTEGER",
        ClientCache: "ENABLED",
        ...(encryption ? { Encryption: encryption } : {}),
      },
    },
    Outputs: [...video, audio],
  };
}

/**
 * The progressive-download MP4: moov atom first, so playback starts before download
 * ends. `rendition`: its size and bitrate, fitted to the source.
 */
export function mp4Group(
  destination: string,
  profile: EncodingProfile,
  rendition: Rendition = MP4_RENDITION,
): OutputGroup {
  return {
    Name: "MP4",
    OutputGroupSettings: {
      Type: "FILE_GROUP_SETTINGS",
      FileGroupSettings: { Destination: destination },
    },
    Outputs: [
      {
        ContainerSettings: {
          Container: "MP4",
          Mp4Settings: {
            MoovPlacement: "PROGRESSIVE_DOWNLOAD",
            CslgAtom: "INCLUDE",
            FreeSpaceBox: "EXCLUDE",
          },
        },
        // The MP4 is always CBR at its fixed bitrate, whatever the ladder uses.
        VideoDescription: videoDescription(rendition, { ...profile, rateControl: "CBR" }),
        AudioDescriptions: [aacAudio()],
      },
    ],
  };
}

/** JPEG frame captures for posters and scrubbing previews, at `size` (fitted to the source). */
export function thumbnailGroup(
  destination: string,
  size: { readonly width: number; readonly height: number } = THUMBNAIL_SIZE,
): OutputGroup {
  return {
    Name: "Thumbnails",
    OutputGroupSettings: {
      Type: "FILE_GROUP_SETTINGS",
      FileGroupSettings: { Destination: destination },
    },
    Outputs: [
      {
        ContainerSettings: { Container: "RAW" },
        VideoDescription: {
          Width: size.width,
          Height: size.height,
          ScalingBehavior: "DEFAULT",
          CodecSettings: {
            Codec: "FRAME_CAPTURE",
            FrameCaptureSettings: {
              FramerateNumerator: THUMBNAILS.framerateNumerator,
              FramerateDenominator: THUMBNAILS.framerateDenominator,
              MaxCaptures: THUMBNAILS.maxCaptures,
              Quality: THUMBNAILS.quality,
            },
          },
        },
      },
    ],
  };
}

/**
 * The file input: first audio track by default, embedded timecode. `rotate`: turn the
 * picture as its rotation metadata says (`Rotate: AUTO`); MediaConvert otherwise
 * ignores it and a phone's portrait video comes out lying on its side.
 */
export function fileInput(inputUrl: string, { rotate = false } = {}): Input {
  return {
    FileInput: inputUrl,
    AudioSelectors: {
      [AUDIO_SELECTOR]: { DefaultSelection: "DEFAULT", Offset: 0, ProgramSelection: 1 },
    },
    VideoSelector: rotate ? { Rotate: "AUTO" } : {},
    TimecodeSource: "EMBEDDED",
  };
}

/**
 * The whole job for one upload, written under `s3://<bucket>/<prefix>/`. No canned
 * ACL: the output bucket enforces object ownership and rejects ACLs.
 *
 * `source`: what the probe found; every video output is fitted to it (see
 * {@link outputSizes}). Without it, the configured sizes as they stand.
 *
 * - Without DRM: the HLS ladder, the MP4 and the thumbnails.
 * - With DRM: the thumbnails (posters), the DASH group (Widevine + PlayReady) and
 *   the FairPlay HLS group; or, with `cmaf` packaging, the one CMAF group in their
 *   place. The clear HLS and MP4 are unencrypted copies of the content, so they are
 *   written only when `drm.keepClearOutputs` says so.
 */
export function buildJobSettings(
  inputUrl: string,
  outputBucket: string,
  prefix: string,
  configured: EncodingProfile,
  drm?: DrmJobOptions,
  source?: SourceFacts,
): JobSettings {
  const destination = (path: string) => `s3://${outputBucket}/${prefix}/${path}`;
  const clear = drm === undefined || drm.keepClearOutputs;
  const sizes = outputSizes(configured.ladder, source);
  // Every streaming group (clear HLS, DASH, FairPlay HLS, CMAF) encodes the same fitted ladder.
  const profile: EncodingProfile = { ...configured, ladder: sizes.ladder };
  return {
    TimecodeConfig: { Source: "ZEROBASED" },
    Inputs: [fileInput(inputUrl, { rotate: sizes.rotate })],
    OutputGroups: [
      ...(clear
        ? [
            hlsGroup(destination(OUTPUT_LAYOUT.hls), profile),
            mp4Group(destination(OUTPUT_LAYOUT.mp4), profile, sizes.mp4),
          ]
        : []),
      thumbnailGroup(destination(OUTPUT_LAYOUT.thumbnails), sizes.thumbnails),
      ...(drm ? encryptedGroups(destination, profile, drm) : []),
    ],
  };
}

/** The encrypted groups, by packaging: DASH + FairPlay HLS, or the one CMAF group. */
function encryptedGroups(
  destination: (path: string) => string,
  profile: EncodingProfile,
  drm: DrmJobOptions,
): OutputGroup[] {
  if (drm.packaging === "cmaf") {
    return [cmafGroup(destination(OUTPUT_LAYOUT.cmaf), profile, cmafEncryption(drm))];
  }
  return [
    dashIsoGroup(destination(OUTPUT_LAYOUT.dash), profile, dashIsoEncryption(drm)),
    hlsGroup(destination(OUTPUT_LAYOUT.hlsFairPlay), profile, {
      name: "HLS FairPlay",
      encryption: fairPlayHlsEncryption(drm),
    }),
  ];
}
