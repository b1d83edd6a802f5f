import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { EventAttachmentRow } from "./events.table.ts";

/** The statements on events' attachments (their bytes are files: attachments.service.ts). */
type Db = Kysely<DB> | Transaction<DB>;

export async function findAttachment(db: Db, id: string): Promise<EventAttachmentRow | undefined> {
  return db.selectFrom("event_attachment").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findAttachmentOfEvent(
  db: Db,
  eventId: string,
  id: string,
): Promise<EventAttachmentRow | undefined> {
  return db
    .selectFrom("event_attachment")
    .selectAll()
    .where("id", "=", id)
    .where("event_id", "=", eventId)
    .executeTakeFirst();
}

/** Inserts the attachment unless its id is taken; false if it was. */
export async function insertAttachmentIfNew(db: Db, row: EventAttachmentRow): Promise<boolean> {
  const inserted = await db
    .insertInto("event_attachment")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function listAttachmentsOf(db: Db, eventId: string): Promise<EventAttachmentRow[]> {
  return db
    .selectFrom("event_attachment")
    .selectAll()
    .where("event_id", "=", eventId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** An attachment with the category and publicity of its event. */
export async function findAttachmentWithCategory(db: Db, id: string) {
  return db
    .selectFrom("event_attachment")
    .innerJoin("event", "event.id", "event_attachment.event_id")
    .selectAll("event_attachment")
    .select(["event.category_key", "event.is_public"])
    .where("event_attachment.id", "=", id)
    .executeTakeFirst();
}

/** The photos of the events, newest first. */
export async function listPhotosOf(db: Db, eventIds: string[]) {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom("event_attachment")
    .select(["id", "event_id", "content_type"])
    .where("event_id", "in", eventIds)
    .where("content_type", "like", "image/%")
    .orderBy("created_at", "desc")
    .execute();
}
