/** The encrypted live channel (`live*`): MediaPackage endpoints, keys through the gateway. */
import {
  DrmEndpointArgs,
  isValidLiveContentId,
  MAX_LIVE_CONTENT_ID_LENGTH,
  MINIMUM_KEY_ROTATION_INTERVAL_SECONDS,
} from "../components/drmEndpoint";
import { needsGateway } from "./kmsGateway";
import type { ConfigReader } from "./reader";

/** The live channel's settings, as {@link DrmEndpointArgs} takes them (less the gateway's). */
export interface LiveChannelConfig extends Omit<DrmEndpointArgs, "spekeUrl" | "executeApiArn"> {
  readonly contentId: string;
  readonly keyRotationIntervalSeconds: number;
  readonly cmaf: boolean;
  /** `<applicationName>-live`, as MediaPackage allows it. */
  readonly channelId: string;
}

/** Reads the live channel's settings, or undefined when `liveChannel` is off. */
export function readLiveChannel(
  r: ConfigReader,
  hasGateway: boolean,
  applicationName: string,
): LiveChannelConfig | undefined {
  const { check, flag, number, text } = r;
  if (!flag("liveChannel")) return undefined;
  check("liveChannel", hasGateway, needsGateway(r));

  const contentId =
    text("liveContentId") || `${applicationName.replace(/[^0-9A-Za-z_-]/g, "-")}-live`;
  check(
    "liveContentId",
    isValidLiveContentId(contentId),
    `"${contentId}" must be 1-${MAX_LIVE_CONTENT_ID_LENGTH} characters of 0-9, A-Z, a-z, '_' or '-' (each endpoint's SPEKE resource id and license tokens' cid is it plus "-hls", "-dash" or "-cmaf")`,
  );
  const keyRotationIntervalSeconds = number("liveKeyRotationIntervalSeconds");
  check(
    "liveKeyRotationIntervalSeconds",
    Number.isInteger(keyRotationIntervalSeconds) &&
      (keyRotationIntervalSeconds === 0 ||
        keyRotationIntervalSeconds >= MINIMUM_KEY_ROTATION_INTERVAL_SECONDS),
    `${keyRotationIntervalSeconds} must be 0 (no rotation: the PallyCon KMS does not support rotation through MediaPackage) or at least ${MINIMUM_KEY_ROTATION_INTERVAL_SECONDS} seconds`,
  );
  return {
    contentId,
    keyRotationIntervalSeconds,
    cmaf: flag("liveCmaf"),
    channelId: `${applicationName.replace(/\./g, "-")}-live`,
  };
}
