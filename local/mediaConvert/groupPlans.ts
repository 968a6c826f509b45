/**
 * The plan of each output group type from its checked outputs: which ffmpeg and Shaka
 * Packager runs write it (see `./groupSteps`), the files each output reports and the
 * group's main manifests. Pure.
 */
import { nominalBitrate, Rotate } from "./encodeArgs";
import { ffmpegStep, hlsMuxer, packagerArgs, streamDescriptor } from "./groupSteps";
import type { PlannedEncryption, PlannedGroup, PlannedOutput } from "./plan";
import { UnsupportedSettingError } from "./rules";

type Json = Record<string, any>;

export interface GroupContext {
  readonly g: number;
  readonly dt: string;
  readonly inputFile: string;
  readonly rotate: Rotate | undefined;
  readonly groupSettings: Json;
  readonly destination: { base: string };
  readonly encryption?: PlannedEncryption;
}
/** An output's checked settings, and the output as the job carries it (container settings). */
export interface OutputDraft extends Omit<PlannedOutput, "report" | "probeFile"> {
  readonly raw: Json;
}
/** The planned output, without the wire form. */
const planned = (
  { nameModifier, video, audio }: OutputDraft,
  report: PlannedOutput["report"],
  probeFile: string,
): PlannedOutput => ({ nameModifier, video, audio, report, probeFile });
export type GroupParts = Pick<PlannedGroup, "outputs" | "playlists" | "hlsMain" | "steps">;

const hlsSegments = (name: string, settings: Json | undefined, dt: string, number: string) => {
  const modifier: string | undefined = settings?.segmentModifier;
  const stamp = modifier === "$dt$" ? `_${dt}` : (modifier ?? "");
  return `${name}${stamp}_${number}.ts`;
};

/** HLS: clear renditions straight from ffmpeg, or FairPlay SAMPLE-AES through Shaka. */
export function planHls(drafts: OutputDraft[], c: GroupContext, where: string): GroupParts {
  const settings = c.groupSettings;
  const out = `out/${c.g}/`;
  const names = drafts.map((d) => `${c.destination.base}${d.nameModifier}`);
  const hlsSettings = (o: number): Json | undefined => drafts[o].raw.outputSettings?.hlsSettings;
  drafts.forEach((draft, o) => {
    if (!draft.video) {
      throw new UnsupportedSettingError(
        `${where}.outputs[${o}]`,
        "audio-only HLS outputs (audio rendition groups) are not packaged locally",
      );
    }
  });
  const outputs = drafts.map((draft, o) =>
    planned(
      draft,
      { kind: "file", file: `${names[o]}.m3u8` },
      c.encryption ? `tmp/${c.g}/${o}.mp4` : `${out}${names[o]}.m3u8`,
    ),
  );
  const main = `${c.destination.base}.m3u8`;
  const segmentSeconds: number = settings.segmentLength ?? 10;
  if (!c.encryption) {
    const step = ffmpegStep(
      c.inputFile,
      c.rotate,
      outputs.map((output, o) => ({
        output,
        muxer: hlsMuxer({
          segmentSeconds,
          segmentPattern: `${out}${hlsSegments(names[o], hlsSettings(o), c.dt, "%05d")}`,
          integerDurations: settings.manifestDurationFormat !== "FLOATING_POINT",
        }),
        file: `${out}${names[o]}.m3u8`,
      })),
    );
    return {
      outputs,
      playlists: [main],
      hlsMain: {
        file: main,
        resolution: settings.streamInfResolution !== "EXCLUDE",
        variants: outputs.map((output, o) => ({
          playlist: `${names[o]}.m3u8`,
          output: o,
          bandwidth: nominalBitrate(output.video, output.audio),
        })),
      },
      steps: [step],
    };
  }
  // Shaka writes one stream per TS rendition: the audio becomes a rendition group.
  const audioFrom = outputs.findIndex((output) => output.audio);
  const audioGroup: string = hlsSettings(audioFrom)?.audioGroupId ?? "program_audio";
  const encode = ffmpegStep(
    c.inputFile,
    c.rotate,
    outputs.map((output, o) => ({ output, muxer: ["-f", "mp4"], file: `tmp/${c.g}/${o}.mp4` })),
  );
  const streams = outputs.map((_, o) =>
    streamDescriptor({
      in: `tmp/${c.g}/${o}.mp4`,
      stream: "video",
      segment_template: `${out}${hlsSegments(names[o], hlsSettings(o), c.dt, "$Number%05d$")}`,
      playlist_name: `${names[o]}.m3u8`,
    }),
  );
  if (audioFrom >= 0) {
    const name = `${c.destination.base}_audio`;
    streams.push(
      streamDescriptor({
        in: `tmp/${c.g}/${audioFrom}.mp4`,
        stream: "audio",
        segment_template: `${out}${hlsSegments(name, hlsSettings(audioFrom), c.dt, "$Number%05d$")}`,
        playlist_name: `${name}.m3u8`,
        hls_group_id: audioGroup,
        hls_name: "audio",
      }),
    );
  }
  const pack = packagerArgs({ streams, segmentSeconds, hlsMain: `${out}${main}` });
  return { outputs, playlists: [main], steps: [encode, { tool: "packager", args: pack }] };
}

