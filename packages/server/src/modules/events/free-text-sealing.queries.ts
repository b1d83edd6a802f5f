import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

/**
 * The statements of the sealing pass over free text written before it was sealed
 * (free-text-sealing.service.ts): which columns are still to go and how far it got, the rows that
 * may hold a personal number (four digits in a row or more), and their masked text written back only
 * if the row still holds what was read.
 */
type Db = Kysely<DB> | Transaction<DB>;

export interface SealingColumn {
  table: string;
  column: string;
  /** It has `<column>_sealed` for the original (else it is only masked). */
  sealed: boolean;
  /** A jsonb column. */
  json: boolean;
}

export async function listSealingTargets(db: Db): Promise<{ target: string; after_id: string | null }[]> {
  return db.selectFrom("free_text_sealing").selectAll().orderBy("target").execute();
}

/** Rows after a cursor (by id) whose text may hold a number and has no sealed original yet. */
export async function listUnsealed(
  db: Db,
  c: SealingColumn,
  afterId: string | null,
  limit: number,
): Promise<{ id: string; value: string }[]> {
  const result = await sql<{ id: string; value: string }>`
    select id::text as id, ${sql.ref(c.column)}::text as value from ${sql.table(c.table)}
    where ${afterId === null ? sql`true` : sql`id > ${afterId}::uuid`}
      and ${sql.ref(c.column)}::text ~ '[0-9]{4}'
      ${c.sealed ? sql`and ${sql.ref(`${c.column}_sealed`)} is null` : sql``}
    order by id
    limit ${limit}`.execute(db);
  return result.rows;
}

/** Writes the masked text (and sealed original) of rows that still hold what was read; returns how many. */
export async function writeSealed(
  db: Db,
  c: SealingColumn,
  rows: { id: string; old: string; value: string; sealed: string | null }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const values = sql.join(rows.map((r) => sql`(${r.id}::uuid, ${r.old}, ${r.value}, ${r.sealed}::text)`));
  const value = c.json ? sql`v.value::jsonb` : sql`v.value`;
  const result = await sql`
    update ${sql.table(c.table)} as t set ${sql.ref(c.column)} = ${value}
      ${c.sealed ? sql`, ${sql.ref(`${c.column}_sealed`)} = v.sealed` : sql``}
    from (values ${values}) as v(id, old, value, sealed)
    where t.id = v.id and t.${sql.ref(c.column)}::text = v.old
      ${c.sealed ? sql`and t.${sql.ref(`${c.column}_sealed`)} is null` : sql``}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function saveSealingProgress(db: Db, target: string, afterId: string): Promise<void> {
  await db.updateTable("free_text_sealing").set({ after_id: afterId }).where("target", "=", target).execute();
}

export async function finishSealingTarget(db: Db, target: string): Promise<void> {
  await db.deleteFrom("free_text_sealing").where("target", "=", target).execute();
}
