/** The quality menu: one choice per rendition height, plus automatic switching. Pure. */

/** The fields of a Video.js quality level the menu reads. */
export interface QualityLevelLike {
  readonly width?: number;
  readonly height?: number;
  readonly bitrate?: number;
}

/** A menu entry: `height` undefined means "Auto" (every level enabled). */
export interface QualityChoice {
  readonly label: string;
  readonly height?: number;
}

export const AUTO: QualityChoice = { label: "Auto" };

/** "Auto" then one entry per distinct height, lowest first; empty when there is nothing to pick. */
export function qualityChoices(levels: readonly QualityLevelLike[]): QualityChoice[] {
  const heights = [...new Set(levels.map((l) => l.height).filter((h): h is number => !!h))].sort(
    (a, b) => a - b,
  );
  if (heights.length < 2) return [];
  return [AUTO, ...heights.map((height) => ({ label: `${height}p`, height }))];
}

/** Which levels to enable for a choice: all for Auto, otherwise those of its height. */
export function enabledLevels(
  levels: readonly QualityLevelLike[],
  choice: QualityChoice,
): boolean[] {
  return levels.map((level) => choice.height === undefined || level.height === choice.height);
}
