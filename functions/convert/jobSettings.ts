/**
 * Typed builders for the MediaConvert job: the HLS ladder, the MP4 and the
 * thumbnails, which reproduce the source design's `job.json`, and, when DRM is
 * on, the encrypted DASH and FairPlay HLS groups over the same ladder.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 */
import type {
  AudioDescription,
  DashIsoEncryptionSettings,
  H264Settings,
  HlsEncryptionSettings,
  Input,
  JobSettings,
  Output,
  OutputGroup,
  VideoDescription,
} from "@aws-sdk/client-mediaconvert";
import { dashIsoEncryption, DrmJobOptions, fairPlayHlsEncryption } from "./drmGroups";
import type { RateControl, Rendition } from "./ladder";
import { OUTPUT_LAYOUT } from "./objectKey";

/** How the ladder is encoded. */
export interface EncodingProfile {
  readonly ladder: readonly Rendition[];
  readonly rateControl: RateControl;
  /** Used with QVBR only. */
  readonly qvbrQualityLevel: number;
}

/** The selector every audio output reads from. */
export const AUDIO_SELECTOR = "Audio Selector 1";
/** The HLS audio group shared by every rendition. */
export const HLS_AUDIO_GROUP = "program_audio";

/** The progressive MP4: 720p at 3 Mbps, CBR, as in the source design. */
export const MP4_RENDITION: Rendition = { width: 1280, height: 720, bitrate: 3_000_000 };
/** Thumbnails: a 720p JPEG every 5 seconds, at most 500. */
export const THUMBNAILS = {
  width: 1280,
  height: 720,
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
    ParControl: "INITIALIZE_FROM_SOURCE",
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
 * `encryption` it is the same ladder, encrypted (the FairPlay group).
 */
export function hlsGroup(
  destination: string,
  profile: EncodingProfile,
  options: { readonly name?: string; readonly encryption?: HlsEncryptionSettings } = {},
): OutputGroup {
  const outputs: Output[] = profile.ladder.map((rendition) => ({
    NameModifier: `_${rendition.height}`,
    ContainerSettings: { Container: "M3U8", M3u8Settings: {} },
    VideoDescription: videoDescription(rendition, profile),
    AudioDescriptions: [aacAudio()],
    OutputSettings: {
      HlsSettings: {
        SegmentModifier: "$dt$",
        AudioGroupId: HLS_AUDIO_GROUP,
        IFrameOnlyManifest: "EXCLUDE",
      },
    },
  }));
  return {
    Name: options.name ?? "HLS",
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
 * The DASH ISO group: one video-only output per ladder step and one audio-only
 * AAC output. Video and audio must be separate outputs: some Widevine players
 * fail on muxed, encrypted representations (PallyCon's MediaConvert guide).
 * Fragments end on the next key frame, so with the 90-frame GOP each is one GOP.
 */
export function dashIsoGroup(
  destination: string,
  profile: EncodingProfile,
  encryption?: DashIsoEncryptionSettings,
): OutputGroup {
  const video: Output[] = profile.ladder.map((rendition) => ({
    NameModifier: `_${rendition.height}`,
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

/** The progressive-download MP4: moov atom first, so playback starts before download ends. */
export function mp4Group(destination: string, profile: EncodingProfile): OutputGroup {
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
        VideoDescription: videoDescription(MP4_RENDITION, { ...profile, rateControl: "CBR" }),
        AudioDescriptions: [aacAudio()],
      },
    ],
  };
}

/** JPEG frame captures for posters and scrubbing previews. */
export function thumbnailGroup(destination: string): OutputGroup {
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
          Width: THUMBNAILS.width,
          Height: THUMBNAILS.height,
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

/** The file input: first audio track by default, embedded timecode. */
export function fileInput(inputUrl: string): Input {
  return {
    FileInput: inputUrl,
    AudioSelectors: {
      [AUDIO_SELECTOR]: { DefaultSelection: "DEFAULT", Offset: 0, ProgramSelection: 1 },
    },
    VideoSelector: {},
    TimecodeSource: "EMBEDDED",
  };
}

/**
 * The whole job for one upload, written under `s3://<bucket>/<prefix>/`. No canned
 * ACL: the output bucket enforces object ownership and rejects ACLs.
 *
 * - Without DRM: the HLS ladder, the MP4 and the thumbnails.
 * - With DRM: the thumbnails (posters), the DASH group (Widevine + PlayReady) and
 *   the FairPlay HLS group. The clear HLS and MP4 are unencrypted copies of the
 *   content, so they are written only when `drm.keepClearOutputs` says so.
 */
export function buildJobSettings(
  inputUrl: string,
  outputBucket: string,
  prefix: string,
  profile: EncodingProfile,
  drm?: DrmJobOptions,
): JobSettings {
  const destination = (path: string) => `s3://${outputBucket}/${prefix}/${path}`;
  const clear = drm === undefined || drm.keepClearOutputs;
  return {
    TimecodeConfig: { Source: "ZEROBASED" },
    Inputs: [fileInput(inputUrl)],
    OutputGroups: [
      ...(clear
        ? [
            hlsGroup(destination(OUTPUT_LAYOUT.hls), profile),
            mp4Group(destination(OUTPUT_LAYOUT.mp4), profile),
          ]
        : []),
      thumbnailGroup(destination(OUTPUT_LAYOUT.thumbnails)),
      ...(drm
        ? [
            dashIsoGroup(destination(OUTPUT_LAYOUT.dash), profile, dashIsoEncryption(drm)),
            hlsGroup(destination(OUTPUT_LAYOUT.hlsFairPlay), profile, {
              name: "HLS FairPlay",
              encryption: fairPlayHlsEncryption(drm),
            }),
          ]
        : []),
    ],
  };
}
