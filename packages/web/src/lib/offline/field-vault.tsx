import type { Me } from "@wangge/core";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { type LoadState, useLoad } from "../mobile-load.tsx";
import type { KeptSession } from "../session.tsx";
import { useSession } from "../session.tsx";
import { isUnreachable } from "./queue.ts";
import { expireIfStale, getMeta, QUEUE_CHANGED, type QueueItem, setMeta, Vault, wipeUser } from "./vault.ts";

/**
 * The signed-in worker's vault for the field app's screens: `useVault()` is undefined until it is open
 * (and in the other apps, which keep nothing). The session itself is kept in it (`fieldKeptSession`),
 * so the app opens offline on the worker who last signed in — without their session's CSRF token,
 * which comes back with the network.
 */
const VaultContext = createContext<Vault | undefined>(undefined);
const VAULT_OPENED = "wangge-vault-opened";
/** A sync finished: screens that read the kept data read it again. */
export const SYNCED = "wangge-synced";

export const fieldKeptSession: KeptSession = {
  async load() {
    const userId = await getMeta<string>("lastUser");
    if (!userId) return null;
    const vault = await Vault.open(userId, { create: false });
    if (!vault) return null;
    await expireIfStale(vault);
    const me = await vault.get<Omit<Me, "csrfToken">>("me");
    return me ? ({ ...me, csrfToken: "" } as Me) : null;
  },
  async keep(me) {
    const vault = await Vault.open(me.user.id, { create: true });
    if (!vault) return;
    await expireIfStale(vault);
    const { csrfToken: _token, ...rest } = me;
    await vault.put("me", rest);
    await setMeta("lastUser", me.user.id);
    window.dispatchEvent(new Event(VAULT_OPENED));
  },
  async forget(me) {
    await wipeUser(me.user.id);
  },
};

export function VaultProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const userId = me?.user.id;
  const [vault, setVault] = useState<Vault>();
  useEffect(() => {
    let live = true;
    setVault(undefined);
    if (!userId) return;
    const look = () => void Vault.open(userId, { create: false }).then((v) => live && v && setVault(v));
    // The vault is made by keep() at sign-in, possibly just after this ran: look again then.
    window.addEventListener(VAULT_OPENED, look);
    look();
    return () => {
      live = false;
      window.removeEventListener(VAULT_OPENED, look);
    };
  }, [userId]);
  return <VaultContext.Provider value={vault}>{children}</VaultContext.Provider>;
}

export function useVault(): Vault | undefined {
  return useContext(VaultContext);
}

/** The queue as it changes (reports, visits, photos waiting or refused). */
export function useQueue(): QueueItem[] {
  const vault = useVault();
  const [items, setItems] = useState<QueueItem[]>([]);
  useEffect(() => {
    if (!vault) return;
    let live = true;
    const reread = () => void vault.queue().then((q) => live && setItems(q));
    window.addEventListener(QUEUE_CHANGED, reread);
    reread();
    return () => {
      live = false;
      window.removeEventListener(QUEUE_CHANGED, reread);
    };
  }, [vault]);
  return items;
}

/**
 * What the last sync kept under `name`, read again after each sync; fetched (and kept) only when the
 * phone has none yet. For what the sync brings in whole (the field pack: every household of the grid),
 * so a screen does not download it again each time it opens.
 */
export function useKept<T>(name: string | undefined, fetchWhenMissing: () => Promise<T>): LoadState<T> {
  const vault = useVault();
  const [synced, setSynced] = useState(0);
  useEffect(() => {
    const reread = () => setSynced((n) => n + 1);
    window.addEventListener(SYNCED, reread);
    return () => window.removeEventListener(SYNCED, reread);
  }, []);
  return useLoad(
    `kept/${name}`,
    async () => {
      const kept = vault && name ? await vault.get<T>(name) : undefined;
      if (kept !== undefined) return kept;
      return loadKept(vault, name ?? "", fetchWhenMissing);
    },
    [name, vault?.userId],
    synced,
  );
}

/**
 * A read that the phone keeps: the server's answer (kept, encrypted) when it answers, else what was
 * kept last time, so a list stays on screen offline instead of an error.
 */
export async function loadKept<T>(vault: Vault | undefined, name: string, load: () => Promise<T>): Promise<T> {
  try {
    const value = await load();
    if (vault) void vault.put(name, value).catch(() => undefined);
    return value;
  } catch (error) {
    if (vault && isUnreachable(error)) {
      const kept = await vault.get<T>(name);
      if (kept !== undefined) return kept;
    }
    throw error;
  }
}
