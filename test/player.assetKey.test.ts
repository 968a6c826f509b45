/**
 * The player finds every asset by its upload key: `?asset=<key>` reads the asset file
 * from the folder the convert function chose, stand-ins included, by one shared rule.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { planJob, screenRecord } from "../functions/convert/request";
import { parsePageRequest } from "../player/src/request";
import { sha256Hex, utf8Length } from "../shared/sha256";
import { outputPrefixFor } from "../shared/outputLayout";
import { CONVERT_ENVIRONMENT } from "./support/convertEnvironment";
import { ODD_KEYS } from "./support/oddKeys";
import { uploadRecord } from "./support/s3Events";

const PAGE = "https://d111111abcdef8.cloudfront.net/player/index.html";

/** Where the convert function writes the asset file for an upload of `key`. */
function convertAssetFile(key: string): string {
  const screened = screenRecord(uploadRecord(encodeURIComponent(key).replace(/%20/g, "+")));
  assert.ok(screened.action === "probe", JSON.stringify(key));
  return planJob(screened, CONVERT_ENVIRONMENT).assetFileKey;
}

/** The object key S3 serves for the player's request (CloudFront passes the path on). */
function requestedKey(key: string): string {
  const request = parsePageRequest(`${PAGE}?asset=${encodeURIComponent(key)}`);
  assert.ok(request.kind === "asset", `${JSON.stringify(key)}: ${JSON.stringify(request)}`);
  const url = new URL(request.metadataUrl);
  assert.equal(url.origin, new URL(PAGE).origin);
  return url.pathname.slice(1).split("/").map(decodeURIComponent).join("/");
}

describe("player: an asset by its upload key", () => {
  it("reads the asset file the convert function wrote, for every odd key", () => {
    assert.ok(ODD_KEYS.length >= 8);
    const standIns = ODD_KEYS.filter((key) => outputPrefixFor(key) !== key);
    assert.ok(standIns.length >= 8, "most of the keys need a stand-in folder");
    for (const key of ODD_KEYS) {
      assert.equal(requestedKey(key), convertAssetFile(key), JSON.stringify(key));
    }
  });

  it("reads a plain key's folder as the key itself", () => {
    assert.equal(requestedKey("trailers/My Movie.mp4"), "trailers/My Movie.mp4/asset.json");
  });

  it("says the request is invalid for an empty key or a folder", () => {
    for (const asset of ["", "videos/"]) {
      const request = parsePageRequest(`${PAGE}?asset=${encodeURIComponent(asset)}`);
      assert.equal(request.kind, "message", JSON.stringify(asset));
    }
  });
});

describe("shared: SHA-256 for both sides", () => {
  it("equals node:crypto's SHA-256 of the UTF-8 bytes, across block sizes and scripts", () => {
    const samples = [
      "",
      "abc",
      ...[55, 56, 63, 64, 65, 119, 120, 1000].map((n) => "k".repeat(n)),
      ...ODD_KEYS,
      "\ud83c", // a lone surrogate: both encode it as U+FFFD
    ];
    for (const text of samples) {
      assert.equal(
        sha256Hex(text),
        createHash("sha256").update(text).digest("hex"),
        JSON.stringify(text),
      );
      assert.equal(utf8Length(text), Buffer.byteLength(text), JSON.stringify(text));
    }
  });
});
