/**
 * The quality menu: one choice per rendition size, plus automatic switching. Pure.
 * A rendition is named by its short side (`720p`), as viewers know it, whether the
 * video stands landscape (1280x720) or portrait (720x1280).
 */

/** The fields of a Video.js quality level the menu reads. */
export interface QualityLevelLike {
  readonly width?: number;
  readonly height?: number;
  readonly bitrate?: number;
}

/** A menu entry: `size` undefined means "Auto" (every level enabled). */
export interface QualityChoice {
  readonly label: string;
  /** The short side of the renditions this entry enables. */
  readonly size?: number;
}

export const AUTO: QualityChoice = { label: "Auto" };

/** A level's short side; without a width, its height. */
function sizeOf(level: QualityLevelLike): number | undefined {
  if (!level.height) return undefined;
  return level.width ? Math.min(level.width, level.height) : level.height;
}

/** "Auto" then one entry per distinct size, lowest first; empty when there is nothing to pick. */
export function qualityChoices(levels: readonly QualityLevelLike[]): QualityChoice[] {
  const sizes = [...new Set(levels.map(sizeOf).filter((s): s is number => !!s))].sort(
    (a, b) => a - b,
  );
  if (sizes.length < 2) return [];
  return [AUTO, ...sizes.map((size) => ({ label: `${size}p`, size }))];
}

/** Which levels to enable for a choice: all for Auto, otherwise those of its size. */
export function enabledLevels(
  levels: readonly QualityLevelLike[],
  choice: QualityChoice,
): boolean[] {
  return levels.map((level) => choice.size === undefined || sizeOf(level) === choice.size);
}
