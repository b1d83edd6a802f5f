import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openedOnce, unlockOffline } from "../../support/field-app.ts";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

/**
 * A phone on a village Wi-Fi whose uplink is down: the browser says it is online (navigator.onLine),
 * and not one request reaches the server. The field app must say what a worker needs to know — the
 * server cannot be reached, records stay on the phone — and send them once the server answers again,
 * without the worker doing anything. The cut uplink is every request to the server's API (/api/v1
 * and the health route the app probes with) refused by the browser, as by a network without a route.
 */
const { browser, baseUrl, demoPassword } = useBrowser();
const AT = { longitude: 109.5741, latitude: 23.0921 };
const API = "**/api/**";

async function firstDue(page: Page) {
  const item = page.getByTestId("field-visits").locator(".adm-list-item").first();
  await item.waitFor();
  return item;
}

describe("the field app on a network that does not reach the server", () => {
  it("keeps a visit on the phone with the offline toast and banner, and sends it once the server answers again", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    // Online once: the due list is kept on the phone.
    await page.getByTestId("tab-bar").getByText("走访", { exact: true }).click();
    await firstDue(page);

    // The uplink goes down; the phone's Wi-Fi stays up.
    await context.route(API, (route) => route.abort("addressunreachable"));
    const cutFrom = Date.now();
    // The worker opens the app again from its icon: the offline PIN, as without any network.
    await page.goto(`${baseUrl}/field/visits`);
    await unlockOffline(page);
    const banner = page.getByTestId("field-offline");
    await banner.getByText("无法连接服务器，记录将保存在手机上").waitFor();
    expect(await page.evaluate(() => navigator.onLine)).toBe(true);

    const item = await firstDue(page);
    await item.click();
    const householdId = new URL(page.url()).searchParams.get("householdId") as string;
    await page.getByRole("button", { name: "保存 · 一切正常" }).click();
    await page.getByTestId("field-visits").waitFor();
    // Told the truth: kept on the phone, not sent.
    await page.getByText("已保存在手机上，联网后自动上报").first().waitFor();
    await expectFullyTranslated(page, "zh-CN");

    await page.getByTestId("tab-bar").getByText("我的", { exact: true }).click();
    await page.locator(".adm-tag", { hasText: "无法连接服务器" }).waitFor();
    await page.getByTestId("tab-bar").getByText("任务", { exact: true }).click();
    const queue = page.getByTestId("pending-reports");
    await queue.getByText("走访 ·").first().waitFor();
    expect(await queue.getByText("走访 ·").count()).toBe(1);

    // The uplink is back: the app finds out by itself (its probe), the banner goes, the visit goes out.
    await context.unroute(API);
    await banner.waitFor({ state: "detached", timeout: 70_000 });
    await queue.waitFor({ state: "detached", timeout: 30_000 });

    const history = await (
      await page.request.get(`${baseUrl}/api/v1/visits?householdId=${householdId}&limit=50`)
    ).json();
    const sent = history.filter(
      (v: { outcome: string; visitedAt: string }) =>
        v.outcome === "visited" && Date.parse(v.visitedAt) >= cutFrom - 1000,
    );
    expect(sent).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 150_000);
});
