/**
 * What the field app keeps on the phone for its signed-in worker, encrypted: the data visits need
 * offline (due list, households, people's names and tags — the server never sends ID or phone numbers
 * to it), the task list as last seen, and the queue of what was recorded without a network.
 *
 * - One AES-GCM-256 data key per worker, made on the phone at their first sign-in there. It is never
 *   stored in clear (#18 item 3): IndexedDB keeps it only wrapped twice — by the worker's vault secret
 *   from the server (GET /auth/field-vault-key, asked while the session is valid and held in memory
 *   only: online unlock, nothing to type) and by a key derived from the worker's offline PIN (PBKDF2-
 *   SHA-256, PBKDF2_ITERATIONS rounds, a random salt; set once at first online use: offline unlock).
 *   Unwrapped, it lives in memory as a non-extractable CryptoKey. Every value is encrypted with a fresh
 *   12-byte IV and bound to its slot (additional data: user id and name).
 * - A wrong PIN PIN_MAX_TRIES times in a row wipes the vault; so do sign-out and, for the kept data,
 *   7 days without a sync (the queue stays then, so no recorded work is lost).
 * - The server's secret changes with the worker's password (server auth/field-vault-key.ts): the next
 *   online unlock then asks the PIN once and wraps the data key under the new secret, so the queue
 *   and kept data stay (without a PIN set, they are lost).
 * - What the PIN is worth, plainly: the count of wrong PINs is kept by this code, so it stops someone
 *   who picks up the phone and opens the app. It does not stop someone who copies the browser's
 *   storage off the phone (a rooted phone, a forensic tool): they try PINs against the PIN-wrapped key
 *   at their own pace. PBKDF2 makes each guess cost 600,000 HMAC-SHA-256; one current GPU (some 10^10
 *   of them a second) tries every 4-digit PIN in about a second, every 6-digit one in about a minute,
 *   every 8-digit one in under two hours. Against that attacker what holds is that the phone keeps
 *   little (no ID or phone numbers; names and tags of the grid's households, the worker's own queue)
 *   and not for long (7 days without a sync).
 * - In clear are only ids, times and the server's refusal codes: no name, address, note or number.
 */
const DB_NAME = "wangge-field";
const DB_VERSION = 1;
export const KEEP_WITHOUT_SYNC_MS = 7 * 24 * 3600 * 1000;

type StoreName = "keys" | "data" | "queue" | "meta";

interface Wrapped {
  iv: Uint8Array;
  cipher: ArrayBuffer;
}
interface KeyRow {
  userId: string;
  /** The data key wrapped by the server's vault secret. */
  byServer?: Wrapped;
  /** The data key wrapped by the key of the worker's offline PIN. */
  byPin?: Wrapped & { salt: Uint8Array; iterations: number };
  /** Wrong PINs in a row. */
  pinTries?: number;
  /** Before #18 item 3: the data key itself (non-extractable), replaced at the next online unlock. */
  key?: CryptoKey;
  createdAt: string;
}

/** OWASP's figure for PBKDF2-HMAC-SHA256 (2023). */
export const PBKDF2_ITERATIONS = 600_000;
/** Wrong offline PINs in a row that wipe the worker's vault. */
export const PIN_MAX_TRIES = 5;
export const PIN_PATTERN = /^\d{4,8}$/;
interface DataRow {
  slot: string;
  userId: string;
  iv: Uint8Array;
  cipher: ArrayBuffer;
}
/** A queued record as stored: what it is and whether it was refused in clear, its content sealed. */
export interface QueueRow {
  id: string;
  userId: string;
  kind: string;
  savedAt: string;
  /** Another record that must reach the server first (a photo's visit or report). */
  after?: string;
  refused?: { code: string; detail: string };
  iv: Uint8Array;
  cipher: ArrayBuffer;
}
interface MetaRow {
  name: string;
  value: unknown;
}

let opening: Promise<IDBDatabase> | undefined;

