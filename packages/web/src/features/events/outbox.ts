import { DEVICE_TIME_MAX_AGE_DAYS } from "@wangge/core";
import { useEffect } from "react";
import { useQueue } from "../../lib/offline/field-vault.tsx";
import { isUnreachable } from "../../lib/offline/queue.ts";
import type { QueueItem, Vault } from "../../lib/offline/vault.ts";
import { type EventCategory, listCategories, reportEvent, uploadAttachment } from "./api/events.ts";

/**
 * Reports (and their photos) a grid worker made without a network: kept in the phone's encrypted
 * queue (lib/offline) until they are sent, each with the id it was made with, so sending one twice —
 * the connection dropped after the server took it — still creates one event. A report the server
 * refuses (a category since retired…) stays, with the reason, until the worker deletes it.
 */
export const REPORT = "event.report";
/** The oldest time of occurrence the server takes, less a day's margin. */
const OCCURRED_AT_MAX_AGE_MS = (DEVICE_TIME_MAX_AGE_DAYS - 1) * 86_400_000;
export const EVENT_PHOTO = "event.photo";

export interface PendingReport {
  id: string;
  body: Record<string, unknown> & { description: string };
  savedAt: string;
  /** Why the server refused it; unset while it only waits for a network. */
  refused?: string;
}

export { isUnreachable };

export function keepForLater(vault: Vault, report: { id: string; body: Record<string, unknown> }): Promise<void> {
  return vault.enqueue({ id: report.id, kind: REPORT, body: report.body });
}

/** A photo for an event (a report's, or the one taken at 办结), sent after the event itself. */
export function keepPhotoForLater(
  vault: Vault,
  photo: { id: string; eventId: string; fileName: string; bytes: ArrayBuffer; after?: string },
): Promise<void> {
  return vault.enqueue({
    id: photo.id,
    kind: EVENT_PHOTO,
    body: { eventId: photo.eventId, fileName: photo.fileName },
    bytes: photo.bytes,
    ...(photo.after ? { after: photo.after } : {}),
  });
}

/** How the queue sends these kinds (registered by the field app). */
export const eventSenders = {
  [REPORT]: async (item: QueueItem) => {
    // A report queued by an earlier version has no time of its own: the time it was kept, when the
    // server still takes it (otherwise it arrives with the server's time, not refused for it).
    const madeAt = Date.parse(item.savedAt);
    const body =
      "occurredAt" in item.body || !(Date.now() - madeAt < OCCURRED_AT_MAX_AGE_MS)
        ? item.body
        : { ...item.body, occurredAt: item.savedAt };
    await reportEvent(body);
  },
  [EVENT_PHOTO]: async (item: QueueItem) => {
    const { eventId, fileName } = item.body as { eventId: string; fileName: string };
    const file = new File([item.bytes ?? new ArrayBuffer(0)], fileName, { type: "image/jpeg" });
    await uploadAttachment(eventId, file, item.id);
  },
};

/** The reports waiting on this phone, as they change. */
export function usePendingReports(): PendingReport[] {
  return useQueue()
    .filter((item) => item.kind === REPORT)
    .map((item) => ({
      id: item.id,
      body: item.body as PendingReport["body"],
      savedAt: item.savedAt,
      ...(item.refused ? { refused: item.refused.code } : {}),
    }));
}

/**
 * Reports an earlier version kept in localStorage, in clear: moved into the encrypted queue, and the
 * clear copy deleted.
 */
export function useLegacyOutboxMove(vault: Vault | undefined) {
  useEffect(() => {
    if (!vault) return;
    const key = `wangge.field.outbox.${vault.userId}`;
    const raw = localStorage.getItem(key);
    if (!raw) return;
    void (async () => {
      try {
        for (const r of JSON.parse(raw) as { id: string; body: Record<string, unknown>; savedAt: string }[]) {
          await vault.enqueue({ id: r.id, kind: REPORT, body: r.body, savedAt: r.savedAt });
        }
      } finally {
        localStorage.removeItem(key);
      }
    })();
  }, [vault]);
}

const CATEGORIES_KEY = "wangge.field.categories";

/** The categories (no personal data), from the server when it answers, else as last seen on this phone. */
export async function categoriesForReporting(): Promise<EventCategory[]> {
  try {
    const categories = await listCategories();
    localStorage.setItem(CATEGORIES_KEY, JSON.stringify(categories));
    return categories;
  } catch (error) {
    const kept = localStorage.getItem(CATEGORIES_KEY);
    if (kept && isUnreachable(error)) return JSON.parse(kept) as EventCategory[];
    throw error;
  }
}
