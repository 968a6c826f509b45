/**
 * Every job setting the local stand-in takes, in MediaConvert's wire names (REST-JSON,
 * camelCase), each either executed (mapped to ffmpeg or Shaka Packager in `./encodeArgs`
 * and `./planner`) or accepted with no local effect, with the reason. Anything else is
 * refused (see `./rules`). Enum values and ranges are MediaConvert's, cut to what the
 * stand-in does.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 */
import {
  executed,
  integer,
  list,
  map,
  noLocalEffect,
  object,
  oneOf,
  required,
  Rule,
  text,
  variant,
} from "./rules";
import { audioDescription, videoDescription } from "./codecTable";

const S3_URL = text(/^s3:\/\/[^/]+\/.+/, "an s3://bucket/key URL");
const S3_DESTINATION = text(/^s3:\/\/[^/]+\/.*/, "an s3://bucket/prefix URL");
const SYSTEM_ID = text(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, "a UUID");
// https, or http where the stand-in is told to allow it (see `./planner`).
const KEY_SERVER_URL = text(/^https?:\/\//, "an https URL");
const UINT = integer(0, 2_147_483_647);

// Write-only labels: they name things in the console and in events, not in the media.
const LABEL = "a label; it changes nothing in the media";

const audioSelector = object({
  defaultSelection: noLocalEffect(
    "every selector reads the input's first audio track here, the default one",
    oneOf("DEFAULT", "NOT_DEFAULT"),
  ),
  // Offsets would shift the audio: only none is taken.
  offset: noLocalEffect("only an offset of 0 is taken", integer(0, 0)),
  programSelection: noLocalEffect(
    "files have one program; its first audio track is read",
    integer(1, 1),
  ),
});

const input = object({
  fileInput: required(S3_URL),
  audioSelectors: executed(map(audioSelector)),
  videoSelector: executed(
    object({
      rotate: executed(oneOf("AUTO", "DEGREE_0", "DEGREES_90", "DEGREES_180", "DEGREES_270")),
    }),
  ),
  timecodeSource: noLocalEffect(
    "no output carries a timecode track",
    oneOf("EMBEDDED", "ZEROBASED", "SPECIFIEDSTART"),
  ),
});

const spekeKeyProvider = object({
  resourceId: required(text()),
  systemIds: required(list(SYSTEM_ID, 1, 3)),
  url: required(KEY_SERVER_URL),
});

const spekeKeyProviderCmaf = object({
  resourceId: required(text()),
  dashSignaledSystemIds: required(list(SYSTEM_ID, 1, 3)),
  hlsSignaledSystemIds: required(list(SYSTEM_ID, 1, 1)),
  url: required(KEY_SERVER_URL),
});

const IV_IN_MANIFEST = noLocalEffect(
  "Shaka Packager writes no IV in FairPlay key tags; FairPlay players take it from the key server",
  oneOf("INCLUDE", "EXCLUDE"),
);
const MANIFEST_LABEL = noLocalEffect(
  "the manifests name codecs in RFC 6381 form, which RFC 4281 players read",
  oneOf("RFC_4281", "RFC_6381"),
);
const CLIENT_CACHE = noLocalEffect(
  "EXT-X-ALLOW-CACHE is gone from HLS (RFC 8216); players ignore it",
  oneOf("ENABLED", "DISABLED"),
);
const MPD_PROFILE = noLocalEffect(
  "Shaka writes a static MPD of segment templates, which main-profile players read",
  oneOf("MAIN_PROFILE"),
);

const hlsGroupSettings = object({
  destination: required(S3_DESTINATION),
  segmentLength: executed(integer(1, 2_147_483_647)),
  minSegmentLength: noLocalEffect(
    "ffmpeg and Shaka cut at the first key frame after the segment length, so no segment but the last is shorter",
    UINT,
  ),
  directoryStructure: executed(oneOf("SINGLE_DIRECTORY")),
  codecSpecification: MANIFEST_LABEL,
  streamInfResolution: executed(oneOf("INCLUDE", "EXCLUDE")),
  manifestDurationFormat: executed(oneOf("INTEGER", "FLOATING_POINT")),
  outputSelection: executed(oneOf("MANIFESTS_AND_SEGMENTS")),
  segmentControl: executed(oneOf("SEGMENTED_FILES")),
  clientCache: CLIENT_CACHE,
  programDateTime: executed(oneOf("EXCLUDE")),
  encryption: executed(
    object({
      type: required(oneOf("SPEKE")),
      encryptionMethod: required(oneOf("SAMPLE_AES")),
      initializationVectorInManifest: IV_IN_MANIFEST,
      spekeKeyProvider: required(spekeKeyProvider),
    }),
  ),
});

const dashIsoGroupSettings = object({
  destination: required(S3_DESTINATION),
  segmentLength: executed(integer(1, 2_147_483_647)),
  fragmentLength: executed(integer(1, 2_147_483_647)),
  segmentControl: executed(oneOf("SEGMENTED_FILES")),
  mpdProfile: MPD_PROFILE,
  hbbtvCompliance: noLocalEffect("no HbbTV signalling is asked for", oneOf("NONE")),
  encryption: executed(
    object({
      playbackDeviceCompatibility: executed(oneOf("CENC_V1")),
      spekeKeyProvider: required(spekeKeyProvider),
    }),
  ),
});

const cmafGroupSettings = object({
  destination: required(S3_DESTINATION),
  segmentLength: executed(integer(1, 2_147_483_647)),
  fragmentLength: executed(integer(1, 2_147_483_647)),
  segmentControl: executed(oneOf("SEGMENTED_FILES")),
  writeDashManifest: executed(oneOf("ENABLED", "DISABLED")),
  writeHlsManifest: executed(oneOf("ENABLED", "DISABLED")),
  mpdProfile: MPD_PROFILE,
  codecSpecification: MANIFEST_LABEL,
  streamInfResolution: noLocalEffect(
    "Shaka always writes RESOLUTION, as INCLUDE asks",
    oneOf("INCLUDE"),
  ),
  manifestDurationFormat: noLocalEffect(
    "Shaka writes EXTINF durations with decimals, which every player reads",
    oneOf("INTEGER", "FLOATING_POINT"),
  ),
  clientCache: CLIENT_CACHE,
  encryption: executed(
    object({
      type: required(oneOf("SPEKE")),
      encryptionMethod: required(oneOf("SAMPLE_AES", "AES_CTR")),
      initializationVectorInManifest: IV_IN_MANIFEST,
      spekeKeyProvider: required(spekeKeyProviderCmaf),
    }),
  ),
});

const hlsOutputSettings = object({
  hlsSettings: executed(
    object({
      segmentModifier: executed(text(/^(\$dt\$|[^$]*)$/, "$dt$ or a literal")),
      // The rendition group of the audio where the packaging splits it out (FairPlay).
      audioGroupId: executed(text()),
      iFrameOnlyManifest: executed(oneOf("EXCLUDE")),
    }),
  ),
});

const output = (containers: Rule, withOutputSettings: boolean, codecs: string[]) =>
  object({
    nameModifier: executed(text(/^[^/$]*$/, "no / or $")),
    containerSettings: required(containers),
    videoDescription: executed(videoDescription(codecs)),
    audioDescriptions: executed(list(audioDescription, 0, 1)),
    ...(withOutputSettings ? { outputSettings: executed(hlsOutputSettings) } : {}),
  });

const hlsOutput = output(
  object({ container: required(oneOf("M3U8")), m3u8Settings: executed(object({})) }),
  true,
  ["H_264"],
);
const dashOutput = output(object({ container: required(oneOf("MPD")) }), false, ["H_264"]);
const cmafOutput = output(
  object({
    container: required(oneOf("CMFC")),
    cmfcSettings: executed(
      object({
        audioRenditionSets: executed(text()),
        audioGroupId: executed(text()),
        audioTrackType: noLocalEffect(
          "Shaka marks every audio rendition AUTOSELECT=YES, which alternate-audio players need",
          oneOf("ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT", "ALTERNATE_AUDIO_AUTO_SELECT"),
        ),
      }),
    ),
  }),
  false,
  ["H_264"],
);
const fileOutput = output(
  object({
    container: required(oneOf("MP4", "RAW")),
    mp4Settings: executed(
      object({
        moovPlacement: executed(oneOf("PROGRESSIVE_DOWNLOAD", "NORMAL")),
        cslgAtom: noLocalEffect("players do not need the cslg box", oneOf("INCLUDE", "EXCLUDE")),
        freeSpaceBox: noLocalEffect("ffmpeg writes no free-space box", oneOf("EXCLUDE")),
      }),
    ),
  }),
  false,
  ["H_264", "FRAME_CAPTURE"],
);

/** Each output group type: the key of its settings, their rule and its outputs' rule. */
export const GROUP_TYPES = {
  HLS_GROUP_SETTINGS: { key: "hlsGroupSettings", settings: hlsGroupSettings, output: hlsOutput },
  DASH_ISO_GROUP_SETTINGS: {
    key: "dashIsoGroupSettings",
    settings: dashIsoGroupSettings,
    output: dashOutput,
  },
  CMAF_GROUP_SETTINGS: {
    key: "cmafGroupSettings",
    settings: cmafGroupSettings,
    output: cmafOutput,
  },
  FILE_GROUP_SETTINGS: {
    key: "fileGroupSettings",
    settings: object({ destination: required(S3_DESTINATION) }),
    output: fileOutput,
  },
} as const;
export type GroupType = keyof typeof GROUP_TYPES;

/** An output group, by its type: only that type's settings key, and its outputs. */
const outputGroup = variant((group) => {
  const type = (group as { outputGroupSettings?: { type?: unknown } })?.outputGroupSettings?.type;
  const known = typeof type === "string" && Object.hasOwn(GROUP_TYPES, type);
  const spec = known ? GROUP_TYPES[type as GroupType] : undefined;
  return object({
    name: noLocalEffect(LABEL, text()),
    outputGroupSettings: required(
      object({
        type: required(oneOf(...Object.keys(GROUP_TYPES))),
        ...(spec ? { [spec.key]: required(spec.settings) } : {}),
      }),
    ),
    outputs: required(list(spec?.output ?? object({}), 1)),
  });
});

/** A job's `settings`. */
export const JOB_SETTINGS: Rule = object({
  timecodeConfig: noLocalEffect(
    "no output carries a timecode track",
    object({ source: executed(oneOf("ZEROBASED", "EMBEDDED", "SPECIFIEDSTART")) }),
  ),
  inputs: required(list(input, 1, 1)),
  outputGroups: required(list(outputGroup, 1)),
});

/** CreateJob's other fields. */
export const CREATE_JOB: Rule = object({
  role: required(text(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/, "an IAM role ARN")),
  settings: required(JOB_SETTINGS),
  queue: noLocalEffect("one local queue runs every job, one at a time", text()),
  userMetadata: executed(map(text())),
  clientRequestToken: executed(text()),
  priority: noLocalEffect("one local queue runs jobs in arrival order", integer(-50, 50)),
  accelerationSettings: noLocalEffect(
    "ffmpeg's speed is the machine's",
    object({ mode: executed(oneOf("DISABLED", "ENABLED", "PREFERRED")) }),
  ),
  statusUpdateInterval: executed(
    oneOf(
      ...[10, 12, 15, 20, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600].map(
        (s) => `SECONDS_${s}`,
      ),
    ),
  ),
  billingTagsSource: noLocalEffect(
    "nothing is billed locally",
    oneOf("QUEUE", "PRESET", "JOB_TEMPLATE", "JOB"),
  ),
  simulateReservedQueue: noLocalEffect("one local queue", oneOf("DISABLED", "ENABLED")),
  tags: noLocalEffect("nothing is tagged locally", map(text())),
});
