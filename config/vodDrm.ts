/** DRM for on-demand assets (`vodDrm*`): SPEKE-encrypted outputs, keys through the gateway. */
import type { VodDrmArgs } from "../components/vodPipeline";
import { DRM_PACKAGINGS, DrmPackaging } from "../shared/outputLayout";
import { needsGateway } from "./kmsGateway";
import type { ConfigReader } from "./reader";

/** VOD DRM's settings, as {@link VodDrmArgs} takes them (less the gateway's); present when `vodDrm` is on. */
export interface VodDrmConfig extends Omit<VodDrmArgs, "spekeUrl" | "executeApiArn"> {
  /** Keep the clear HLS and MP4 next to the encrypted outputs. */
  readonly clearOutputs: boolean;
  /** `separate` (DASH + FairPlay HLS groups) or `cmaf` (one CMAF group for all three DRMs). */
  readonly packaging: DrmPackaging;
}

/** Reads VOD DRM's settings, or undefined when `vodDrm` is off. */
export function readVodDrm(r: ConfigReader, hasGateway: boolean): VodDrmConfig | undefined {
  if (!r.flag("vodDrm")) return undefined;
  r.check("vodDrm", hasGateway, needsGateway(r));
  const packaging = r.choice("vodDrmPackaging", DRM_PACKAGINGS);
  return { clearOutputs: r.flag("vodDrmClearOutputs"), packaging };
}
