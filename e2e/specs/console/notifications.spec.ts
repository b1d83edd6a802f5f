import type { APIRequestContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();
const VILLAGE = "450802001003";

async function csrfOf(request: APIRequestContext): Promise<string> {
  return (await (await request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
}

describe("the console's notifications bell", () => {
  it("tells the community official that the event she reported was accepted, opens it from the bell, and clears the count", async () => {
    const { page, context, pageErrors, externalRequests } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.village", demoPassword);
    // She reports an event of her community…
    const reported = await page.request.post(`${baseUrl}/api/v1/events`, {
      headers: { "x-csrf-token": await csrfOf(page.request) },
      data: {
        id: crypto.randomUUID(),
        categoryKey: "facility.damaged",
        description: "端到端测试：村道边护栏松脱，夜间行人有跌落风险",
        areaCode: VILLAGE,
      },
    });
    expect(reported.status(), await reported.text()).toBe(201);
    const event = (await reported.json()) as { id: string; number: string };
    // …and the township accepts it: a notification for her.
    const township = await browser().newContext();
    await township.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.township", password: demoPassword },
    });
    const accepted = await township.request.post(`${baseUrl}/api/v1/events/${event.id}/transitions`, {
      headers: { "x-csrf-token": await csrfOf(township.request) },
      data: { action: "accept" },
    });
    expect(accepted.status(), await accepted.text()).toBe(200);
    await township.close();

    await page.goto(`${baseUrl}/`);
    const bell = page.getByRole("button", { name: /^消息通知（\d+ 条未读）$/ });
    await bell.click();
    const list = page.getByTestId("console-notifications");
    const item = list.locator(".ant-list-item").filter({ hasText: event.number }).first();
    await item.getByText("已受理").waitFor();
    await item.getByText("办理进度更新").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    // Opening it opens the event in 事件办理.
    await item.click();
    await page.waitForURL(new RegExp(`/events\\?open=${event.id}$`));
    const drawer = page.getByRole("dialog").filter({ has: page.getByText(event.number, { exact: true }) });
    await drawer.getByRole("tab", { name: "详情" }).waitFor();
    await page.keyboard.press("Escape");
    await page.waitForURL(/\/events$/);

    // "全部已读" clears the count; the bell says so in English too.
    await page.getByRole("button", { name: /^消息通知/ }).click();
    await page.getByRole("button", { name: "全部已读" }).click();
    await page.getByRole("button", { name: "消息通知", exact: true }).waitFor();
    expect((await (await page.request.get(`${baseUrl}/api/v1/notifications?unread=true`)).json()).items.length).toBe(0);
    await page.getByText("English", { exact: true }).click();
    await page.getByRole("button", { name: "Notifications", exact: true }).click();
    await page.getByTestId("console-notifications").getByText(event.number, { exact: false }).first().waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    expect(externalRequests).toEqual([]);
    await context.close();
  });
});
