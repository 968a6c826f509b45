/** Where an upload's outputs go: decoding event keys, video suffixes, output prefixes. */
import * as assert from "node:assert/strict";
import {
  decodeEventKey,
  isVideoKey,
  MAX_PREFIX_BYTES,
  outputPrefixFor,
  VIDEO_SUFFIXES,
} from "../shared/outputLayout";

describe("output layout: object keys", () => {
  it("decodes + as a space and %XX as UTF-8", () => {
    assert.equal(decodeEventKey("uploads/My+Movie%2B1.mp4"), "uploads/My Movie+1.mp4");
    assert.equal(decodeEventKey("%E6%98%A0%E7%94%BB.mp4"), "映画.mp4");
  });

  it("returns nothing for a malformed escape", () => {
    assert.equal(decodeEventKey("bad%E0%A4%A.mp4"), undefined);
  });

  it("recognises video suffixes in any case, and nothing else", () => {
    assert.ok(isVideoKey("CLIP.MOV"));
    assert.ok(isVideoKey("a/b/c.Mp4"));
    assert.ok(!isVideoKey("notes.txt"));
    assert.ok(!isVideoKey("movie.mp4.txt"));
    assert.ok(!isVideoKey("folder.mp4/"));
  });

  it("knows every listed suffix in any case", () => {
    for (const suffix of VIDEO_SUFFIXES) {
      assert.equal(suffix, suffix.toLowerCase());
      for (const key of [`a${suffix}`, `a${suffix.toUpperCase()}`]) assert.ok(isVideoKey(key), key);
    }
  });

  it("puts outputs under the upload's key, extension included", () => {
    assert.equal(outputPrefixFor("uploads/2024/My Movie.mp4"), "uploads/2024/My Movie.mp4");
    assert.equal(outputPrefixFor("clip.final.MOV"), "clip.final.MOV");
    assert.equal(outputPrefixFor("映画/予告編.mp4"), "映画/予告編.mp4");
  });

  it("keeps uploads that differ only in their extension apart", () => {
    assert.notEqual(outputPrefixFor("movie.mp4"), outputPrefixFor("movie.mov"));
  });

  it("replaces characters MediaConvert or URLs treat specially, and marks the prefix with the key's hash", () => {
    assert.equal(outputPrefixFor("a/$dt$ #1?.mp4"), "a/_dt_ _1_.mp4~51e0d324");
    assert.equal(outputPrefixFor("../x//y.mp4"), "_/x/_/y.mp4~d3e33fef");
  });

  it("never gives two keys one prefix when replacing characters makes them alike", () => {
    const prefixes = ["a_b.mp4", "a$b.mp4", "a#b.mp4", "a~b.mp4"].map(outputPrefixFor);
    assert.equal(new Set(prefixes).size, 4, prefixes.join(" "));
    assert.equal(prefixes[0], "a_b.mp4", "a key that needs nothing replaced is its own prefix");
  });

  it("keeps a 1 KB key's outputs within S3's key limit, uniquely", () => {
    const long = `${"d/".repeat(200)}${"映".repeat(200)}.mp4`;
    const other = `${"d/".repeat(200)}${"映".repeat(199)}x.mp4`;
    assert.ok(Buffer.byteLength(long) > 1000);
    const prefix = outputPrefixFor(long);
    assert.ok(Buffer.byteLength(prefix) <= MAX_PREFIX_BYTES);
    assert.ok(Buffer.byteLength(`${prefix}/hls/index_1080_2026-11-22T100000_00001.ts`) <= 1024);
    assert.match(prefix, /~[0-9a-f]{8}$/);
    assert.notEqual(prefix, outputPrefixFor(other));
    assert.ok(!prefix.includes("\uFFFD"), "cut on a character boundary");
  });
});
