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
