import type { QueueItem, Vault } from "../../lib/offline/vault.ts";
import { type NewVisit, putVisitPhoto, recordVisit } from "./api/field-visits.ts";

/**
 * Visits go through the phone's queue always, online or not: one path, so a visit is sent once with
 * the id and time it was recorded with, and one made offline is no different from one made online.
 */
export const VISIT = "visit";
export const VISIT_PHOTO = "visit.photo";

export async function queueVisit(
  vault: Vault,
  visit: NewVisit,
  summary: string,
  photo?: { id: string; bytes: ArrayBuffer },
): Promise<void> {
  await vault.enqueue({ id: visit.id, kind: VISIT, body: { ...visit, summary }, savedAt: visit.visitedAt });
  if (photo) {
    await vault.enqueue({
      id: photo.id,
      kind: VISIT_PHOTO,
      body: { visitId: visit.id },
      bytes: photo.bytes,
      after: visit.id,
    });
  }
}

export const visitSenders = {
  [VISIT]: async (item: QueueItem) => {
    const { summary: _summary, ...visit } = item.body as unknown as NewVisit & { summary: string };
    await recordVisit(visit);
  },
  [VISIT_PHOTO]: async (item: QueueItem) => {
    await putVisitPhoto((item.body as { visitId: string }).visitId, item.bytes ?? new ArrayBuffer(0));
  },
};
