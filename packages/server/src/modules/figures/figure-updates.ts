import { chinaDate, FIGURE_COLUMNS, FIGURES, type Figure, type FigureCounts } from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import {
  addFigureRows,
  type FigureFact,
  type FigureIncrement,
  listEventFigureFacts,
  listStepFigureFacts,
} from "./figures.queries.ts";

/**
 * Keeping the figures: every write that changes what a figure counts calls `addFigures` inside its own
 * transaction, so a figure moves exactly when the change commits (and not when it is refused). One
 * change adds to the row of every area on its path — the grid, the village or community, the
 * township … up to the province — for its day and category. The one exception is a report's
 * "reported": the insert of the event adds it (a trigger, migration 2026_12_13_0900).
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

/**
 * Adds to the figures of an event, under the path it arose in (its first area, whatever happened to it
 * after) — nothing for an event merged into another: a duplicate counts in none of them.
 */
export async function addEventFigures(
  db: Db,
  e: { origin_path: string | null; area_path: string; category_key: string; merged_into: string | null },
  at: Date,
  counts: Partial<FigureCounts>,
): Promise<void> {
  if (e.merged_into !== null) return;
  await addFigures(db, [{ path: e.origin_path ?? e.area_path, at, categoryKey: e.category_key, counts }]);
}

const FIGURE_OF_COLUMN = new Map(FIGURES.map((f) => [FIGURE_COLUMNS[f], f]));

function changesOf(facts: readonly FigureFact[], n: 1 | -1): FigureChange[] {
  return facts.map((f) => {
    const figure = FIGURE_OF_COLUMN.get(f.column);
    if (!figure) throw new Error(`a fact without a figure (${f.column})`);
    return { path: f.path, at: f.at, categoryKey: f.categoryKey, counts: { [figure]: n } };
  });
}

/**
 * What timeline steps just written (in this transaction) add to the figures: read from the events'
 * facts (db/event-figure-facts.ts), so the kept figures follow the same rules as their count again
 * and the lists behind them — an action taken again (accepted after a return) adds nothing.
 */
export async function addStepFigures(db: Db, stepIds: readonly string[]): Promise<void> {
  await addFigures(db, changesOf(await listStepFigureFacts(db, stepIds), 1));
}

/** An event merged into another (a duplicate) takes everything it counted out of the figures. */
export async function removeEventFigures(db: Db, eventId: string): Promise<void> {
  await addFigures(db, changesOf(await listEventFigureFacts(db, eventId), -1));
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
