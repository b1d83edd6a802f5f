import type { ColumnType } from "kysely";

/** Counters of one area, day (China time) and event category ('' for visits and close-outs). */
export interface FigureDayTable {
  area_code: string;
  day: ColumnType<string, string, string>;
  category_key: string;
  reported: number;
  accepted: number;
  settled: number;
  settled_grid: number;
  settled_village: number;
  settled_above: number;
  settled_on_time: number;
  settled_late: number;
  escalated: number;
  overdue: number;
  returned: number;
  reopened: number;
  satisfied: number;
  basically_satisfied: number;
  unsatisfied: number;
  disputes_simple: number;
  disputes_general: number;
  disputes_major: number;
  agreements: number;
  visits: number;
  visits_met: number;
  close_outs: number;
  grids_closed: number;
}

/** A request, left by a migration, to count the figures of existing data at the next start. */
export interface FigureRebuildTable {
  requested_at: Date;
}

/**
 * Open matters now, per area (every level on the path where each now is) and deadline day (China
 * time; 'infinity' without a deadline) — kept by triggers on `event` (migration 2026_12_11_0940).
 */
export interface OpenMatterDayTable {
  area_code: string;
  due_day: ColumnType<string, string, never>;
  open: number;
}

/**
 * The live grids under each area (its own code for a grid: 1), kept by triggers on `area` (migration
 * 2026_12_12_0900): how many grids the big screen's close-out count is out of.
 */
export interface AreaGridCountTable {
  area_code: string;
  grids: number;
}
