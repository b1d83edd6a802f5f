import { useEffect, useSyncExternalStore } from "react";
import { apiFetch } from "./api-client.ts";

/**
 * Names for the area and grid codes that records carry (`450802001003G01` → 金港社区第一网格), shared by
 * every list of an app: codes asked for in one render are looked up together (GET /areas/names, in
 * the caller's scope), and each name is remembered for the page's life. A code the server does not
 * name (outside the scope, or no such area) stays shown as the code.
 */
const known = new Map<string, string | null>();
const waiting = new Set<string>();
const listeners = new Set<() => void>();
let scheduled = false;
/** The most codes one request names (the route's limit). */
const BATCH = 200;

function notify() {
  for (const listener of listeners) listener();
}

async function lookUp(): Promise<void> {
  scheduled = false;
  const codes = [...waiting];
  waiting.clear();
  for (let i = 0; i < codes.length; i += BATCH) {
    const batch = codes.slice(i, i + BATCH);
    try {
      const names = await apiFetch<{ code: string; name: string }[]>(
        `/api/v1/areas/names?codes=${batch.map(encodeURIComponent).join(",")}`,
      );
      for (const code of batch) known.set(code, null);
      for (const n of names) known.set(n.code, n.name);
    } catch {
      // Shown as codes for now; asked again when next needed.
      for (const code of batch) known.delete(code);
    }
  }
  notify();
}

function request(code: string) {
  if (known.has(code) || waiting.has(code)) return;
  waiting.add(code);
  if (!scheduled) {
    scheduled = true;
    setTimeout(() => void lookUp(), 0);
  }
}

/** Names the page already has (from a map or a tree), so they need no look-up. */
export function rememberAreaNames(areas: readonly { code: string; name: string }[]): void {
  for (const a of areas) known.set(a.code, a.name);
  notify();
}

/** Forgets every name (another user signed in: their scope differs). */
export function forgetAreaNames(): void {
  known.clear();
  notify();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The name of an area code, once known; undefined while looking it up or when the server names none. */
export function useAreaName(code: string | null | undefined): string | undefined {
  const name = useSyncExternalStore(subscribe, () => (code ? known.get(code) : undefined));
  useEffect(() => {
    if (code) request(code);
  }, [code]);
  return name ?? undefined;
}
