/**
 * The job's output groups, each a typed builder: HLS, DASH ISO and CMAF for streaming,
 * the MP4 file and the thumbnail frame captures. Encryption, when DRM is on, is passed in
 * by the caller (see `./drmGroups`).
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 */
import type {
  CmafEncryptionSettings,
  ContainerSettings,
  DashIsoEncryptionSettings,
  HlsEncryptionSettings,
  Output,
  OutputGroup,
  VideoDescription,
} from "@aws-sdk/client-mediaconvert";
import { Rendition, renditionName } from "../../shared/ladder";
import { MP4_RENDITION, THUMBNAIL_SIZE } from "../../shared/ladderFit";
import {
  aacAudio,
  automatedAbrVideo,
  automatedEncodingSettings,
  EncodingProfile,
  videoDescription,
} from "./encoding";

/** The HLS audio group shared by every rendition. */
export const HLS_AUDIO_GROUP = "program_audio";

/** Thumbnails: a JPEG every 5 seconds, at most 500 (sized by `shared/ladderFit.ts`). */
export const THUMBNAILS = {
  framerateNumerator: 1,
  framerateDenominator: 5,
  maxCaptures: 500,
  quality: 80,
} as const;

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
