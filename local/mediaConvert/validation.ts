/**
 * What CreateJob checks before it accepts a job, shared by the test fake and the local
 * stand-in: the user metadata rules, the CMAF group rules and the client request token
 * window. Pure.
 */
/** A CreateJob request body as it arrives on the wire (REST-JSON, camelCase). */
export type CreateJobBody = Record<string, any>;

/**
 * How long MediaConvert honours a client request token: "If you reuse a client request
 * token within one minute of a successful request, the API returns the job details of
 * the original request instead" (MediaConvert API Reference, "Preventing duplicate
 * jobs", https://docs.aws.amazon.com/mediaconvert/latest/apireference/idempotency.html).
 */
export const TOKEN_WINDOW_MS = 60_000;

/**
 * CreateJob's idempotency: the latest job made with each client request token, which a
 * request with the same token gets back for {@link TOKEN_WINDOW_MS} after it was made;
 * after that, the token makes another job.
 */
export class JobsByToken<J extends { readonly createdAt: number }> {
  private readonly latest = new Map<string, J>();

  /** The job a request with `token` at `at` (epoch ms) gets back, if any. */
  current(token: string, at: number): J | undefined {
    const job = this.latest.get(token);
    return job && at - job.createdAt < TOKEN_WINDOW_MS ? job : undefined;
  }

  record(token: string, job: J): void {
    this.latest.set(token, job);
  }
}

/**
 * MediaConvert's rules on a job's user metadata, as the user guide's "job tag
 * restrictions" state them: at most 10 pairs; a key of 1-128 and a value of at most 256
 * Unicode characters; each of "uppercase and lowercase Unicode letters in any language,
 * numbers, space, and the following characters: _ . : / = + - and @"
 * (https://docs.aws.amazon.com/mediaconvert/latest/ug/user-metadata-tags.html).
 * CreateJob refuses a job that breaks them with 400 BadRequestException; undefined when
 * the metadata keeps them.
 */
export function userMetadataViolation(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== "object" || metadata === null) return "userMetadata must be a map";
  const entries = Object.entries(metadata);
  if (entries.length > 10) return `userMetadata has ${entries.length} pairs; at most 10`;
  const allowed = /^[\p{L}\p{N} _.:/=+\-@]*$/u;
  for (const [key, value] of entries) {
    const keyLength = [...key].length;
    if (keyLength < 1 || keyLength > 128 || !allowed.test(key)) {
      return `userMetadata key ${JSON.stringify(key)} is invalid`;
    }
    if (typeof value !== "string" || [...value].length > 256 || !allowed.test(value)) {
      return `userMetadata value of ${JSON.stringify(key)} is invalid`;
    }
  }
  return undefined;
}

/** The fields of each SPEKE provider shape, as the wire (REST-JSON, camelCase) names them. */
const SPEKE_FIELDS = {
  // SpekeKeyProvider: HLS, DASH ISO and Smooth groups.
  groups: ["certificateArn", "encryptionContractConfiguration", "resourceId", "systemIds", "url"],
  // SpekeKeyProviderCmaf: CMAF groups.
  cmaf: [
    "certificateArn",
    "dashSignaledSystemIds",
    "encryptionContractConfiguration",
    "hlsSignaledSystemIds",
    "resourceId",
    "url",
  ],
};

/**
 * MediaConvert's rules on a CMAF output group that the convert function's jobs rely on,
 * or undefined when the settings keep them (CreateJob refuses the job with 400
 * BadRequestException otherwise):
 * - its `encryption.spekeKeyProvider` is the `SpekeKeyProviderCmaf` shape: the
 *   HLS/DASH groups' `systemIds` is an unexpected key there (aws/aws-sdk-js#2892), and
 *   the other groups refuse the CMAF shape's fields likewise (API Reference, "jobs":
 *   https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-model-spekekeyprovidercmaf);
 * - it signals one to three system ids in the DASH manifest and one in the HLS manifest
 *   (user guide, "SPEKE encryption parameters":
 *   https://docs.aws.amazon.com/mediaconvert/latest/ug/speke-encryption-parameters.html);
 * - each of its outputs holds a single track, video or audio, in the `CMFC` container
 *   ("Each output in a CMAF Output Group may only contain a single video, audio, or
 *   caption output": API Reference, CmafGroupSettings).
 */
export function cmafViolation(settings: CreateJobBody | undefined): string | undefined {
  const groups: CreateJobBody[] = settings?.outputGroups ?? [];
  for (const [index, group] of groups.entries()) {
    const where = `settings.outputGroups[${index}]`;
    const type = group.outputGroupSettings?.type;
    for (const [key, groupSettings] of Object.entries<CreateJobBody>(
      group.outputGroupSettings ?? {},
    )) {
      const provider = groupSettings?.encryption?.spekeKeyProvider;
      if (key === "type" || !provider) continue;
      const allowed = key === "cmafGroupSettings" ? SPEKE_FIELDS.cmaf : SPEKE_FIELDS.groups;
      const unexpected = Object.keys(provider).find((field) => !allowed.includes(field));
      if (unexpected) {
        return `Unexpected key '${unexpected}' found in ${where}.outputGroupSettings.${key}.encryption.spekeKeyProvider`;
      }
    }
    if (type !== "CMAF_GROUP_SETTINGS") continue;
    const provider = group.outputGroupSettings?.cmafGroupSettings?.encryption?.spekeKeyProvider;
    if (provider) {
      const dash: unknown[] = provider.dashSignaledSystemIds ?? [];
      const hls: unknown[] = provider.hlsSignaledSystemIds ?? [];
      if (dash.length < 1 || dash.length > 3) {
        return `${where}: a CMAF group signals 1 to 3 system ids in DASH, not ${dash.length}`;
      }
      if (hls.length !== 1) {
        return `${where}: a CMAF group signals 1 system id in HLS, not ${hls.length}`;
      }
    }
    for (const [o, output] of (group.outputs ?? []).entries()) {
      const tracks =
        (output.videoDescription ? 1 : 0) +
        (output.audioDescriptions?.length ?? 0) +
        (output.captionDescriptions?.length ?? 0);
      if (tracks !== 1 || output.containerSettings?.container !== "CMFC") {
        return `${where}.outputs[${o}]: a CMAF output holds one video, audio or caption track, in CMFC`;
      }
    }
  }
  return undefined;
}
