import type { APIRequestContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();
const GRID = "450802001003G01";

async function csrfOf(request: APIRequestContext): Promise<string> {
  return (await (await request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
}

describe("the console's notifications bell", () => {
  it("tells the community official that the event she reported was accepted by the grid head, opens it from the bell, and clears the count", async () => {
    const { page, context, pageErrors, externalRequests } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.village", demoPassword);
    // She reports two events in a grid of her community, and the grid head accepts them: notifications for her.
    const gridHead = await browser().newContext();
    await gridHead.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.gridhead", password: demoPassword },
    });
    const reportAccepted = async (description: string) => {
      const reported = await page.request.post(`${baseUrl}/api/v1/events`, {
        headers: { "x-csrf-token": await csrfOf(page.request) },
        data: { id: crypto.randomUUID(), categoryKey: "facility.damaged", description, areaCode: GRID },
      });
      expect(reported.status(), await reported.text()).toBe(201);
      const event = (await reported.json()) as { id: string; number: string };
      const accepted = await gridHead.request.post(`${baseUrl}/api/v1/events/${event.id}/transitions`, {
        headers: { "x-csrf-token": await csrfOf(gridHead.request) },
        data: { action: "accept" },
      });
      expect(accepted.status(), await accepted.text()).toBe(200);
      return event;
    };
    await reportAccepted("端到端测试：村道边护栏松脱，夜间行人有跌落风险");
    const event = await reportAccepted("端到端测试：村口路灯不亮，晚上看不清路");
    await gridHead.close();
    const unreadCount = async () =>
      (await (await page.request.get(`${baseUrl}/api/v1/notifications?limit=1`)).json()).unread as number;
    const before = await unreadCount();
    expect(before).toBeGreaterThanOrEqual(2);

    await page.goto(`${baseUrl}/`);
    const bell = page.getByRole("button", { name: `消息通知（${before} 条未读）` });
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
    // Opening it was reading it: one fewer on the bell.
    await page.getByRole("button", { name: `消息通知（${before - 1} 条未读）` }).waitFor();

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
