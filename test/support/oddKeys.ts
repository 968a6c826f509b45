/**
 * Upload keys that S3 accepts and that break naive handling: characters MediaConvert's
 * user metadata refuses, characters the output folder replaces, surrogate pairs at a cut,
 * control characters, and the longest key S3 takes (1024 UTF-8 bytes).
 */
export const ODD_KEYS: readonly string[] = [
  "films/Mon Film (2024).mp4",
  "100%.mp4",
  `"quoted" 'clip'.mov`,
  "a~b.mp4",
  "emoji 🎬 trailer.mp4",
  "tab\there\u0007bell.mkv",
  "a//b/./c/../d.mp4",
  "../up.mp4",
  "$dt$ #1?&x=y+z.mp4",
  "/leading-slash.mp4",
  "映画/予告編 [final] {v2}.mp4",
  // 255 characters, then an emoji across the old 256-character cut of `s3://bucket/key`.
  `${"x".repeat(256 - "s3://vod-source-test/".length - 1)}🎬.mp4`,
  // The longest key: 1020 bytes of emoji (4 bytes each) and `.mp4`.
  `${"🎬".repeat(255)}.mp4`,
];
