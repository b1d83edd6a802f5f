import { SYNCED } from "../../lib/offline/field-vault.tsx";
import type { QueueItem, Vault } from "../../lib/offline/vault.ts";
import {
  type FieldDueItem,
  type FieldPack,
  type NewVisit,
  needToEvent,
  needToLeadHousehold,
  putVisitPhoto,
  recordVisit,
} from "./api/field-visits.ts";

/**
 * Visits go through the phone's queue always, online or not: one path, so a visit is sent once with
 * the id and time it was recorded with, and one made offline is no different from one made online.
 */
export const VISIT = "visit";
export const VISIT_PHOTO = "visit.photo";
export const VISIT_NEED = "visit.need";

/** The category a need becomes an event of: a livelihood request (民生服务诉求), which the handler may change. */
export const NEED_CATEGORY = "request.livelihood";

/**
 * Where a need found on the visit goes, chosen with one tap on the form: an event pre-filled from the
 * visit, or a service request to the household's party-member lead household. Sent after the visit,
 * with the event's client id made now, so a retry creates one event.
 */
export interface NeedHandOn {
  needId: string;
  to: "event" | "lead";
  /** What the queue list shows. */
  summary: string;
}

export async function queueVisit(
  vault: Vault,
  visit: NewVisit,
  summary: string,
  photo?: { id: string; bytes: ArrayBuffer },
  /** The kept field pack the visit was recorded from: marked done there once the server has it. */
  packName?: string,
  handOn?: NeedHandOn,
): Promise<void> {
  await vault.enqueue({
    id: visit.id,
    kind: VISIT,
    body: { ...visit, summary, ...(packName ? { packName } : {}) },
    savedAt: visit.visitedAt,
  });
  if (photo) {
    await vault.enqueue({
      id: photo.id,
      kind: VISIT_PHOTO,
      body: { visitId: visit.id },
      bytes: photo.bytes,
      after: visit.id,
    });
  }
  if (handOn) {
    await vault.enqueue({
      id: crypto.randomUUID(),
      kind: VISIT_NEED,
      body: {
        visitId: visit.id,
        needId: handOn.needId,
        to: handOn.to,
        ...(handOn.to === "event" ? { eventId: crypto.randomUUID(), categoryKey: NEED_CATEGORY } : {}),
        summary: handOn.summary,
      },
      after: visit.id,
    });
  }
}

/** The subject visited shows as done on the phone at once, not only after the next sync. */
async function markDone(vault: Vault, packName: string, visit: NewVisit): Promise<void> {
  const pack = await vault.get<FieldPack>(packName);
  if (!pack) return;
  const day = visit.visitedAt.slice(0, 10);
  const visited = (d: FieldDueItem) =>
    d.householdId === visit.householdId &&
    (d.personId === null ? visit.personIds.length === 0 : visit.personIds.includes(d.personId));
  await vault.put(packName, {
    ...pack,
    due: pack.due.map((d) => (visited(d) ? { ...d, status: "done" as const, lastVisitedOn: day } : d)),
  });
  window.dispatchEvent(new Event(SYNCED));
}

export const visitSenders = {
  [VISIT]: async (item: QueueItem, vault: Vault) => {
    const {
      summary: _summary,
      packName,
      ...visit
    } = item.body as unknown as NewVisit & {
      summary: string;
      packName?: string;
    };
    await recordVisit(visit);
    if (packName) await markDone(vault, packName, visit);
  },
  [VISIT_PHOTO]: async (item: QueueItem) => {
    await putVisitPhoto((item.body as { visitId: string }).visitId, item.bytes ?? new ArrayBuffer(0));
  },
  [VISIT_NEED]: async (item: QueueItem) => {
    const need = item.body as {
      visitId: string;
      needId: string;
      to: "event" | "lead";
      eventId?: string;
      categoryKey?: string;
    };
    if (need.to === "event")
      await needToEvent(need.visitId, need.needId, {
        id: need.eventId as string,
        categoryKey: need.categoryKey ?? NEED_CATEGORY,
      });
    else await needToLeadHousehold(need.visitId, need.needId);
  },
};
