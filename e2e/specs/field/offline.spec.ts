import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { gotoOffline, openedOnce, phoneStorage, reportOffline, unlockOffline } from "../../support/field-app.ts";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

/**
 * Issue #18 item 3, as a grid worker lives it: the field app opened once with a network, then with none
 * (the browser's offline mode) opened again from its URL, work recorded into the phone's queue, the
 * app closed and reopened, the network back: each record arrives once, with its original time. And
 * nothing the phone keeps (IndexedDB, Cache Storage, localStorage) holds an ID number, a phone number
 * or a readable name.
 */
const { browser, baseUrl, demoPassword } = useBrowser();
const AT = { longitude: 109.5741, latitude: 23.0921 };

describe("the field app without a network", () => {
  it("opens from its URL offline, queues reports with a photo, survives closing, and sends each once when online", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    // Opened once online: the report form's categories are on the phone.
    await page.getByTestId("field-tasks").getByRole("button", { name: "上报事件" }).click();
    await page.getByTestId("field-report").getByText("环境卫生", { exact: true }).waitFor();
    await page.getByText("返回", { exact: true }).click();
    const taskTitle =
      (await page.getByTestId("field-tasks").locator(".adm-list-item-content-main").first().textContent()) ?? "";

    await context.setOffline(true);
    // Opened again from its URL with no network: the offline PIN once, then the app, the worker, and the
    // task list as last seen.
    await gotoOffline(page, `${baseUrl}/field/`);
    await unlockOffline(page);
    await page.getByTestId("field-tasks").waitFor();
    await page.getByText("离线").first().waitFor();
    await page.getByTestId("field-tasks").getByText(taskTitle).first().waitFor();
    await expectFullyTranslated(page, "zh-CN");

    const stamp = Date.now();
    const first = `端到端离线：路灯不亮 ${stamp}`;
    const second = `端到端离线：井盖松动 ${stamp}`;
    await reportOffline(page, first, true);
    // After an offline report the task list stays (it is not replaced by "cannot reach the server").
    const pending = page.getByTestId("pending-reports");
    await pending.getByText(first).waitFor();
    await page.getByTestId("field-tasks").getByText(taskTitle).first().waitFor();
    await reportOffline(page, second, false);
    await pending.getByText(second).waitFor();
    await pending.getByText("事件照片").waitFor();

    // The app closed and opened again, still offline: the queue is still there.
    await page.close();
    const again = await context.newPage();
    again.on("pageerror", (error) => pageErrors.push(error.message));
    await gotoOffline(again, `${baseUrl}/field/`);
    await unlockOffline(again);
    const queue = again.getByTestId("pending-reports");
    await queue.getByText(first).waitFor();
    await queue.getByText(second).waitFor();

    // The map tab opens offline too: MapLibre, the map's settings and the grid from the phone, a legend.
    await again.getByTestId("tab-bar").getByText("地图", { exact: true }).click();
    await waitForMap(again);
    await again.getByTestId("map-legend").getByText("网格边界").waitFor();
    await again.getByTestId("tab-bar").getByText("任务", { exact: true }).click();

    // Nothing readable on the phone: no names, numbers or the text typed.
    const stored = await phoneStorage(again);
    // Not even the key of the data: only wrapped (by the server's secret and by the PIN's key).
    expect(stored).not.toContain("[CryptoKey");
    for (const secret of [first, second, "郑雪", "13800000001", "路灯不亮"]) {
      expect(stored.includes(secret), `"${secret}" on the phone`).toBe(false);
    }
    const numbers = [...stored.matchAll(/(?<![\d.])(1[3-9]\d{9}|\d{17}[\dXx])(?![\d])/g)].map((m) =>
      stored.slice(Math.max(0, (m.index ?? 0) - 40), (m.index ?? 0) + 40),
    );
    expect(numbers).toEqual([]);

    await context.setOffline(false);
    await queue.waitFor({ state: "detached", timeout: 30_000 });
    const mine = await (await again.request.get(`${baseUrl}/api/v1/events?box=reported&limit=200`)).json();
    for (const description of [first, second]) {
      const sent = mine.filter((e: { description: string }) => e.description === description);
      expect(sent, description).toHaveLength(1);
      expect(sent[0]).toMatchObject({ source: "field", state: "reported" });
    }
    const withPhoto = mine.find((e: { description: string }) => e.description === first);
    const attachments = await (await again.request.get(`${baseUrl}/api/v1/events/${withPhoto.id}/attachments`)).json();
    expect(attachments).toHaveLength(1);
    // Compressed on the phone: a JPEG, whatever the camera gave.
    expect(attachments[0]).toMatchObject({ contentType: "image/jpeg" });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 150_000);

  it("draws the worker's grid on the map offline at once, with every base tile refused", async () => {
    const { page, context } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    await context.setOffline(true);
    await gotoOffline(page, `${baseUrl}/field/`);
    await unlockOffline(page);
    await page.getByTestId("field-tasks").waitFor();
    // A refused tile schedules no frame of its own: the map must still finish loading and name the grid
    // without the worker touching it (it once waited for a pan).
    await page.getByTestId("tab-bar").getByText("地图", { exact: true }).click();
    await waitForMap(page);
    await expect
      .poll(async () => ((await page.locator(".wg-map").first().getAttribute("data-area-labels")) ?? "").split("|"))
      .toContainEqual(expect.stringMatching(/网格/));
    await context.close();
  }, 90_000);

  it("wipes what the phone kept of the worker at sign-out", async () => {
    const { page, context } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    await page.waitForFunction(async () => {
      const dbs = await indexedDB.databases();
      return dbs.some((d) => d.name === "wangge-field");
    });
    const keysBefore = await countKeys(page);
    expect(keysBefore).toBe(1);
    await page.getByTestId("tab-bar").getByText("我的", { exact: true }).click();
    await page.getByText("退出登录", { exact: true }).click();
    await page.getByRole("button", { name: "登录" }).waitFor();
    expect(await countKeys(page)).toBe(0);
    expect(await countRows(page, "data")).toBe(0);
    await context.close();
  });

  it("deletes the kept data after 7 days without a sync, so the app opened offline asks to sign in", async () => {
    const { page, context } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    await expect.poll(() => countRows(page, "data")).toBeGreaterThan(1);
    // The last sync, moved 8 days back.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open("wangge-field");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const store = db.transaction("meta", "readwrite").objectStore("meta");
      const rows = await new Promise<{ name: string; value: unknown }[]>((resolve) => {
        const request = store.getAll();
        request.onsuccess = () => resolve(request.result);
      });
      for (const row of rows.filter((r) => r.name.startsWith("sync/"))) {
        store.put({ name: row.name, value: { lastSyncAt: new Date(Date.now() - 8 * 86_400_000).toISOString() } });
      }
      db.close();
    });
    await context.setOffline(true);
    await gotoOffline(page, `${baseUrl}/field/`);
    await unlockOffline(page);
    await page.waitForURL(/\/field\/login$/);
    expect(await countRows(page, "data")).toBe(0);
    await context.close();
  });

  it("wipes what the phone kept after five wrong offline PINs in a row", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    await expect.poll(() => countRows(page, "data")).toBeGreaterThan(1);
    await context.setOffline(true);
    await gotoOffline(page, `${baseUrl}/field/`);
    const gate = page.getByTestId("vault-unlock");
    for (const left of [4, 3, 2, 1]) {
      await unlockOffline(page, "0000");
      await gate.getByText(`密码错误，还可尝试 ${left} 次`).waitFor();
    }
    await expectFullyTranslated(page, "zh-CN");
    await unlockOffline(page, "0000");
    await page.waitForURL(/\/field\/login$/);
    expect(await countKeys(page)).toBe(0);
    expect(await countRows(page, "data")).toBe(0);
    expect(await countRows(page, "queue")).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("is installable: a manifest with icons and a service worker for /field/", async () => {
    const { page, context } = await newPage(browser(), { mobile: true });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(manifestHref).toBe("/field/manifest.webmanifest");
    const manifest = await (await page.request.get(`${baseUrl}${manifestHref}`)).json();
    expect(manifest).toMatchObject({ display: "standalone", start_url: "/field/", scope: "/field/" });
    for (const icon of manifest.icons as { src: string }[]) {
      expect((await page.request.get(`${baseUrl}${icon.src}`)).status()).toBe(200);
    }
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    // /field itself included (the server allows it: Service-Worker-Allowed).
    expect(scope).toBe(`${baseUrl}/field`);
    await context.close();
  });
});

async function countKeys(page: Page): Promise<number> {
  return countRows(page, "keys");
}

async function countRows(page: Page, store: string): Promise<number> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open("wangge-field");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const n = await new Promise<number>((resolve, reject) => {
      const request = db.transaction(name).objectStore(name).count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return n;
  }, store);
}