function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("keys", { keyPath: "userId" });
      db.createObjectStore("data", { keyPath: "slot" }).createIndex("userId", "userId");
      db.createObjectStore("queue", { keyPath: "id" }).createIndex("userId", "userId");
      db.createObjectStore("meta", { keyPath: "name" });
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading: let it, and open again next time.
      db.onversionchange = () => {
        db.close();
        opening = undefined;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = undefined;
      reject(request.error);
    };
  });
  return opening;
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function tx<T>(
  stores: StoreName[],
  mode: IDBTransactionMode,
  work: (get: (name: StoreName) => IDBObjectStore) => Promise<T> | T,
): Promise<T> {
  const db = await openDb();
  const transaction = db.transaction(stores, mode);
  const finished = new Promise<void>((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("transaction aborted"));
  });
  const result = await work((name) => transaction.objectStore(name));
  await finished;
  return result;
}

async function deleteByUser(store: IDBObjectStore, userId: string): Promise<void> {
  const keys = await done(store.index("userId").getAllKeys(IDBKeyRange.only(userId)));
  for (const key of keys) store.delete(key);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function seal(key: CryptoKey, slot: string, plain: BufferSource) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(slot) }, key, plain);
  return { iv, cipher };
}

async function open(key: CryptoKey, slot: string, iv: Uint8Array, cipher: ArrayBuffer): Promise<ArrayBuffer> {
  return crypto.subtle.decrypt(
    { name: "AES-GCM", iv: iv as Uint8Array<ArrayBuffer>, additionalData: encoder.encode(slot) },
    key,
    cipher,
  );
}

/** A queued record with its content opened. */
export interface QueueItem<B = Record<string, unknown>> {
  id: string;
  kind: string;
  savedAt: string;
  after?: string;
  refused?: { code: string; detail: string };
  body: B;
  /** A photo's bytes (already compressed on the phone). */
  bytes?: ArrayBuffer;
}

const keyRow = async (userId: string) =>
  (await tx(["keys"], "readonly", (get) => done(get("keys").get(userId)))) as KeyRow | undefined;
const putKeyRow = (row: KeyRow) =>
  tx(["keys"], "readwrite", (get) => {
    get("keys").put(row);
  });

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const serverWrappingKey = (secret: string) =>
  crypto.subtle.importKey("raw", fromBase64url(secret), "AES-GCM", false, ["wrapKey", "unwrapKey"]);

async function pinWrappingKey(pin: string, salt: Uint8Array, iterations: number) {
  const base = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt: salt as Uint8Array<ArrayBuffer>, iterations, hash: "SHA-256" },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
}

async function wrap(dataKey: CryptoKey, by: CryptoKey, label: string): Promise<Wrapped> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.wrapKey("raw", dataKey, by, {
    name: "AES-GCM",
    iv,
    additionalData: encoder.encode(label),
  });
  return { iv, cipher };
}

function unwrap(wrapped: Wrapped, by: CryptoKey, label: string, extractable: boolean): Promise<CryptoKey> {
  return crypto.subtle.unwrapKey(
    "raw",
    wrapped.cipher,
    by,
    { name: "AES-GCM", iv: wrapped.iv as Uint8Array<ArrayBuffer>, additionalData: encoder.encode(label) },
    { name: "AES-GCM" },
    extractable,
    ["encrypt", "decrypt"],
  );
}

/** A wrong PIN counted; the PIN_MAX_TRIES-th in a row wipes the vault. */
async function wrongPin(row: KeyRow): Promise<PinUnlock> {
  const wrong = (row.pinTries ?? 0) + 1;
  if (wrong >= PIN_MAX_TRIES) {
    await wipeUser(row.userId);
    return { wiped: true };
  }
  await putKeyRow({ ...row, pinTries: wrong });
  return { wrong, left: PIN_MAX_TRIES - wrong };
}

/** Vaults unlocked in this page (their keys in memory only), and the server's secrets that opened them. */
const unlocked = new Map<string, Vault>();
const secrets = new Map<string, string>();

/** What an offline unlock with a PIN came to. */
export type PinUnlock = { vault: Vault } | { wrong: number; left: number } | { wiped: true };

