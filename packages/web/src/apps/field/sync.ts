import type { Me } from "@wangge/core";
import { useEffect } from "react";
import { exportSubtree } from "../../features/areas/api/areas.ts";
import { listEvents } from "../../features/events/api/events.ts";
import { eventSenders } from "../../features/events/outbox.ts";
import { leadHouseholdLayer } from "../../features/registry/api/registry.ts";
import { type FieldPack, getFieldPack } from "../../features/visits/api/field-visits.ts";
import { visitSenders } from "../../features/visits/field-queue.ts";
import { ApiError } from "../../lib/api-client.ts";
import { SYNCED } from "../../lib/offline/field-vault.tsx";
import { isUnreachable, registerSender, sendQueue } from "../../lib/offline/queue.ts";
import { QUEUE_SAVED, type SyncState, saveSyncState, syncState, type Vault } from "../../lib/offline/vault.ts";

/**
 * The field app's sync: first what the phone recorded goes out (the queue), then what it keeps comes
 * in — the worker's own grid first (their tasks, most recent first; then each posted area's field pack,
 * the deepest — their own grid — first). Each step is saved when done, so a sync cut by the network
 * resumes at the step where it stopped; the kept data lives 7 days from the last finished sync.
 */
for (const [kind, send] of Object.entries({ ...eventSenders, ...visitSenders })) registerSender(kind, send);

export function syncPlan(me: Me): string[] {
  const areas = me.assignments
    .map((a) => a.areaCode)
    .filter((c): c is string => Boolean(c))
    .sort((a, b) => b.length - a.length || a.localeCompare(b));
  const own = areas[0];
  return [
    "tasks/area",
    "tasks/mine",
    ...[...new Set(areas)].map((code) => `pack/${code}`),
    ...(own ? [`map/grid/${own}`, `map/links/${own}`] : []),
  ];
}

/** Households per page of a field pack: a cut connection loses at most one page. */
const PACK_PAGE = 500;

async function runStep(vault: Vault, step: string, state: SyncState): Promise<void> {
  if (step.startsWith("tasks/")) {
    const box = step.slice("tasks/".length) as "area" | "mine";
    await vault.put(step, await listEvents({ box, limit: 100 }));
    return;
  }
  if (step.startsWith("map/grid/")) {
    await vault.put(step, await exportSubtree(step.slice("map/grid/".length)));
    return;
  }
  if (step.startsWith("map/links/")) {
    await vault.put(step, await leadHouseholdLayer(step.slice("map/links/".length)));
    return;
  }
  if (step.startsWith("pack/")) {
    const code = step.slice("pack/".length);
    // Newest households first, a page at a time; the page to ask for next is saved, so a sync cut
    // by the network goes on from there.
    let before = state.cursor?.step === step ? state.cursor.before : undefined;
    let kept = before ? await vault.get<FieldPack>(step) : undefined;
    try {
      for (;;) {
        const page = await getFieldPack(code, { limit: PACK_PAGE, ...(before ? { before } : {}) });
        kept = kept && before ? { ...page, households: [...kept.households, ...page.households] } : page;
        await vault.put(step, kept);
        if (!page.nextBefore) break;
        before = page.nextBefore;
        state.cursor = { step, before };
        await saveSyncState(vault.userId, state);
      }
      delete state.cursor;
    } catch (error) {
      // A server without visits yet, or an area that is not the worker's to visit: nothing to keep.
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return;
      throw error;
    }
  }
}

let syncing = false;

export async function syncNow(vault: Vault, me: Me): Promise<void> {
  if (syncing) return;
  syncing = true;
  try {
    await sendQueue(vault);
    const state = await syncState(vault.userId);
    const steps = state.pending?.length ? state.pending : syncPlan(me);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as string;
      state.pending = steps.slice(i);
      try {
        await runStep(vault, step, state);
      } catch (error) {
        if (isUnreachable(error)) {
          await saveSyncState(vault.userId, state);
          return;
        }
        delete state.cursor;
      }
      state.pending = steps.slice(i + 1);
      await saveSyncState(vault.userId, state);
    }
    await saveSyncState(vault.userId, { lastSyncAt: new Date().toISOString() });
    window.dispatchEvent(new Event(SYNCED));
  } finally {
    syncing = false;
  }
}

/**
 * Sends and syncs when the server can be reached (`online`, lib/reachability.ts — not merely when the
 * browser has a network): at start and when it returns; what is recorded meanwhile goes at once (and
 * is retried every half minute). An offline session is asked again first, for its CSRF token.
 */
export function useFieldSync(
  vault: Vault | undefined,
  online: boolean,
  session: { me: Me | null; offline: boolean; refresh: () => Promise<void> },
) {
  const { me, offline, refresh } = session;
  useEffect(() => {
    if (!online || !vault || !me) return;
    if (offline) {
      void refresh().catch(() => undefined);
      return;
    }
    // A whole sync at start and whenever the network returns; between, only what waits is sent (every
    // half minute) — the grid's data is not downloaded again every time.
    void syncNow(vault, me);
    const timer = window.setInterval(() => void sendQueue(vault), 30_000);
    const onQueued = () => void sendQueue(vault);
    window.addEventListener(QUEUE_SAVED, onQueued);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(QUEUE_SAVED, onQueued);
    };
  }, [online, vault, me, offline, refresh]);
}
