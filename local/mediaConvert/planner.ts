/**
 * Plans a job: checks every setting against `./settingsTable`, then turns the output
 * groups into ffmpeg and Shaka Packager runs (see `./groupSteps`) and the files each
 * writes. Pure: the runner (`./runner`) executes the plan.
 */
import { DRM_SYSTEM_IDS } from "../../shared/drm";
import type { AudioWire, Rotate, VideoWire } from "./encodeArgs";
import { dateTimeModifier } from "./groupSteps";
import { OutputDraft, planFiles, planHls, planPackaged } from "./groupPlans";
import type { GroupDetailType, JobPlan, PlannedEncryption, PlannedGroup } from "./plan";
import { checkRule, UnsupportedSettingError } from "./rules";
import { GROUP_TYPES, GroupType, JOB_SETTINGS } from "./settingsTable";

export { UnsupportedSettingError } from "./rules";

export interface PlanOptions {
  /** The job's start, epoch ms: MediaConvert's `$dt$`. @default Date.now() */
  readonly startedAt?: number;
  /** Take `http://` key server URLs (MediaConvert takes https only): tests only. @default false */
  readonly allowHttpKeyServer?: boolean;
}

type Json = Record<string, any>;

const DETAIL_TYPES: Record<GroupType, GroupDetailType> = {
  HLS_GROUP_SETTINGS: "HLS_GROUP",
  DASH_ISO_GROUP_SETTINGS: "DASH_ISO_GROUP",
  CMAF_GROUP_SETTINGS: "CMAF_GROUP",
  FILE_GROUP_SETTINGS: "FILE_GROUP",
};

export const FAIRPLAY_WARNING =
  "FairPlay HLS is packaged as SAMPLE-AES with an skd:// key URI: it plays in Safari with a FairPlay license only, not locally";

/** `s3://bucket/folder/base` → its parts; a destination ending in `/` takes the input's name. */
function splitDestination(url: string, inputKey: string) {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(url)!;
  const cut = key.lastIndexOf("/") + 1;
  const base =
    key.slice(cut) ||
    inputKey
      .split("/")
      .pop()!
      .replace(/\.[^.]*$/, "");
  return { bucket, folder: key.slice(0, cut), base };
}

/** Plans `settings` (wire form); throws {@link UnsupportedSettingError} naming the setting it cannot honour. */
export function planJob(settings: unknown, options: PlanOptions = {}): JobPlan {
  checkRule(settings, JOB_SETTINGS, "settings");
  const job = settings as Json;
  const input: Json = job.inputs[0];
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(input.fileInput)!;
  const rotate: Rotate | undefined = input.videoSelector?.rotate;
  const selectors = Object.keys(input.audioSelectors ?? {});
  const extension = /\.[A-Za-z0-9]{1,8}$/.exec(key)?.[0] ?? "";
  const inputFile = `input/source${extension}`;
  const dt = dateTimeModifier(options.startedAt ?? Date.now());
  const warnings = new Set<string>();

  const groups = (job.outputGroups as Json[]).map((group, g): PlannedGroup => {
    const where = `settings.outputGroups[${g}]`;
    const type = group.outputGroupSettings.type as GroupType;
    const groupSettings: Json = group.outputGroupSettings[GROUP_TYPES[type].key];
    const destination = splitDestination(groupSettings.destination, key);
    const outputs = (group.outputs as Json[]).map((output, o) =>
      checkOutput(output, `${where}.outputs[${o}]`, type, selectors),
    );
    const modifiers = new Set<string>();
    outputs.forEach((output, o) => {
      if (modifiers.has(output.nameModifier)) {
        throw new UnsupportedSettingError(
          `${where}.outputs[${o}].nameModifier`,
          "two outputs of a group write the same files",
        );
      }
      modifiers.add(output.nameModifier);
    });
    const encryption = plannedEncryption(
      groupSettings.encryption,
      type,
      `${where}.outputGroupSettings.${GROUP_TYPES[type].key}.encryption`,
      options,
    );
    if (encryption?.fairPlay) warnings.add(FAIRPLAY_WARNING);
    const context = { g, dt, inputFile, rotate, groupSettings, destination, encryption };
    const planned = {
      HLS_GROUP_SETTINGS: planHls,
      DASH_ISO_GROUP_SETTINGS: planPackaged,
      CMAF_GROUP_SETTINGS: planPackaged,
      FILE_GROUP_SETTINGS: planFiles,
    }[type](outputs, context, where);
    return { type: DETAIL_TYPES[type], ...destination, encryption, ...planned };
  });
  return { input: { bucket, key, file: inputFile, rotate }, groups, warnings: [...warnings] };
}

