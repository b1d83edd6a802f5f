import type { DailyContent } from "./reports.schemas.ts";

/**
 * What a daily report says about the day's close-outs (日尽结): how many grids closed out their day
 * and how many did not, and those that did not grouped by the village or community (村（社区）) that
 * holds them, so a township reads "which villages to call" instead of a run of fifty grid names.
 * The web page, the PDF and the XLSX all read it from here. Reports written before the grids kept
 * their village group them under `fallback` (the report's own area).
 */
export interface MissingCloseOutGroup {
  code: string;
  name: string;
  /** Grids of the group in the report. */
  grids: number;
  /** Names of the grids that did not close out, in the report's order. */
  missing: string[];
}

export type CloseOutDay = DailyContent["closeOuts"][number];

export function missingCloseOutsByVillage(
  day: CloseOutDay,
  fallback: { code: string; name: string },
): MissingCloseOutGroup[] {
  const groups = new Map<string, MissingCloseOutGroup>();
  for (const g of day.grids) {
    const code = g.villageCode ?? fallback.code;
    let group = groups.get(code);
    if (!group) {
      group = { code, name: g.villageName ?? fallback.name, grids: 0, missing: [] };
      groups.set(code, group);
    }
    group.grids++;
    if (!g.closedOut) group.missing.push(g.name);
  }
  return [...groups.values()].filter((x) => x.missing.length > 0);
}

/** Grid names in one cell or line: separated by the Chinese enumeration comma. */
export const GRID_NAME_SEPARATOR = "、";

/**
 * The figures a report's overview lists, in order — the same rows on the web page and in the PDF and
 * XLSX (gridsClosed, satisfaction and visit details have sections of their own).
 */
export const REPORT_OVERVIEW_FIGURES = [
  "reported",
  "accepted",
  "settled",
  "settledGrid",
  "settledVillage",
  "settledAbove",
  "settledOnTime",
  "settledLate",
  "escalated",
  "overdue",
  "returned",
  "reopened",
  "disputesSimple",
  "disputesGeneral",
  "disputesMajor",
  "agreements",
  "visits",
  "closeOuts",
] as const;

/** A period as one says it: a single day once, a longer period from–to. */
export const periodText = (p: { from: string; to: string }, between: string) =>
  p.from === p.to ? p.from : `${p.from}${between}${p.to}`;
