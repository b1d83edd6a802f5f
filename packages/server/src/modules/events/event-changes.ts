import { EventEmitter } from "node:events";
import { redactPersonalNumbers } from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { insertNotifications, listFollowers } from "./events.queries.ts";
import type { EventRow } from "./events.table.ts";

/**
 * What happens to events, told to the people concerned: each change is published to the live
 * inboxes of this process (server-sent events) and, for the reporter and the followers (reporters of
 * merged events, the person assigned), written as a notification they read in their app.
 */
export interface EventChange {
  id: string;
  number: string;
  /** The event's category (what the risk rules on reports look at, without reading the event again). */
  categoryKey: string;
  action: string;
  state: string;
  level: string;
  areaPath: string;
  reporterUserId: string | null;
  assigneeUserId: string | null;
  at: string;
}

const buses = new WeakMap<object, EventEmitter>();

/** The change feed of one database (one deployment); every app built on it shares it. */
export function changeFeed(ctx: Pick<AppContext, "db">): EventEmitter {
  let bus = buses.get(ctx.db);
  if (!bus) {
    bus = new EventEmitter();
    bus.setMaxListeners(0);
    buses.set(ctx.db, bus);
  }
  return bus;
}

export function publishChange(ctx: Pick<AppContext, "db">, change: EventChange): void {
  changeFeed(ctx).emit("change", change);
}

/**
 * Notifies the reporter, the followers and (on assignment) the assignee of a change — never the
 * person who made it. Written inside the change's transaction, so a refused change tells no one.
 * A notification is read by people other than the author of its text: its title and note carry
 * ID and phone numbers masked, and no original is kept (the event's detail has it).
 */
export async function notifyChange(
  trx: Kysely<DB> | Transaction<DB>,
  change: NotifiedChange,
  at: Date,
): Promise<number> {
  return notifyChanges(trx, [change], at);
}

export type NotifiedChange = EventChange & { title: string; actorUserId: string | null; note?: string | null };

/** The same for many changes at once (the escalation sweep): one read of followers, one insert. */
export async function notifyChanges(
  trx: Kysely<DB> | Transaction<DB>,
  changes: NotifiedChange[],
  at: Date,
): Promise<number> {
  if (changes.length === 0) return 0;
  const followers = await listFollowers(
    trx,
    changes.map((c) => c.id),
  );
  const rows = changes.flatMap((change) => {
    const recipients = new Set<string>();
    if (change.reporterUserId) recipients.add(change.reporterUserId);
    if (change.action === "assign" && change.assigneeUserId) recipients.add(change.assigneeUserId);
    for (const f of followers) if (f.event_id === change.id) recipients.add(f.user_id);
    if (change.actorUserId) recipients.delete(change.actorUserId);
    return [...recipients].map((userId) => ({
      id: uuidv7(at.getTime()),
      user_id: userId,
      event_id: change.id,
      kind: change.action,
      title: redactPersonalNumbers(`${change.number} ${change.title}`),
      body: JSON.stringify({
        state: change.state,
        level: change.level,
        note: change.note ? redactPersonalNumbers(change.note) : null,
      }),
      created_at: at,
      read_at: null,
    }));
  });
  await insertNotifications(trx, rows);
  return rows.length;
}

/** The change an action made, as the live inboxes and notifications carry it. */
export function changeOf(e: EventRow, action: string): EventChange {
  return {
    id: e.id,
    number: e.number,
    categoryKey: e.category_key,
    action,
    state: e.state,
    level: e.level,
    areaPath: e.area_path,
    reporterUserId: e.reporter_user_id,
    assigneeUserId: e.assignee_user_id,
    at: e.updated_at.toISOString(),
  };
}
