import { ApiError, isServerUnreached } from "../api-client.ts";
import type { QueueItem, Vault } from "./vault.ts";

/**
 * The queue of what a worker recorded without a network (reports, visits, photos), in the vault:
 * sent oldest first when the network returns, each once — every record carries the id it was made
 * with, and the server answers a retried create with the first result. A record the server refuses
 * stays, with the server's code and words, until the worker deletes it; a record that must follow
 * another (a photo after its report) waits for it, and is refused with it.
 */
export type Sender = (item: QueueItem, vault: Vault) => Promise<void>;

const senders = new Map<string, Sender>();

/** How records of one kind reach the server (the app shell registers one per kind at start). */
export function registerSender(kind: string, send: Sender): void {
  senders.set(kind, send);
}

/**
 * Whether a failure means "not now" (the server not reached — isServerUnreached —, the server down or
 * busy, the session expired until the worker signs in again, a server without the route yet), as
 * opposed to a refusal of the record itself.
 */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof ApiError) || isServerUnreached(error)) return true;
  if (error.status === 404 && error.code === "ROUTE_NOT_FOUND") return true;
  return error.status === 0 || error.status === 401 || error.status === 429 || error.status >= 500;
}

let running: Promise<number> | undefined;

/** Sends what waits; one run at a time per page. Resolves to how many records arrived. */
export function sendQueue(vault: Vault): Promise<number> {
  running ??= run(vault).finally(() => {
    running = undefined;
  });
  return running;
}

async function run(vault: Vault): Promise<number> {
  const send = async () => {
    let sent = 0;
    const items = await vault.queue();
    const waiting = new Map(items.map((item) => [item.id, item]));
    for (const item of items) {
      if (item.refused) continue;
      const first = item.after ? waiting.get(item.after) : undefined;
      if (first?.refused) {
        await vault.refuse(item.id, first.refused);
        continue;
      }
      if (first) break;
      const sender = senders.get(item.kind);
      if (!sender) continue;
      try {
        await sender(item, vault);
        await vault.remove(item.id);
        waiting.delete(item.id);
        sent++;
      } catch (error) {
        if (isUnreachable(error)) break;
        const failure = error as ApiError;
        const refused = { code: failure.code, detail: failure.message };
        await vault.refuse(item.id, refused);
        waiting.set(item.id, { ...item, refused });
      }
    }
    return sent;
  };
  // One sender across the app's tabs, where the browser can say so.
  if (typeof navigator !== "undefined" && navigator.locks)
    return navigator.locks.request(`wangge-queue-${vault.userId}`, send);
  return send();
}
