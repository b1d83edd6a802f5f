import type { APIRequestContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/**
 * The command centre's wall (#20 item 5), as a kiosk runs it: signed in once as the demo township's
 * screen account, it shows the township's figures, and a matter a grid worker reports appears on it
 * without anyone touching it — also after the network dropped and came back.
 */
async function report(request: APIRequestContext, description: string): Promise<string> {
  const csrf = (await (await request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
  const id = crypto.randomUUID();
  const res = await request.post(`${baseUrl}/api/v1/events`, {
    headers: { "x-csrf-token": csrf },
    data: { id, categoryKey: "environment.sanitation", description, areaCode: "450802001003G01" },
  });
  expect(res.status(), await res.text()).toBe(201);
  return id;
}

const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"] > div`).nth(1);

describe("big screen", () => {
  it("shows its township live, and keeps updating after the network drops", async () => {
    const screen = await newPage(browser());
    const { page } = screen;
    await signInViaApi(page, baseUrl, "demo.screen", demoPassword);
    await page.goto(`${baseUrl}/screen`);
    await page.getByRole("heading", { name: "网格化治理指挥大屏" }).waitFor();
    await page.locator('[data-feed-state="live"]').waitFor();
    await waitForMap(page);

    // The demo township's own numbers, as the API gives them to this screen — and nothing of the county above.
    const api = await (await page.request.get(`${baseUrl}/api/v1/screen/overview`)).json();
    expect(api.area.code).toBe("450802001");
    await page.getByRole("banner").getByText(api.area.name, { exact: true }).waitFor();
    expect(await figure(page, "reported").textContent()).toBe(String(api.month.counts.reported));
    // The month so far against last month's same days, and said so.
    expect(api.month.previous).toMatchObject({
      compare: "lastMonth",
      from: `${api.month.previous.to.slice(0, 8)}01`,
    });
    await page
      .locator('[data-figure="reported"]')
      .getByText(/^较上月同期 [+−±]\d+$/)
      .waitFor();
    expect(api.latest.length).toBeGreaterThan(0);
    await page.locator(`li[data-event-id="${api.latest[0].id}"]`).waitFor();
    expect((await page.request.get(`${baseUrl}/api/v1/screen/overview?area=450802`)).status()).toBe(404);
    expect((await page.request.get(`${baseUrl}/api/v1/events`)).status()).toBe(403);
    await expectFullyTranslated(page, "zh-CN");

    // A grid worker reports: the matter pulses on the map and heads the ticker, with no reload.
    const worker = await newPage(browser());
    await signInViaApi(worker.page, baseUrl, "demo.worker", demoPassword);
    const first = await report(worker.page.request, "垃圾桶满溢，需清运");
    await page.locator(`li[data-event-id="${first}"]`).waitFor();
    await page.locator(`[data-marker-id="pulse-${first}"]`).waitFor();
    // Other journeys share the demo server: at least this one more.
    expect(Number(await figure(page, "reported").textContent())).toBeGreaterThanOrEqual(api.month.counts.reported + 1);
    expect(await page.locator("li", { hasText: "垃圾桶满溢" }).count()).toBe(0);

    // The network drops: the wall says so, keeps its picture, and catches up once it is back.
    await screen.context.setOffline(true);
    await page.locator('[data-feed-state="reconnecting"]').waitFor();
    const second = await report(worker.page.request, "路灯不亮，影响夜间出行");
    await screen.context.setOffline(false);
    await page.locator('[data-feed-state="live"]').waitFor({ timeout: 60_000 });
    await page.locator(`li[data-event-id="${second}"]`).waitFor();

    await page.getByText("English", { exact: true }).click();
    await page.getByRole("heading", { name: "Grid command centre" }).waitFor();
    await expectFullyTranslated(page, "en");
    expect(screen.externalRequests).toEqual([]);
    expect(screen.pageErrors).toEqual([]);
    await worker.context.close();
    await screen.context.close();
  });

  it("says plainly that its session ended, instead of pretending to be live or falling back to a sign-in page", async () => {
    const screen = await newPage(browser());
    const { page } = screen;
    await signInViaApi(page, baseUrl, "demo.screen", demoPassword);
    await page.goto(`${baseUrl}/screen`);
    await page.locator('[data-feed-state="live"]').waitFor();
    // The session ends under the wall (here: signed out elsewhere; at a wall, its 12-hour limit).
    const csrf = (await (await page.request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
    expect((await page.request.post(`${baseUrl}/api/v1/auth/logout`, { headers: { "x-csrf-token": csrf } })).ok()).toBe(
      true,
    );
    const ended = page.getByRole("alertdialog", { name: "登录已过期" });
    await ended.waitFor({ timeout: 30_000 });
    await ended.getByText("无人值守的大屏请改用大屏链接").waitFor();
    expect(page.url()).toBe(`${baseUrl}/screen`);
    await expectFullyTranslated(page, "zh-CN");
    await ended.getByRole("button", { name: "重新登录" }).click();
    await page.waitForURL(`${baseUrl}/screen/login`);
    expect(screen.pageErrors).toEqual([]);
    await screen.context.close();
  });

  it("scales the wall to a smaller window", async () => {
    const { page, context } = await newPage(browser());
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInViaApi(page, baseUrl, "demo.screen", demoPassword);
    await page.goto(`${baseUrl}/screen`);
    await page.locator('[data-screen-scale="0.667"]').waitFor();
    const box = await page.getByRole("heading", { name: "网格化治理指挥大屏" }).boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(1280);
    await context.close();
  });
});