/** One worker's encrypted storage on this phone. */
export class Vault {
  private constructor(
    readonly userId: string,
    private readonly key: CryptoKey,
  ) {}

  /** The worker's vault if it is unlocked in this page. */
  static async open(userId: string): Promise<Vault | undefined> {
    return unlocked.get(userId);
  }

  /** Whether this phone keeps a vault for the worker, and how it may be opened without a network. */
  static async lock(userId: string): Promise<"none" | "pin" | "no_pin" | "legacy"> {
    if (typeof indexedDB === "undefined" || !crypto.subtle) return "none";
    const row = await keyRow(userId);
    if (!row) return "none";
    if (row.key && !row.byServer) return "legacy";
    return row.byPin ? "pin" : "no_pin";
  }

  /**
   * Unlocks (or, at a worker's first sign-in on this phone, makes) the vault with the server's secret
   * for the worker: online, nothing to type. A vault of an earlier version (its key kept in clear) is
   * moved under a new wrapped key: its queue sealed again, its kept data left to the next sync.
   */
  static async unlockOnline(userId: string, secret: string): Promise<Vault | "rekey" | undefined> {
    if (typeof indexedDB === "undefined" || !crypto.subtle) return undefined;
    const by = await serverWrappingKey(secret);
    const label = `${userId}/server`;
    const row = await keyRow(userId);
    if (row?.byServer) {
      try {
        const vault = new Vault(userId, await unwrap(row.byServer, by, label, false));
        if (row.pinTries) await putKeyRow({ ...row, pinTries: 0 });
        secrets.set(userId, secret);
        unlocked.set(userId, vault);
        return vault;
      } catch {
        // Wrapped under another secret (the worker's password changed, or the deployment's keys were
        // replaced): the offline PIN still opens it, to be wrapped under the new one (`rekeyWithPin`);
        // without a PIN nothing can open it.
        if (row.byPin) return "rekey";
        await wipeUser(userId);
      }
    }
    const dataKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    const fresh: KeyRow = { userId, byServer: await wrap(dataKey, by, label), createdAt: new Date().toISOString() };
    const vault = new Vault(userId, await unwrap(fresh.byServer as Wrapped, by, label, false));
    if (row?.key && !row.byServer) {
      const legacy = new Vault(userId, row.key);
      const queued = await legacy.queue();
      await legacy.clearData();
      for (const item of queued) await vault.enqueue(item, { quiet: true });
    }
    await putKeyRow(fresh);
    // Made at sign-in, so online: the 7 days without a sync count from here until the first sync ends.
    if (!row) await saveSyncState(userId, { lastSyncAt: fresh.createdAt });
    secrets.set(userId, secret);
    unlocked.set(userId, vault);
    return vault;
  }

  /** A vault of an earlier version, whose key is kept in clear: opened as before, until online. */
  static async openLegacy(userId: string): Promise<Vault | undefined> {
    const row = await keyRow(userId);
    if (!row?.key || row.byServer) return undefined;
    const vault = new Vault(userId, row.key);
    unlocked.set(userId, vault);
    return vault;
  }

  /**
   * Unlocks the vault with the worker's offline PIN. A wrong PIN counts; the PIN_MAX_TRIES-th wrong one
   * in a row wipes the vault (kept data, queue, key).
   */
  static async unlockWithPin(userId: string, pin: string): Promise<PinUnlock> {
    const row = await keyRow(userId);
    if (!row?.byPin) return { wiped: true };
    const by = await pinWrappingKey(pin, row.byPin.salt, row.byPin.iterations);
    let key: CryptoKey;
    try {
      key = await unwrap(row.byPin, by, `${userId}/pin`, false);
    } catch {
      return wrongPin(row);
    }
    const vault = new Vault(userId, key);
    if (row.pinTries) await putKeyRow({ ...row, pinTries: 0 });
    unlocked.set(userId, vault);
    return { vault };
  }

