import "fake-indexeddb/auto";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Vault } from "./vault.ts";

// Each PIN is stretched by 600,000 PBKDF2 rounds, several times per test: slow on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

/**
 * The field vault over IndexedDB (fake-indexeddb in Node): the server's secret changing with the
 * worker's password keeps the queue when the worker gives their offline PIN, and nothing readable is
 * stored. Each `page()` is the app opened anew: nothing unlocked in memory, the phone's storage kept.
 */
const page = async () => {
  vi.resetModules();
  return import("./vault.ts");
};
const secret = () => randomBytes(32).toString("base64url");

/** Everything IndexedDB holds, as text (bytes as Latin-1 and UTF-8), CryptoKeys named. */
async function stored(): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open("wangge-field");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const text = (value: unknown): string => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      const bytes = Buffer.from(value instanceof ArrayBuffer ? value : value.buffer);
      return `${bytes.toString("utf8")} ${bytes.toString("latin1")}`;
    }
    if (value instanceof CryptoKey) return "[CryptoKey]";
    if (value && typeof value === "object") return Object.values(value).map(text).join(" ");
    return String(value);
  };
  const parts: string[] = [];
  for (const name of Array.from(db.objectStoreNames)) {
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(name).objectStore(name).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    parts.push(...rows.map(text));
  }
  db.close();
  return parts.join("\n");
}

beforeAll(() => {
  // The vault tells the app's screens of changes by window events.
  (globalThis as { window?: EventTarget }).window ??= new EventTarget();
});

describe("the field vault when the server's secret changes", () => {
  it("asks the offline PIN once, counts a wrong one, and keeps the queue and kept data under the new secret", async () => {
    const before = secret();
    const after = secret();
    let v = await page();
    const vault = (await v.Vault.unlockOnline("w1", before)) as Vault;
    await vault.setPin("2468");
    await vault.enqueue({ id: "q1", kind: "visit.record", body: { note: "覃春燕家屋顶漏雨" } });
    await vault.put("households", [{ name: "韦桂芳" }]);
    expect(await stored()).not.toMatch(/覃春燕|韦桂芳|\[CryptoKey\]/);

    // The password changed: the new secret does not open the vault, and it is not wiped.
    v = await page();
    expect(await v.Vault.unlockOnline("w1", after)).toBe("rekey");
    expect(await v.Vault.rekeyWithPin("w1", "1357", after)).toEqual({ wrong: 1, left: v.PIN_MAX_TRIES - 1 });
    const kept = await v.Vault.rekeyWithPin("w1", "2468", after);
    if (!("vault" in kept)) throw new Error("the right PIN did not open the vault");
    expect((await kept.vault.queue()).map((i) => i.body)).toEqual([{ note: "覃春燕家屋顶漏雨" }]);
    expect(await kept.vault.get("households")).toEqual([{ name: "韦桂芳" }]);

    // From then on the new secret opens it without a PIN (the wrong-PIN count back to zero); the old
    // one no longer does; the PIN still opens it offline.
    v = await page();
    const again = await v.Vault.unlockOnline("w1", after);
    expect(again).toBeInstanceOf(v.Vault);
    expect((await (again as Vault).queue()).map((i) => i.id)).toEqual(["q1"]);
    v = await page();
    expect(await v.Vault.unlockOnline("w1", before)).toBe("rekey");
    expect("vault" in (await v.Vault.unlockWithPin("w1", "2468"))).toBe(true);
    expect(await stored()).not.toMatch(/覃春燕|韦桂芳|\[CryptoKey\]/);
  });

  it("wipes after the last wrong PIN, and without a PIN starts an empty vault (nothing else could open it)", async () => {
    let v = await page();
    const first = (await v.Vault.unlockOnline("w2", secret())) as Vault;
    await first.setPin("8642");
    await first.enqueue({ id: "q2", kind: "visit.record", body: { note: "黄家" } });
    v = await page();
    const next = secret();
    expect(await v.Vault.unlockOnline("w2", next)).toBe("rekey");
    for (let i = 1; i < v.PIN_MAX_TRIES; i++)
      expect(await v.Vault.rekeyWithPin("w2", "0000", next)).toEqual({ wrong: i, left: v.PIN_MAX_TRIES - i });
    expect(await v.Vault.rekeyWithPin("w2", "0000", next)).toEqual({ wiped: true });
    expect(await v.Vault.lock("w2")).toBe("none");

    v = await page();
    const noPin = (await v.Vault.unlockOnline("w3", secret())) as Vault;
    await noPin.enqueue({ id: "q3", kind: "visit.record", body: { note: "莫家" } });
    v = await page();
    const fresh = await v.Vault.unlockOnline("w3", secret());
    expect(fresh).toBeInstanceOf(v.Vault);
    expect(await (fresh as Vault).queue()).toEqual([]);
  });
});
