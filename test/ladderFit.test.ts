/** Fitting the ladder, the MP4 and the thumbnails to the source. */
import * as assert from "node:assert/strict";
import type { SourceFacts } from "../shared/assetFile";
import { DEFAULT_LADDER, Rendition } from "../shared/ladder";
import { outputSizes } from "../shared/ladderFit";
import { sourceFacts } from "./support/sourceProbe";

/** Each rendition as `WIDTHxHEIGHT@BITRATE`, for compact comparisons. */
const sizes = (renditions: readonly Rendition[]) =>
  renditions.map(({ width, height, bitrate }) => `${width}x${height}@${bitrate}`);

describe("fitting the ladder to the source", () => {
  const fitted = (facts: SourceFacts) => outputSizes(DEFAULT_LADDER, facts);

  it("keeps the whole seed ladder, the 720p MP4 and thumbnails for a 1280x720 source", () => {
    const out = fitted(sourceFacts(1280, 720));
    assert.deepEqual(sizes(out.ladder), ["640x360@1000000", "960x540@2000000", "1280x720@3000000"]);
    assert.deepEqual(sizes([out.mp4]), ["1280x720@3000000"]);
    assert.deepEqual(out.thumbnails, { width: 1280, height: 720 });
    assert.equal(out.rotate, false);
  });

  it("gives a portrait source portrait rungs, at the same bitrates (same pixel counts)", () => {
    const out = fitted(sourceFacts(720, 1280));
    assert.deepEqual(sizes(out.ladder), ["360x640@1000000", "540x960@2000000", "720x1280@3000000"]);
    assert.deepEqual([out.mp4.width, out.mp4.height], [720, 1280]);
    assert.deepEqual(out.thumbnails, { width: 720, height: 1280 });
  });

  it("turns the rungs for landscape pixels a phone marked as rotated 90° or 270°, and has MediaConvert rotate", () => {
    for (const rotation of [90, 270] as const) {
      const out = fitted(sourceFacts(1280, 720, { rotation, container: "QuickTime" }));
      assert.deepEqual(sizes(out.ladder), [
        "360x640@1000000",
        "540x960@2000000",
        "720x1280@3000000",
      ]);
      assert.equal(out.rotate, true);
    }
    const upsideDown = fitted(sourceFacts(1280, 720, { rotation: 180 }));
    assert.deepEqual(sizes(upsideDown.ladder).at(-1), "1280x720@3000000");
    assert.equal(upsideDown.rotate, true);
  });

  it("ignores rotation metadata MediaConvert does not apply (outside MP4 and QuickTime)", () => {
    const out = fitted(sourceFacts(1280, 720, { rotation: 90, container: "Matroska" }));
    assert.deepEqual(sizes(out.ladder).at(-1), "1280x720@3000000");
    assert.equal(out.rotate, false);
  });

  it("gives a 4:3 source 4:3 rungs at or below its height, with bitrate scaled to the pixels", () => {
    assert.deepEqual(sizes(fitted(sourceFacts(640, 480)).ladder), ["480x360@750000"]);
    assert.deepEqual(sizes(fitted(sourceFacts(1440, 1080)).ladder), [
      "480x360@750000",
      "720x540@1500000",
      "960x720@2250000",
    ]);
  });

  it("never upscales: 854x480 keeps only 360p, and its MP4 and thumbnails stay at 854x480", () => {
    const out = fitted(sourceFacts(854, 480));
    assert.deepEqual(sizes(out.ladder), ["640x360@1000000"]);
    assert.deepEqual(sizes([out.mp4]), ["854x480@1334000"]);
    assert.deepEqual(out.thumbnails, { width: 854, height: 480 });
  });

  it("makes one rendition at the source's own size, even, for a source below the smallest rung", () => {
    assert.deepEqual(sizes(fitted(sourceFacts(320, 240)).ladder), ["320x240@333000"]);
    assert.deepEqual(sizes(fitted(sourceFacts(427, 241)).ladder), ["426x240@444000"]);
    assert.deepEqual(sizes(fitted(sourceFacts(240, 426)).ladder), ["240x426@444000"]);
  });

  it("sizes an anamorphic source by its display aspect ratio (720x576 shown at 16:9)", () => {
    const pal = sourceFacts(720, 576, { displayAspectRatio: 16 / 9 });
    assert.deepEqual(sizes(fitted(pal).ladder), ["640x360@1000000", "960x540@2000000"]);
    assert.deepEqual(sizes([fitted(pal).mp4]), ["1024x576@1920000"]);
  });

  it("keeps an ultra-wide source's width from its aspect ratio, at no more than the rung's bitrate", () => {
    const scope = fitted(sourceFacts(1920, 800));
    assert.deepEqual(sizes(scope.ladder), [
      "864x360@1000000",
      "1296x540@2000000",
      "1728x720@3000000",
    ]);
  });

  it("uses the configured sizes as they stand when the source is unknown", () => {
    const out = outputSizes(DEFAULT_LADDER);
    assert.deepEqual(out.ladder, DEFAULT_LADDER);
    assert.deepEqual(sizes([out.mp4]), ["1280x720@3000000"]);
  });
});
