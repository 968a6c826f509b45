/**
 * DRM for the MediaConvert job: the system ids and the encryption settings of the
 * two encrypted output groups, with keys from the PallyCon KMS over SPEKE v1.
 *
 * - DASH: Widevine + PlayReady, CENC v1 (AES-CTR), the most a DASH group takes.
 * - HLS: SAMPLE-AES with FairPlay only.
 *
 * SPEKE v1: no `EncryptionContractConfiguration`. No `CertificateArn`: the key
 * server answers over TLS through the API Gateway proxy, which adds the
 * PallyCon token on the server side, so the URL here carries no secret.
 * @see https://pallycon.com/docs/en/multidrm/packaging/aws-elemental/
 * @see https://docs.aws.amazon.com/speke/latest/documentation/what-is-speke.html
 */
import type {
  DashIsoEncryptionSettings,
  HlsEncryptionSettings,
} from "@aws-sdk/client-mediaconvert";
import { DRM_SYSTEM_IDS } from "../../shared/drm";

/** What the convert function is told about DRM by its environment. */
export interface DrmSettings {
  /** The SPEKE endpoint: the API Gateway proxy in front of the PallyCon KMS (https, no token). */
  readonly spekeUrl: string;
  /** Also write the clear HLS ladder and MP4 (unencrypted copies of the content). */
  readonly keepClearOutputs: boolean;
}

/** DRM for one job: the settings plus the upload's content id. */
export interface DrmJobOptions extends DrmSettings {
  /** The SPEKE `ResourceId`, and the `cid` that license tokens name. */
  readonly contentId: string;
}

/** DASH: Widevine and PlayReady keys over SPEKE, CENC v1 (`cenc`, AES-CTR). */
export function dashIsoEncryption(drm: DrmJobOptions): DashIsoEncryptionSettings {
  return {
    PlaybackDeviceCompatibility: "CENC_V1",
    SpekeKeyProvider: {
      ResourceId: drm.contentId,
      SystemIds: [DRM_SYSTEM_IDS.Widevine, DRM_SYSTEM_IDS.PlayReady],
      Url: drm.spekeUrl,
    },
  };
}

/**
 * HLS: FairPlay keys over SPEKE, SAMPLE-AES. The IV is written into each
 * `EXT-X-KEY` tag, so players need not derive it from the media sequence number.
 * No constant IV: MediaConvert then follows the segment number.
 */
export function fairPlayHlsEncryption(drm: DrmJobOptions): HlsEncryptionSettings {
  return {
    Type: "SPEKE",
    EncryptionMethod: "SAMPLE_AES",
    InitializationVectorInManifest: "INCLUDE",
    SpekeKeyProvider: {
      ResourceId: drm.contentId,
      SystemIds: [DRM_SYSTEM_IDS.FairPlay],
      Url: drm.spekeUrl,
    },
  };
}
