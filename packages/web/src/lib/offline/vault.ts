/**
 * What the field app keeps on the phone for its signed-in worker, encrypted: the data visits need
 * offline (due list, households, people's names and tags — the server never sends ID or phone numbers
 * to it), the task list as last seen, and the queue of what was recorded without a network.
 *
 * - One AES-GCM-256 key per worker, made on the phone at their first sign-in there as a
 *   **non-extractable** CryptoKey: IndexedDB keeps the key object, but no script (nor a copy of the
 *   storage read as JSON) can get its bytes out; every value is encrypted with a fresh 12-byte IV and
 *   bound to its slot (additional data: user id and name), so a value cannot be moved to another slot.
 * - Sign-out deletes the key and everything of that worker (issue #18 item 3); 7 days without a sync
 *   delete the kept data (the queue stays, so no recorded work is lost).
 * - In clear are only ids, times and the server's refusal codes: no name, address, note or number.
 */
const DB_NAME = "wangge-field";
const DB_VERSION = 1;
export const KEEP_WITHOUT_SYNC_MS = 7 * 24 * 3600 * 1000;

type StoreName = "keys" | "data" | "queue" | "meta";

interface KeyRow {
  userId: string;
  key: CryptoKey;
  createdAt: string;
}
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

/** One worker's encrypted storage on this phone. */
export class Vault {
  private constructor(
    readonly userId: string,
    private readonly key: CryptoKey,
  ) {}

  /** The worker's vault; made (with a new key) only when `create` — at sign-in, never offline. */
  static async open(userId: string, { create }: { create: boolean }): Promise<Vault | undefined> {
    if (typeof indexedDB === "undefined" || !crypto.subtle) return undefined;
    const row = (await tx(["keys"], "readonly", (get) => done(get("keys").get(userId)))) as KeyRow | undefined;
    if (row) return new Vault(userId, row.key);
    if (!create) return undefined;
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const fresh: KeyRow = { userId, key, createdAt: new Date().toISOString() };
    await tx(["keys"], "readwrite", (get) => {
      get("keys").put(fresh);
    });
    // Made at sign-in, so online: the 7 days without a sync count from here until the first sync ends.
    await saveSyncState(userId, { lastSyncAt: fresh.createdAt });
    return new Vault(userId, key);
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

  async enqueue(item: Omit<QueueItem, "savedAt"> & { savedAt?: string }): Promise<void> {
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
