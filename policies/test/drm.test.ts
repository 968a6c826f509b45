import * as assert from "node:assert/strict";
import {
  drmEndpoint,
  FAIRPLAY,
  messagesOf,
  PLAYREADY,
  spekeKeyProvider,
  spekePackage,
  WIDEVINE,
} from "./fixtures";

describe("mediapackage-endpoint-speke-encrypted", () => {
  const rule = "mediapackage-endpoint-speke-encrypted";
  const hlsWith = (changes: Record<string, unknown>) =>
    drmEndpoint({
      hlsPackage: spekePackage([FAIRPLAY], {
        spekeKeyProvider: spekeKeyProvider([FAIRPLAY], changes),
      }),
    });

  it("passes HLS and DASH packages encrypted through the KMS gateway", async () => {
    assert.deepEqual(await messagesOf(rule, [drmEndpoint()]), []);
  });

  it("flags a package without encryption", async () => {
    const clear = drmEndpoint({ cmafPackage: { segmentDurationSeconds: 6 } });
    assert.deepEqual(await messagesOf(rule, [clear]), ["cmafPackage is not encrypted."]);
  });

  it("flags a key server reached over plain HTTP", async () => {
    const http = hlsWith({ url: "http://kms.pallycon.com/cpix/getKey" });
    assert.deepEqual(await messagesOf(rule, [http]), [
      "hlsPackage: the SPEKE URL http://kms.pallycon.com/cpix/getKey is not https.",
    ]);
  });

  it("flags a key provider without a DRM system id", async () => {
    assert.deepEqual(await messagesOf(rule, [hlsWith({ systemIds: [] })]), [
      "hlsPackage: no DRM system id.",
    ]);
  });

  it("flags a key provider without the SPEKE role", async () => {
    assert.deepEqual(await messagesOf(rule, [hlsWith({ roleArn: "" })]), [
      "hlsPackage: no SPEKE role.",
    ]);
  });

  it("flags an endpoint that defines no package", async () => {
    const empty = drmEndpoint({ hlsPackage: undefined, dashPackage: undefined });
    assert.deepEqual(await messagesOf(rule, [empty]), ["The origin endpoint defines no package."]);
  });
});

describe("mediapackage-key-rotation-interval", () => {
  const rule = "mediapackage-key-rotation-interval";
  const dashRotating = (encryption: Record<string, unknown>) =>
    drmEndpoint({ dashPackage: spekePackage([WIDEVINE, PLAYREADY], encryption) });

  it("passes rotation off (0), which the PallyCon KMS needs", async () => {
    assert.deepEqual(await messagesOf(rule, [drmEndpoint()]), []);
  });

  it("passes rotation at the minimum", async () => {
    assert.deepEqual(
      await messagesOf(rule, [dashRotating({ keyRotationIntervalSeconds: 300 })]),
      [],
    );
  });

  it("flags rotation shorter than the minimum", async () => {
    assert.deepEqual(await messagesOf(rule, [dashRotating({ keyRotationIntervalSeconds: 120 })]), [
      "dashPackage: key rotation every 120 s; use 0 or at least 300 s.",
    ]);
  });

  it("flags an unset interval, which MediaPackage turns into 60 s", async () => {
    assert.deepEqual(
      await messagesOf(rule, [dashRotating({ keyRotationIntervalSeconds: undefined })]),
      [
        "dashPackage: no key rotation interval, so MediaPackage rotates every 60 s; use 0 or at least 300 s.",
      ],
    );
  });

  it("takes the minimum from config", async () => {
    const config = { [rule]: { minimumSeconds: 600 } };
    assert.deepEqual(
      await messagesOf(rule, [dashRotating({ keyRotationIntervalSeconds: 300 })], config),
      ["dashPackage: key rotation every 300 s; use 0 or at least 600 s."],
    );
  });

  it("flags rotation with SPEKE v2, which needs 0", async () => {
    const v2 = dashRotating({
      keyRotationIntervalSeconds: 900,
      spekeKeyProvider: spekeKeyProvider([WIDEVINE, PLAYREADY], {
        encryptionContractConfiguration: {
          presetSpeke20Audio: "PRESET-AUDIO-1",
          presetSpeke20Video: "PRESET-VIDEO-1",
        },
      }),
    });
    assert.deepEqual(await messagesOf(rule, [v2]), [
      "dashPackage: SPEKE v2 (encryptionContractConfiguration) needs key rotation 0.",
    ]);
  });
});
