/**
 * The MediaConvert job's settings, from the typed builders: the input, the HLS ladder,
 * the MP4 and the thumbnails, which reproduce the source design's `job.json`, and, when
 * DRM is on, the encrypted DASH and FairPlay HLS groups over the same ladder, or one
 * encrypted CMAF group in their place (`cmaf` packaging). The groups are built in
 * `./outputGroups`, their encoding in `./encoding`.
 *
 * With the source's facts (see `./probe`), every video output is fitted to it (see
 * `shared/ladderFit.ts`); without them, the configured sizes are used as they stand.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 */
import type { Input, JobSettings, OutputGroup } from "@aws-sdk/client-mediaconvert";
import type { SourceFacts } from "../../shared/assetFile";
import { outputSizes } from "../../shared/ladderFit";
import { OUTPUT_LAYOUT } from "../../shared/outputLayout";
import {
  cmafEncryption,
  dashIsoEncryption,
  DrmJobOptions,
  fairPlayHlsEncryption,
} from "./drmGroups";
import { AUDIO_SELECTOR, EncodingProfile } from "./encoding";
import { cmafGroup, dashIsoGroup, hlsGroup, mp4Group, thumbnailGroup } from "./outputGroups";

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
