import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

/** Steps the field app's offline journeys share (e2e/specs/field/offline.spec.ts, visits.spec.ts). */
export const PHOTO = readFileSync(path.resolve(import.meta.dirname, "../../packages/web/public/field/icon-512.png"));

/** The offline PIN the journeys' workers set at their first online use. */
export const OFFLINE_PIN = "2468";

/**
 * The field app opened once with a network, until its service worker keeps it and controls the page;
 * the worker sets the offline PIN it asks for at first use.
 */
export async function openedOnce(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/field`);
  await page.getByTestId("field-tasks").waitFor();
  const setup = page.getByTestId("vault-pin-setup");
  await setup.locator("input").nth(0).fill(OFFLINE_PIN);
  await setup.locator("input").nth(1).fill(OFFLINE_PIN);
  await setup.getByRole("button").click();
  await setup.waitFor({ state: "detached" });
  // The service worker has kept the app (its install finished) and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
    }
  });
}

/**
 * Opens a URL of the app with the browser offline (the context set offline before). Debian's Chromium
 * 150 drops the offline emulation of a page whose navigation the service worker answered:
 * navigator.onLine reads true again, as no phone in flight mode would say. So the offline mode is set
 * again once the page is there — while the app waits for its offline PIN, before it could send anything.
 */
export async function gotoOffline(page: Page, url: string) {
  await page.goto(url);
  const context = page.context();
  if (await page.evaluate(() => navigator.onLine)) {
    await context.setOffline(false);
    await context.setOffline(true);
  }
  await page.waitForFunction(() => !navigator.onLine);
}

/** The app opened without a network asks the offline PIN once (then the worker's data opens). */
export async function unlockOffline(page: Page, pin = OFFLINE_PIN) {
  const gate = page.getByTestId("vault-unlock");
  await gate.locator("input").fill(pin);
  await gate.getByRole("button").click();
}

/** Every value the phone keeps, as text: IndexedDB (bytes read as UTF-8 and as Latin-1), Cache Storage, localStorage. */
export async function phoneStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [];
    const text = (value: unknown): string => {
      if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
        const bytes =
          value instanceof ArrayBuffer
            ? new Uint8Array(value)
            : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        return `${new TextDecoder().decode(bytes)} ${String.fromCharCode(...bytes.slice(0, 100_000))}`;
      }
      if (value instanceof CryptoKey) return `[CryptoKey extractable=${value.extractable}]`;
      if (value && typeof value === "object") return Object.values(value).map(text).join(" ");
      return String(value);
    };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name as string);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        parts.push(...rows.map(text));
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        parts.push(request.url, (await (await cache.match(request))?.text()) ?? "");
      }
    }
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i) as string;
      parts.push(key, localStorage.getItem(key) ?? "");
    }
    return parts.join("\n");
  });
}

/** A report made on the phone without a network (optionally with a photo from the camera). */
export async function reportOffline(page: Page, description: string, withPhoto: boolean) {
  const form = page.getByTestId("field-report");
  await page.getByTestId("field-tasks").getByRole("button", { name: "上报事件" }).click();
  await form.getByText("环境卫生", { exact: true }).click();
  await form.getByText("环境卫生问题", { exact: true }).click();
  await form.getByTestId("report-description").locator("textarea").fill(description);
  if (withPhoto) {
    await form.locator('input[type="file"]').setInputFiles({ name: "scene.png", mimeType: "image/png", buffer: PHOTO });
    await form.getByRole("img", { name: "照片" }).waitFor();
  }
  await form.getByRole("button", { name: "提交" }).click();
  await page.getByText("已保存在手机上，联网后自动上报").waitFor();
}