/** DASH ISO and CMAF: each single-track output encoded to MP4, then packaged by Shaka. */
export function planPackaged(drafts: OutputDraft[], c: GroupContext): GroupParts {
  const settings = c.groupSettings;
  const out = `out/${c.g}/`;
  const cmaf = settings.writeHlsManifest !== undefined || settings.writeDashManifest !== undefined;
  const dash = !cmaf || settings.writeDashManifest !== "DISABLED";
  const hls = cmaf && settings.writeHlsManifest !== "DISABLED";
  const outputs = drafts.map((draft, o) => planned(draft, { kind: "none" }, `tmp/${c.g}/${o}.mp4`));
  const encode = ffmpegStep(
    c.inputFile,
    c.rotate,
    outputs.map((output, o) => ({ output, muxer: ["-f", "mp4"], file: `tmp/${c.g}/${o}.mp4` })),
  );
  const streams = outputs.map((output, o) => {
    const name = `${c.destination.base}${output.nameModifier}`;
    const audioGroup: string =
      drafts[o].raw.containerSettings.cmfcSettings?.audioGroupId ?? "program_audio";
    return streamDescriptor({
      in: `tmp/${c.g}/${o}.mp4`,
      stream: output.video ? "video" : "audio",
      init_segment: `${out}${name}_init.mp4`,
      segment_template: `${out}${name}_$Number%09d$.mp4`,
      playlist_name: hls ? `${name}.m3u8` : undefined,
      hls_group_id: hls && !output.video ? audioGroup : undefined,
      hls_name: hls && !output.video ? audioGroup : undefined,
    });
  });
  const mpd = dash ? `${c.destination.base}.mpd` : undefined;
  const m3u8 = hls ? `${c.destination.base}.m3u8` : undefined;
  const pack = packagerArgs({
    streams,
    segmentSeconds: settings.segmentLength ?? 30,
    fragmentSeconds: settings.fragmentLength ?? 2,
    mpd: mpd && `${out}${mpd}`,
    hlsMain: m3u8 && `${out}${m3u8}`,
  });
  return {
    outputs,
    playlists: [m3u8, mpd].filter((p): p is string => p !== undefined),
    steps: [encode, { tool: "packager", args: pack }],
  };
}

/** File group: MP4 files and JPEG frame captures, in one ffmpeg run. */
export function planFiles(drafts: OutputDraft[], c: GroupContext): GroupParts {
  const out = `out/${c.g}/`;
  const entries = drafts.map((draft) => {
    const name = `${c.destination.base}${draft.nameModifier}`;
    if (draft.video?.codecSettings.codec === "FRAME_CAPTURE") {
      const output = planned(
        draft,
        { kind: "lastFrame", prefix: `${name}.` },
        `${out}${name}.0000000.jpg`,
      );
      return {
        output,
        muxer: ["-start_number", "0", "-f", "image2"],
        file: `${out}${name}.%07d.jpg`,
      };
    }
    const output = planned(draft, { kind: "file", file: `${name}.mp4` }, `${out}${name}.mp4`);
    const faststart =
      draft.raw.containerSettings.mp4Settings?.moovPlacement === "PROGRESSIVE_DOWNLOAD";
    return {
      output,
      muxer: [...(faststart ? ["-movflags", "+faststart"] : []), "-f", "mp4"],
      file: `${out}${name}.mp4`,
    };
  });
  return {
    outputs: entries.map((e) => e.output),
    playlists: [],
    steps: [ffmpegStep(c.inputFile, c.rotate, entries)],
  };
}
