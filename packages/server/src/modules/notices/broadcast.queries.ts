import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { BroadcastAudioRow, BroadcastItemRow } from "./notices.table.ts";

/** The statements of loudspeakers' queues: filled when a notice is sent, drained as the devices play. */
type Db = Kysely<DB> | Transaction<DB>;

/**
 * Puts the notice in the queue of every active loudspeaker whose area lies under the notice's area,
 * or holds it (a village's loudspeaker plays what is sent to one of its grids).
 */
export async function queueOnLoudspeakers(
  db: Db,
  notice: { id: string; areaPath: string; urgent: boolean },
  at: Date,
): Promise<void> {
  await sql`
    insert into broadcast_item (id, notice_id, device_id, urgent, state, queued_at)
    select gen_random_uuid(), ${notice.id}, d.id, ${notice.urgent}, 'queued', ${at}
    from intake_device d join area a on a.code = d.area_code
    where d.kind = 'loudspeaker' and d.revoked_at is null
      and (a.path like ${`${notice.areaPath}%`} or ${notice.areaPath} like a.path || '%')
    on conflict do nothing`.execute(db);
}

/** What a loudspeaker still has to play: urgent first, then in the order queued. */
export async function queueRows(db: Db, deviceId: string, limit: number) {
  return db
    .selectFrom("broadcast_item as b")
    .innerJoin("notice as n", "n.id", "b.notice_id")
    .select(["b.id", "b.notice_id", "b.urgent", "b.queued_at", "n.title", "n.body", "n.audio_id"])
    .where("b.device_id", "=", deviceId)
    .where("b.state", "in", ["queued", "fetched"])
    .orderBy("b.urgent", "desc")
    .orderBy("b.queued_at")
    .orderBy("b.id")
    .limit(limit)
    .execute();
}

/** Marks the items handed to the device as fetched (delivered), the first time only. */
export async function markFetched(db: Db, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("broadcast_item")
    .set({ state: "fetched", fetched_at: at })
    .where("id", "in", ids)
    .where("state", "=", "queued")
    .execute();
}

export async function findItem(db: Db, deviceId: string, itemId: string): Promise<BroadcastItemRow | undefined> {
  return db
    .selectFrom("broadcast_item")
    .selectAll()
    .where("id", "=", itemId)
    .where("device_id", "=", deviceId)
    .executeTakeFirst();
}

/** Records the outcome of an item still to be played; false if it was already played or failed. */
export async function finishItem(
  db: Db,
  item: { id: string; state: "played" | "failed"; detail: string | null },
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable("broadcast_item")
    .set({
      state: item.state,
      done_at: at,
      detail: item.detail,
      fetched_at: sql`coalesce(fetched_at, ${at})`,
    })
    .where("id", "=", item.id)
    .where("state", "in", ["queued", "fetched"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A notice's loudspeakers and what each did. */
export async function deliveryRows(db: Db, noticeId: string) {
  return db
    .selectFrom("broadcast_item as b")
    .innerJoin("intake_device as d", "d.id", "b.device_id")
    .select(["d.id", "d.name", "d.area_code", "b.state", "b.fetched_at", "b.done_at", "b.detail"])
    .where("b.notice_id", "=", noticeId)
    .orderBy("d.name")
    .execute();
}

export async function findAudio(db: Db, id: string): Promise<BroadcastAudioRow | undefined> {
  return db.selectFrom("broadcast_audio").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Inserts the recording's row unless its id is taken; false if it was. */
export async function insertAudioIfNew(db: Db, row: BroadcastAudioRow): Promise<boolean> {
  const inserted = await db
    .insertInto("broadcast_audio")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}