  /**
   * Online, when the server's secret no longer opens the vault (`unlockOnline` said "rekey": the
   * worker's password changed): the offline PIN opens it, and its data key is wrapped under the new
   * secret — kept data and queue stay. Wrong PINs count as offline.
   */
  static async rekeyWithPin(userId: string, pin: string, secret: string): Promise<PinUnlock> {
    const row = await keyRow(userId);
    if (!row?.byPin) return { wiped: true };
    const by = await pinWrappingKey(pin, row.byPin.salt, row.byPin.iterations);
    let dataKey: CryptoKey;
    try {
      dataKey = await unwrap(row.byPin, by, `${userId}/pin`, true);
    } catch {
      return wrongPin(row);
    }
    const server = await serverWrappingKey(secret);
    const label = `${userId}/server`;
    const byServer = await wrap(dataKey, server, label);
    await putKeyRow({ ...row, byServer, pinTries: 0 });
    const vault = new Vault(userId, await unwrap(byServer, server, label, false));
    secrets.set(userId, secret);
    unlocked.set(userId, vault);
    return { vault };
  }

  /** Sets (or changes) the offline PIN; needs the vault unlocked online in this page. */
  async setPin(pin: string): Promise<void> {
    if (!PIN_PATTERN.test(pin)) throw new Error("a PIN is 4 to 8 digits");
    const secret = secrets.get(this.userId);
    const row = await keyRow(this.userId);
    if (!secret || !row?.byServer) throw new Error("the vault is not unlocked online");
    const dataKey = await unwrap(row.byServer, await serverWrappingKey(secret), `${this.userId}/server`, true);
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const by = await pinWrappingKey(pin, salt, PBKDF2_ITERATIONS);
    const byPin = { ...(await wrap(dataKey, by, `${this.userId}/pin`)), salt, iterations: PBKDF2_ITERATIONS };
    await putKeyRow({ ...row, byPin, pinTries: 0 });
  }

  private slot(name: string) {
    return `${this.userId}/${name}`;
  }

  async put(name: string, value: unknown): Promise<void> {
    const slot = this.slot(name);
    const sealed = await seal(this.key, slot, encoder.encode(JSON.stringify(value)));
    const row: DataRow = { slot, userId: this.userId, ...sealed };
    await tx(["data"], "readwrite", (get) => {
      get("data").put(row);
    });
  }

  async get<T>(name: string): Promise<T | undefined> {
    const slot = this.slot(name);
    const row = (await tx(["data"], "readonly", (get) => done(get("data").get(slot)))) as DataRow | undefined;
    if (!row) return undefined;
    try {
      return JSON.parse(decoder.decode(await open(this.key, slot, row.iv, row.cipher))) as T;
    } catch {
      return undefined;
    }
  }

  /** Deletes the kept data (not the queue, not the key). */
  async clearData(): Promise<void> {
    await tx(["data"], "readwrite", (get) => deleteByUser(get("data"), this.userId));
  }

  async enqueue(item: Omit<QueueItem, "savedAt"> & { savedAt?: string }, { quiet = false } = {}): Promise<void> {
    const slot = this.slot(`queue/${item.id}`);
    const body = await seal(this.key, slot, encoder.encode(JSON.stringify(item.body)));
    const bytes = item.bytes ? await seal(this.key, `${slot}/bytes`, item.bytes) : undefined;
    const row: QueueRow & { bytesIv?: Uint8Array; bytesCipher?: ArrayBuffer } = {
      id: item.id,
      userId: this.userId,
      kind: item.kind,
      savedAt: item.savedAt ?? new Date().toISOString(),
      ...(item.after ? { after: item.after } : {}),
      ...(item.refused ? { refused: item.refused } : {}),
      iv: body.iv,
      cipher: body.cipher,
      ...(bytes ? { bytesIv: bytes.iv, bytesCipher: bytes.cipher } : {}),
    };
    await tx(["queue"], "readwrite", (get) => {
      get("queue").put(row);
    });
    if (quiet) return;
    announce();
    window.dispatchEvent(new Event(QUEUE_SAVED));
  }

