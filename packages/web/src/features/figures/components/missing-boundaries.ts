import type { MyAreas } from "../../../lib/map/my-areas.ts";

/**
 * How many of the areas below have no boundary to draw, for the note under the 工作台's map (a county
 * whose townships were imported without outlines showed one township of eight and said nothing).
 * A map that holds too many boundaries drops whole lower levels (`truncated`): a child of a level it
 * dropped is left off for that reason, not for want of a boundary, and is not counted.
 */
export function countMissingBoundaries(children: readonly { code: string; level: string }[], mine: MyAreas): number {
  const drawn = new Set(mine.features.features.map((f) => String(f.properties.code)));
  const drawnLevels = new Set(mine.features.features.map((f) => String(f.properties.level)));
  return children.filter((c) => !drawn.has(c.code) && (!mine.truncated || drawnLevels.has(c.level))).length;
}
