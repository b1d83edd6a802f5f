import type { AreaLevel } from "../areas/area-path.ts";

/**
 * Handling levels (grid → village/community → township → county → city): where an event is being
 * handled, and where it was settled — the figure behind "small matters stay in the grid, big matters
 * stay in the community" (小事不出网格, 大事不出社区).
 */
export const HANDLING_LEVELS = ["grid", "village", "township", "county", "city"] as const;
export type HandlingLevel = (typeof HANDLING_LEVELS)[number];

export function handlingLevelOf(areaLevel: AreaLevel): HandlingLevel {
  switch (areaLevel) {
    case "grid":
    case "microgrid":
      return "grid";
    case "village":
      return "village";
    case "township":
      return "township";
    case "county":
      return "county";
    default:
      return "city";
  }
}

/** The level above, or undefined at the top. */
export function levelAbove(level: HandlingLevel): HandlingLevel | undefined {
  return HANDLING_LEVELS[HANDLING_LEVELS.indexOf(level) + 1];
}

export function isHandlingLevel(level: string): level is HandlingLevel {
  return (HANDLING_LEVELS as readonly string[]).includes(level);
}

/**
 * Where an event at `level` goes when it is escalated: the nearest of its area's ancestors (given
 * nearest first) whose handling level is above — levels without an area on the way are skipped (a
 * grid directly under a township goes to the township, not nowhere). Undefined at the top.
 */
export function nearestAbove<T extends { level: AreaLevel }>(
  ancestors: readonly T[],
  level: HandlingLevel,
): T | undefined {
  const at = HANDLING_LEVELS.indexOf(level);
  return ancestors.find((a) => HANDLING_LEVELS.indexOf(handlingLevelOf(a.level)) > at);
}

/** The nearest of the areas (nearest first) at a handling level or above it (who closes an event of a category). */
export function nearestAtOrAbove<T extends { level: AreaLevel }>(
  areas: readonly T[],
  level: HandlingLevel,
): T | undefined {
  const at = HANDLING_LEVELS.indexOf(level);
  return areas.find((a) => HANDLING_LEVELS.indexOf(handlingLevelOf(a.level)) >= at);
}
