import { chinaDate, type Figure, type FigureCounts } from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { addFigureRows, type FigureIncrement, timerFoundLate } from "./figures.queries.ts";

/**
 * Keeping the figures: every write that changes what a figure counts calls `addFigures` inside its own
 * transaction, so a figure moves exactly when the change commits (and not when it is refused). One
 * change adds to the row of every area on its path — the grid, the village or community, the
 * township … up to the province — for its day and category.
 */
export interface FigureChange {
  /** The area path the change counts under (an event: where it arose — origin_path). */
  path: string;
  /** When it happened; the day is China's. Or the day itself (a close-out's). */
  at: Date | string;
  categoryKey: string;
  counts: Partial<FigureCounts>;
}

type Db = Kysely<DB> | Transaction<DB>;

/** Adds the changes to the figures of every area on their paths (merged per area, day and category). */
export async function addFigures(db: Db, changes: readonly FigureChange[]): Promise<void> {
  const rows = new Map<string, FigureIncrement>();
  for (const c of changes) {
    const day = typeof c.at === "string" ? c.at : chinaDate(c.at);
    for (const code of c.path.split("/").filter(Boolean)) {
      const key = `${code}\u0000${day}\u0000${c.categoryKey}`;
      let row = rows.get(key);
      if (!row) {
        row = { areaCode: code, day, categoryKey: c.categoryKey, counts: {} };
        rows.set(key, row);
      }
      for (const [f, n] of Object.entries(c.counts) as [Figure, number][]) row.counts[f] = (row.counts[f] ?? 0) + n;
    }
  }
  await addFigureRows(db, [...rows.values()]);
}

/** The path an event's figures count under: where it arose (its first area), whatever happened to it after. */
export function eventFigurePath(e: { origin_path: string | null; area_path: string }): string {
  return e.origin_path ?? e.area_path;
}

/** What an action on an event adds to the figures (nothing for most). */
export async function figuresOfAction(
  db: Db,
  e: { id: string; origin_path: string | null; area_path: string; category_key: string; level: string },
  action: string,
  at: Date,
  options: { byTimer?: boolean } = {},
): Promise<FigureChange | undefined> {
  const counts: Partial<FigureCounts> = {};
  if (action === "accept") counts.accepted = 1;
  else if (action === "return") counts.returned = 1;
  else if (action === "reopen") counts.reopened = 1;
  else if (action === "escalate") {
    counts.escalated = 1;
    if (options.byTimer) counts.overdue = 1;
  } else if (action === "overdue") counts.overdue = 1;
  else if (action === "resolve") {
    counts.settled = 1;
    if (e.level === "grid") counts.settledGrid = 1;
    else if (e.level === "village") counts.settledVillage = 1;
    else counts.settledAbove = 1;
    if (await timerFoundLate(db, e.id, at)) counts.settledLate = 1;
    else counts.settledOnTime = 1;
  } else return undefined;
  return { path: eventFigurePath(e), at, categoryKey: e.category_key, counts };
}

const SATISFACTION_FIGURE: Record<string, Figure> = {
  satisfied: "satisfied",
  basically: "basicallySatisfied",
  unsatisfied: "unsatisfied",
};

export function satisfactionFigure(satisfaction: string): Figure {
  return SATISFACTION_FIGURE[satisfaction] ?? "unsatisfied";
}

const GRADE_FIGURE: Record<string, Figure> = {
  simple: "disputesSimple",
  general: "disputesGeneral",
  major: "disputesMajor",
};

/** A dispute's risk grade as the figure that counts it (on the day the dispute was reported). */
export function riskGradeFigure(grade: string): Figure {
  const f = GRADE_FIGURE[grade];
  if (!f) throw new Error(`a risk grade without a figure (${grade})`);
  return f;
}