  /** The queue, oldest first, opened. */
  async queue(): Promise<QueueItem[]> {
    const rows = (await tx(["queue"], "readonly", (get) =>
      done(get("queue").index("userId").getAll(IDBKeyRange.only(this.userId))),
    )) as (QueueRow & { bytesIv?: Uint8Array; bytesCipher?: ArrayBuffer })[];
    rows.sort((a, b) => a.savedAt.localeCompare(b.savedAt) || a.id.localeCompare(b.id));
    const items: QueueItem[] = [];
    for (const row of rows) {
      const slot = this.slot(`queue/${row.id}`);
      try {
        const body = JSON.parse(decoder.decode(await open(this.key, slot, row.iv, row.cipher)));
        const bytes =
          row.bytesIv && row.bytesCipher
            ? await open(this.key, `${slot}/bytes`, row.bytesIv, row.bytesCipher)
            : undefined;
        items.push({
          id: row.id,
          kind: row.kind,
          savedAt: row.savedAt,
          ...(row.after ? { after: row.after } : {}),
          ...(row.refused ? { refused: row.refused } : {}),
          body,
          ...(bytes ? { bytes } : {}),
        });
      } catch {
        // Sealed under a key this phone no longer has: unreadable, nothing to send.
      }
    }
    return items;
  }

  async refuse(id: string, refused: { code: string; detail: string }): Promise<void> {
    await tx(["queue"], "readwrite", async (get) => {
      const row = (await done(get("queue").get(id))) as QueueRow | undefined;
      if (row && row.userId === this.userId) get("queue").put({ ...row, refused });
    });
    announce();
  }

  async remove(id: string): Promise<void> {
    await tx(["queue"], "readwrite", async (get) => {
      const row = (await done(get("queue").get(id))) as QueueRow | undefined;
      if (row && row.userId === this.userId) get("queue").delete(id);
    });
    announce();
  }
}

export const QUEUE_CHANGED = "wangge-queue-changed";
/** A record was added: the app sends at once when it is online. */
export const QUEUE_SAVED = "wangge-queue-saved";
function announce() {
  window.dispatchEvent(new Event(QUEUE_CHANGED));
}

export async function getMeta<T>(name: string): Promise<T | undefined> {
  const row = (await tx(["meta"], "readonly", (get) => done(get("meta").get(name)))) as MetaRow | undefined;
  return row?.value as T | undefined;
}

export async function setMeta(name: string, value: unknown): Promise<void> {
  await tx(["meta"], "readwrite", (get) => {
    get("meta").put({ name, value } satisfies MetaRow);
  });
}

/** Everything of one worker: key, data, queue, sync state (sign-out). */
export async function wipeUser(userId: string): Promise<void> {
  unlocked.delete(userId);
  secrets.delete(userId);
  if (typeof indexedDB === "undefined") return;
  await tx(["keys", "data", "queue", "meta"], "readwrite", async (get) => {
    get("keys").delete(userId);
    await deleteByUser(get("data"), userId);
    await deleteByUser(get("queue"), userId);
    get("meta").delete(`sync/${userId}`);
    const last = (await done(get("meta").get("lastUser"))) as MetaRow | undefined;
    if (last?.value === userId) get("meta").delete("lastUser");
  });
  announce();
}

export interface SyncState {
  /** When the last sync finished; the kept data goes 7 days after it. */
  lastSyncAt?: string;
  /** The steps of an unfinished sync still to do, in order: the next one starts there. */
  pending?: string[];
  /** Within the step it stopped in, where (a paged step: the page to ask for next). */
  cursor?: { step: string; before: string };
}

export const syncState = (userId: string) => getMeta<SyncState>(`sync/${userId}`).then((s) => s ?? {});
export const saveSyncState = (userId: string, state: SyncState) => setMeta(`sync/${userId}`, state);

/** The kept data of a worker whose last sync is more than 7 days old is deleted; true if it was. */
export async function expireIfStale(vault: Vault, now = Date.now()): Promise<boolean> {
  const { lastSyncAt } = await syncState(vault.userId);
  if (!lastSyncAt || now - Date.parse(lastSyncAt) <= KEEP_WITHOUT_SYNC_MS) return false;
  await vault.clearData();
  await saveSyncState(vault.userId, {});
  return true;
}
