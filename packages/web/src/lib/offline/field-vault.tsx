import type { Me } from "@wangge/core";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { apiFetch } from "../api-client.ts";
import { type LoadState, useLoad } from "../mobile-load.tsx";
import type { KeptSession } from "../session.tsx";
import { useSession } from "../session.tsx";
import { isUnreachable } from "./queue.ts";
import {
  expireIfStale,
  getMeta,
  type PinUnlock,
  QUEUE_CHANGED,
  type QueueItem,
  setMeta,
  Vault,
  wipeUser,
} from "./vault.ts";

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

/** The vault needs the worker's offline PIN set (first online use): screens offer to set it. */
export const PIN_NEEDED = "wangge-vault-pin-needed";
const PIN_ASKED = "wangge-vault-pin-asked";

/**
 * An unlock waiting for the worker's PIN (shown by VaultPinGate), with the last attempt's outcome: offline,
 * or online after the server's secret changed with the worker's password (`rekey`).
 */
export interface PinRequest {
  reason: "offline" | "rekey";
  wrong?: number;
  left?: number;
  answer(pin: string): void;
}
let pinRequest: PinRequest | undefined;
export const currentPinRequest = () => pinRequest;

function askPin(reason: PinRequest["reason"], last: { wrong: number; left: number } | undefined): Promise<string> {
  return new Promise((resolve) => {
    pinRequest = {
      reason,
      ...(last ?? {}),
      answer: (pin) => {
        pinRequest = undefined;
        window.dispatchEvent(new Event(PIN_ASKED));
        resolve(pin);
      },
    };
    window.dispatchEvent(new Event(PIN_ASKED));
  });
}

/** Opens the last worker's vault without a network: the PIN, asked until right or the vault is wiped. */
async function unlockOffline(userId: string): Promise<Vault | undefined> {
  const open = await Vault.open(userId);
  if (open) return open;
  const lock = await Vault.lock(userId);
  if (lock === "legacy") return Vault.openLegacy(userId);
  if (lock !== "pin") return undefined;
  return withPin("offline", (pin) => Vault.unlockWithPin(userId, pin));
}

/** The PIN asked until right or the vault is wiped (then undefined). */
async function withPin(reason: PinRequest["reason"], attempt: (pin: string) => Promise<PinUnlock>) {
  let last: { wrong: number; left: number } | undefined;
  for (;;) {
    const result = await attempt(await askPin(reason, last));
    if ("vault" in result) return result.vault;
    if ("wiped" in result) return undefined;
    last = result;
  }
}

/**
 * Opens (or makes) the worker's vault online; when the server's secret changed with their password,
 * their offline PIN once, to keep what the phone holds under the new secret (a wiped vault is made anew).
 */
async function unlockOnline(userId: string, secret: string): Promise<Vault | undefined> {
  const opened = await Vault.unlockOnline(userId, secret);
  if (opened !== "rekey") return opened;
  const kept = await withPin("rekey", (pin) => Vault.rekeyWithPin(userId, pin, secret));
  if (kept) return kept;
  // Five wrong PINs wiped it: a new, empty vault under the new secret.
  const fresh = await Vault.unlockOnline(userId, secret);
  return fresh === "rekey" ? undefined : fresh;
}

export const fieldKeptSession: KeptSession = {
  async load() {
    const userId = await getMeta<string>("lastUser");
    if (!userId) return null;
    const vault = await unlockOffline(userId);
    if (!vault) return null;
    window.dispatchEvent(new Event(VAULT_OPENED));
    await expireIfStale(vault);
    const me = await vault.get<Omit<Me, "csrfToken">>("me");
    return me ? ({ ...me, csrfToken: "" } as Me) : null;
  },
  async keep(me) {
    const { secret } = await apiFetch<{ secret: string }>("/api/v1/auth/field-vault-key");
    const vault = await unlockOnline(me.user.id, secret);
    if (!vault) return;
    await expireIfStale(vault);
    const { csrfToken: _token, ...rest } = me;
    await vault.put("me", rest);
    await setMeta("lastUser", me.user.id);
    window.dispatchEvent(new Event(VAULT_OPENED));
    if ((await Vault.lock(me.user.id)) === "no_pin") window.dispatchEvent(new Event(PIN_NEEDED));
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
    const look = () => void Vault.open(userId).then((v) => live && v && setVault(v));
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

/** The offline unlock waiting for a PIN, as it changes. */
export function usePinRequest(): PinRequest | undefined {
  const [request, setRequest] = useState(currentPinRequest);
  useEffect(() => {
    const changed = () => setRequest(currentPinRequest());
    window.addEventListener(PIN_ASKED, changed);
    changed();
    return () => window.removeEventListener(PIN_ASKED, changed);
  }, []);
  return request;
}

/** Whether the signed-in worker's vault still needs its offline PIN (then set it with `vault.setPin`). */
export function usePinNeeded(): [boolean, () => void] {
  const vault = useVault();
  const [needed, setNeeded] = useState(false);
  useEffect(() => {
    if (!vault) return;
    let live = true;
    const look = () => void Vault.lock(vault.userId).then((lock) => live && setNeeded(lock === "no_pin"));
    window.addEventListener(PIN_NEEDED, look);
    look();
    return () => {
      live = false;
      window.removeEventListener(PIN_NEEDED, look);
    };
  }, [vault]);
  return [needed, () => setNeeded(false)];
}
