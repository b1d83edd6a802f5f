import { useEffect, useState } from "react";
import { ApiError } from "../../lib/api-client.ts";
import { useOnline } from "../../lib/use-online.ts";
import { type EventCategory, listCategories, reportEvent } from "./api/events.ts";

/**
 * Reports a grid worker made without a network, kept on the phone (localStorage, per user) until
 * they are sent. Each keeps the id it was made with, so sending one twice — the connection dropped
 * after the server took it — still creates one event. A report the server refuses (a category since
 * retired…) stays, with the reason, until the worker deletes it.
 */
export interface PendingReport {
  id: string;
  body: Record<string, unknown> & { description: string };
  savedAt: string;
  /** Why the server refused it; unset while it only waits for a network. */
  refused?: string;
}

const outboxKey = (userId: string) => `wangge.field.outbox.${userId}`;
const CATEGORIES_KEY = "wangge.field.categories";
const CHANGED = "wangge-outbox-changed";

export function pendingReports(userId: string): PendingReport[] {
  try {
    return JSON.parse(localStorage.getItem(outboxKey(userId)) ?? "[]") as PendingReport[];
  } catch {
    return [];
  }
}

function store(userId: string, reports: PendingReport[]) {
  if (reports.length === 0) localStorage.removeItem(outboxKey(userId));
  else localStorage.setItem(outboxKey(userId), JSON.stringify(reports));
  window.dispatchEvent(new Event(CHANGED));
}

export function keepForLater(userId: string, report: PendingReport) {
  store(userId, [...pendingReports(userId).filter((r) => r.id !== report.id), report]);
}

export function discardReport(userId: string, id: string) {
  store(
    userId,
    pendingReports(userId).filter((r) => r.id !== id),
  );
}

/**
 * Whether a failure means "not now" (no network, the server down or busy, the session expired until
 * the worker signs in again), as opposed to a refusal of the report itself.
 */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 401 || error.status === 429 || error.status >= 500;
}

/** Sends what waits, oldest first; stops at the first that cannot reach the server. */
export async function sendPending(userId: string): Promise<number> {
  let sent = 0;
  for (const report of pendingReports(userId)) {
    if (report.refused) continue;
    try {
      await reportEvent(report.body);
      discardReport(userId, report.id);
      sent++;
    } catch (error) {
      if (isUnreachable(error)) break;
      keepForLater(userId, { ...report, refused: (error as ApiError).code });
    }
  }
  return sent;
}

/** Sends the reports waiting on this phone whenever the network comes back (the app shell runs it). */
export function useOutboxSender(userId: string | undefined) {
  const online = useOnline();
  useEffect(() => {
    if (userId && online) void sendPending(userId);
  }, [userId, online]);
}

/** The reports waiting on this phone, as they change. */
export function usePendingReports(userId: string | undefined): PendingReport[] {
  const [pending, setPending] = useState<PendingReport[]>(() => (userId ? pendingReports(userId) : []));
  useEffect(() => {
    if (!userId) return;
    const reread = () => setPending(pendingReports(userId));
    window.addEventListener(CHANGED, reread);
    reread();
    return () => window.removeEventListener(CHANGED, reread);
  }, [userId]);
  return pending;
}

/** The categories, from the server when it answers, else as last seen on this phone. */
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
