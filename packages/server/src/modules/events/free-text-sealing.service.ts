import { redactPersonalNumbers } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { MASKED_TEXT, redactJson, SEALED_TEXT } from "./event-free-text.ts";
import {
  finishSealingTarget,
  listSealingTargets,
  listUnsealed,
  type SealingColumn,
  saveSealingProgress,
  writeSealed,
} from "./free-text-sealing.queries.ts";

/**
 * Free text of events written before it was sealed (issue #16, item 11) is sealed at start: SQL
 * cannot encrypt (the key is not in the database), so the migration that added the `_sealed` columns
 * listed them in `free_text_sealing`, and this pass walks each column in id order, in batches —
 * masking ID and phone numbers in the column, sealing the original beside it — and drops the column
 * from the list when done. It may stop at any point (the cursor is kept) and run in several processes
 * at once (a row is written only if it still holds what was read, and only once). With the list empty
 * a start costs one small read.
 *
 * The pass changes the rows; PostgreSQL keeps the old row versions in its files until they are
 * vacuumed and reused, and its write-ahead log until recycled. `VACUUM FULL` of the tables named in
 * the log line, and a checkpoint, leave no clear number in the data directory; a pg_dump has none
 * as soon as the pass ends.
 */
const JSON_COLUMNS = new Set(["event.attributes", "event.co_handlers", "mediation_agreement.obligations"]);

function columnsByTarget(): Map<string, SealingColumn> {
  const columns = new Map<string, SealingColumn>();
  for (const [lists, sealed] of [
    [SEALED_TEXT, true],
    [MASKED_TEXT, false],
  ] as const)
    for (const [table, names] of Object.entries(lists))
      for (const column of names as readonly string[]) {
        const target = `${table}.${column}`;
        columns.set(target, { table, column, sealed, json: JSON_COLUMNS.has(target) });
      }
  return columns;
}

export async function sealStoredFreeText(
  ctx: AppContext,
  options: { batchSize?: number } = {},
): Promise<{ sealed: number; tables: string[] }> {
  const batchSize = options.batchSize ?? 500;
  const columns = columnsByTarget();
  let sealed = 0;
  const tables = new Set<string>();
  for (const { target, after_id } of await listSealingTargets(ctx.db)) {
    const column = columns.get(target);
    if (!column) {
      await finishSealingTarget(ctx.db, target);
      continue;
    }
    let after = after_id;
    for (;;) {
      const rows = await listUnsealed(ctx.db, column, after, batchSize);
      const changed = rows.flatMap((r) => {
        const masked = maskStored(column, r.value);
        if (masked === undefined) return [];
        return [
          {
            id: r.id,
            old: r.value,
            value: masked.value,
            sealed: column.sealed ? ctx.crypto.encrypt(masked.original) : null,
          },
        ];
      });
      const n = await writeSealed(ctx.db, column, changed);
      sealed += n;
      if (n > 0) tables.add(column.table);
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) break;
      after = last.id;
      await saveSealingProgress(ctx.db, target, after);
    }
    await finishSealingTarget(ctx.db, target);
  }
  return { sealed, tables: [...tables] };
}

/** A stored value with its numbers masked (and the original as the sealed column keeps it), or undefined if none. */
function maskStored(column: SealingColumn, stored: string): { value: string; original: string } | undefined {
  if (!column.json) {
    const value = redactPersonalNumbers(stored);
    return value === stored ? undefined : { value, original: stored };
  }
  const parsed: unknown = JSON.parse(stored);
  const original = JSON.stringify(parsed);
  const value = JSON.stringify(redactJson(parsed));
  return value === original ? undefined : { value, original };
}