/** The rules that span settings: codec and container, audio selector names, rate control. */
function checkOutput(
  output: Json,
  where: string,
  type: GroupType,
  selectors: string[],
): OutputDraft {
  const video: VideoWire | undefined = output.videoDescription;
  const audios: AudioWire[] = output.audioDescriptions ?? [];
  const container: string = output.containerSettings.container;
  const refuse = (path: string, why: string): never => {
    throw new UnsupportedSettingError(`${where}${path}`, why);
  };
  if (!video && audios.length === 0) refuse("", "an output with neither video nor audio");
  const codec = video?.codecSettings.codec;
  if (codec === "FRAME_CAPTURE") {
    if (container !== "RAW") refuse(".containerSettings.container", "frame captures go in RAW");
    if (!video!.codecSettings.frameCaptureSettings) {
      refuse(".videoDescription.codecSettings.frameCaptureSettings", "required, and missing");
    }
    if (audios.length) refuse(".audioDescriptions", "frame captures carry no audio");
  } else if (container === "RAW") {
    refuse(".containerSettings.container", "RAW holds frame captures only");
  }
  if (codec === "H_264") {
    const h264 = video!.codecSettings.h264Settings;
    const at = ".videoDescription.codecSettings.h264Settings";
    if (!h264) refuse(at, "required, and missing");
    if (h264!.rateControlMode !== "QVBR" && h264!.bitrate === undefined) {
      refuse(`${at}.bitrate`, `required with ${h264!.rateControlMode}, and missing`);
    }
    if (h264!.rateControlMode === "QVBR" && h264!.maxBitrate === undefined) {
      refuse(`${at}.maxBitrate`, "required with QVBR, and missing");
    }
  }
  audios.forEach((audio, a) => {
    const name = audio.audioSourceName ?? "Audio Selector 1";
    if (selectors.length > 0 && !selectors.includes(name)) {
      refuse(
        `.audioDescriptions[${a}].audioSourceName`,
        `no audio selector named ${JSON.stringify(name)}`,
      );
    }
  });
  if (
    (type === "DASH_ISO_GROUP_SETTINGS" || type === "CMAF_GROUP_SETTINGS") &&
    video &&
    audios.length
  ) {
    refuse("", "a DASH or CMAF output holds one track, video or audio");
  }
  return { nameModifier: output.nameModifier ?? "", video, audio: audios[0], raw: output };
}

/** The group's encryption, checked against what the local packaging does. */
function plannedEncryption(
  encryption: Json | undefined,
  type: GroupType,
  where: string,
  options: PlanOptions,
): PlannedEncryption | undefined {
  if (!encryption) return undefined;
  const provider: Json = encryption.spekeKeyProvider;
  if (!options.allowHttpKeyServer && !provider.url.startsWith("https://")) {
    throw new UnsupportedSettingError(
      `${where}.spekeKeyProvider.url`,
      "MediaConvert takes https URLs only",
    );
  }
  const cmaf = type === "CMAF_GROUP_SETTINGS";
  const systemIds: string[] = cmaf
    ? [...provider.dashSignaledSystemIds, ...provider.hlsSignaledSystemIds]
    : provider.systemIds;
  const key = {
    resourceId: provider.resourceId,
    url: provider.url,
    systemIds: [...new Set(systemIds)],
  };
  if (type === "HLS_GROUP_SETTINGS") {
    if (systemIds.length !== 1 || systemIds[0] !== DRM_SYSTEM_IDS.FairPlay) {
      throw new UnsupportedSettingError(
        `${where}.spekeKeyProvider.systemIds`,
        "SAMPLE-AES HLS is packaged for FairPlay only",
      );
    }
    return { key, scheme: "cbcs", fairPlay: true };
  }
  if (type === "DASH_ISO_GROUP_SETTINGS") {
    if (systemIds.length > 2) {
      throw new UnsupportedSettingError(
        `${where}.spekeKeyProvider.systemIds`,
        "a DASH group takes at most 2 system ids",
      );
    }
    return { key, scheme: "cenc", fairPlay: false };
  }
  const scheme = encryption.encryptionMethod === "AES_CTR" ? "cenc" : "cbcs";
  return { key, scheme, fairPlay: provider.hlsSignaledSystemIds.includes(DRM_SYSTEM_IDS.FairPlay) };
}
