import { authorId, type Principal } from "@wangge/core";
import type { Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { beatOfficersOf } from "../areas/police-beats.service.ts";
import { type AuditEntry, recordAuditBatch } from "../audit/audit.service.ts";
import { changeOf, notifyChanges } from "./event-changes.ts";
import { addFollowers, addToCounters, insertEvents, insertSteps, listTakenEventIds } from "./events.queries.ts";
import type { EventRow } from "./events.table.ts";

/**
 * Writes reported events in groups (group commit): reports that arrive while a write is under way
 * wait for the next one, and each group is one transaction — numbers for all of them, the events,
 * their first steps, the police notifications and the audit records in a handful of statements.
 * Under load that is one commit for dozens of reports; alone, a report is written at once. A group
 * that fails is retried one report at a time, so one bad report cannot sink the others.
 *
 * Whether an id is taken (a report sent again) is asked once per group, in its transaction, not once
 * per request: a report whose id an event already holds — or an earlier report of the same group —
 * is written nowhere and resolves `undefined` (the caller answers it as a retry).
 */
export interface PendingReport {
  /** The event, without its number yet. */
  row: Omit<EventRow, "number">;
  /** Numbers count per county and day: GX-<scope>-NNNN. */
  scope: string;
  actor: Principal;
  meta: RequestMeta;
  /** The grid whose beat officers follow the event (disputes and hazards), if any. */
  policeGridId: string | null;
  auditDetails: Record<string, unknown>;
}

interface Queued extends PendingReport {
  resolve: (row: EventRow | undefined) => void;
  reject: (error: unknown) => void;
}

const MAX_GROUP = 200;

class ReportWriter {
  #queue: Queued[] = [];
  #writing = false;

  constructor(private readonly ctx: AppContext) {}

  submit(report: PendingReport): Promise<EventRow | undefined> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...report, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, MAX_GROUP);
        try {
          const rows = await this.#write(group);
          for (const [i, q] of group.entries()) q.resolve(rows[i]);
        } catch (error) {
          if (group.length === 1) (group[0] as Queued).reject(error);
          else
            for (const q of group)
              await this.#write([q]).then(
                (rows) => q.resolve(rows[0]),
                (e) => q.reject(e),
              );
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  /** Writes a group; returns, in the group's order, each stored event (undefined: its id was taken). */
  async #write(all: Queued[]): Promise<(EventRow | undefined)[]> {
    const ctx = this.ctx;
    return ctx.db.transaction().execute(async (trx) => {
      const taken = await listTakenEventIds(
        trx,
        all.map((q) => q.row.id),
      );
      // The database holds ids in lower case; a client may send one in capitals (a copy of a stored
      // report would otherwise reach the insert, fail the group and have it written one by one).
      const group: Queued[] = [];
      for (const q of all) {
        const id = q.row.id.toLowerCase();
        if (!taken.has(id)) {
          taken.add(id);
          group.push(q);
        }
      }
      if (group.length === 0) return all.map(() => undefined);
      const numbers = await allocateNumbers(
        trx,
        group.map((q) => q.scope),
      );
      const rows: EventRow[] = group.map((q, i) => ({ ...q.row, number: numbers[i] as string }));
      // The insert also counts them in the figures ("reported": a trigger, migration 2026_12_13_0900).
      await insertEvents(trx, rows);
      await insertSteps(
        trx,
        group.map((q, i) => {
          const row = rows[i] as EventRow;
          return {
            id: uuidv7(row.created_at.getTime()),
            event_id: row.id,
            action: "report",
            from_state: null,
            to_state: "reported",
            level: row.level,
            area_path: row.area_path,
            actor_user_id: authorId(q.actor),
            actor_name: q.actor.displayName,
            note: null,
            note_sealed: null,
            lng: row.lng,
            lat: row.lat,
            at: row.created_at,
          };
        }),
      );
      for (const [i, q] of group.entries())
        if (q.policeGridId) await notifyBeatOfficers(trx, rows[i] as EventRow, q, q.policeGridId);
      await recordAuditBatch(
        ctx,
        trx,
        group.map(
          (q, i): AuditEntry => ({
            action: "event.report",
            outcome: "success",
            actor: { userId: authorId(q.actor), username: q.actor.username },
            meta: q.meta,
            targetType: "event",
            targetId: q.row.id,
            areaPath: q.row.area_path,
            details: { number: rows[i]?.number, ...q.auditDetails },
          }),
        ),
      );
      const stored = new Map(group.map((q, i) => [q, rows[i] as EventRow]));
      return all.map((q) => stored.get(q));
    });
  }
}

/** The next numbers of each scope, in the order asked: one statement for the whole group. */
async function allocateNumbers(trx: Transaction<DB>, scopes: string[]): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const s of scopes) counts.set(s, (counts.get(s) ?? 0) + 1);
  const after = await addToCounters(trx, counts);
  const next = new Map([...after].map(([scope, n]) => [scope, n - (counts.get(scope) ?? 0) + 1]));
  return scopes.map((scope) => {
    const n = next.get(scope) ?? 1;
    next.set(scope, n + 1);
    return `GX-${scope}-${String(n).padStart(4, "0")}`;
  });
}

/** 警网融合: the community police of the grid's beats follow public-order matters from the start. */
async function notifyBeatOfficers(trx: Transaction<DB>, row: EventRow, q: PendingReport, gridId: string) {
  const officers = (await beatOfficersOf(trx, gridId)).filter((o) => o.userId !== authorId(q.actor));
  if (officers.length === 0) return;
  await addFollowers(
    trx,
    officers.map((o) => ({
      event_id: row.id,
      user_id: o.userId,
      reason: `beat:${o.beatCode}`,
      created_at: row.created_at,
    })),
  );
  await notifyChanges(
    trx,
    [{ ...changeOf(row, "report"), title: row.title, actorUserId: authorId(q.actor) }],
    row.created_at,
  );
}

const writers = new WeakMap<object, ReportWriter>();

/**
 * Writes a report with the others arriving now; resolves with the stored event (numbered), or
 * undefined when an event already holds its id.
 */
export function writeReport(ctx: AppContext, report: PendingReport): Promise<EventRow | undefined> {
  let writer = writers.get(ctx.db);
  if (!writer) {
    writer = new ReportWriter(ctx);
    writers.set(ctx.db, writer);
  }
  return writer.submit(report);
}
