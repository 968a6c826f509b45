/**
 * DRM for the MediaConvert job: the system ids and the encryption settings of the
 * encrypted output groups, with keys from the PallyCon KMS over SPEKE v1.
 *
 * `separate` packaging (two groups, the ladder encoded twice):
 * - DASH: Widevine + PlayReady, CENC v1 (AES-CTR), the most a DASH group takes.
 * - HLS: SAMPLE-AES with FairPlay only.
 *
 * `cmaf` packaging (one group): `cbcs` fMP4 segments, with Widevine + PlayReady
 * signalled in the DASH manifest and FairPlay in the HLS manifest.
 *
 * SPEKE v1: no `EncryptionContractConfiguration`. No `CertificateArn`: the key
 * server answers over TLS through the API Gateway proxy, which adds the
 * PallyCon token on the server side, so the URL here carries no secret.
 * @see https://pallycon.com/docs/en/multidrm/packaging/aws-elemental/
 * @see https://docs.aws.amazon.com/speke/latest/documentation/what-is-speke.html
 */
import type {
  CmafEncryptionSettings,
  DashIsoEncryptionSettings,
  HlsEncryptionSettings,
} from "@aws-sdk/client-mediaconvert";
import { DRM_SYSTEM_IDS } from "../../shared/drm";
import type { DrmPackaging } from "../../shared/outputLayout";

/** What the convert function is told about DRM by its environment. */
export interface DrmSettings {
  /** The SPEKE endpoint: the API Gateway proxy in front of the PallyCon KMS (https, no token). */
  readonly spekeUrl: string;
  /** Also write the clear HLS ladder and MP4 (unencrypted copies of the content). */
  readonly keepClearOutputs: boolean;
  /** Separate DASH and FairPlay HLS groups, or one CMAF group for all three DRMs. */
  readonly packaging: DrmPackaging;
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

/**
 * CMAF: one set of `cbcs` segments for all three DRMs. `SAMPLE_AES` is MediaConvert's
 * name for AES-CBC subsample encryption, the `cbcs` scheme: the only one FairPlay
 * decrypts in fMP4, and one that Widevine and PlayReady (4.0 and later) decrypt too.
 * The CMAF group takes its own provider shape, `SpekeKeyProviderCmaf`, which names the
 * system ids per manifest: the HLS/DASH groups' `SystemIds` is refused there.
 * - DASH manifest: Widevine + PlayReady (`DashSignaledSystemIds`: one to three ids).
 * - HLS manifest: FairPlay (`HlsSignaledSystemIds`: one id).
 * The IV is written into the manifests, as for the FairPlay HLS group.
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/speke-encryption-parameters.html
 * @see https://docs.aws.amazon.com/mediaconvert/latest/ug/encrypting-content.html
 * @see https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-model-spekekeyprovidercmaf
 */
export function cmafEncryption(drm: DrmJobOptions): CmafEncryptionSettings {
  return {
    Type: "SPEKE",
    EncryptionMethod: "SAMPLE_AES",
    InitializationVectorInManifest: "INCLUDE",
    SpekeKeyProvider: {
      ResourceId: drm.contentId,
      DashSignaledSystemIds: [DRM_SYSTEM_IDS.Widevine, DRM_SYSTEM_IDS.PlayReady],
      HlsSignaledSystemIds: [DRM_SYSTEM_IDS.FairPlay],
      Url: drm.spekeUrl,
    },
  };
}
