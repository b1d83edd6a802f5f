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
    // Each kind of news says what it is: here the grid head's acceptance.
    await item.getByText("办理进度：受理").waitFor();
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

  it("tells the township official of the demo's risk alert in her language only, as an alert, at Shanghai time on a browser in UTC, in Chinese and English", async () => {
    const { page, context, pageErrors, externalRequests } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    const told = (
      (await (await page.request.get(`${baseUrl}/api/v1/notifications?limit=30`)).json()).items as {
        kind: string;
        createdAt: string;
        alert: { kind: string } | null;
      }[]
    ).find((n) => n.kind === "alert" && n.alert?.kind === "repeated_disputes");
    expect(told, "the demo's repeated-disputes alert is told to the township official").toBeDefined();
    // The journeys' browser runs in UTC: the bell must still show the deployment's (Asia/Shanghai) time.
    const shanghai = (lang: string) =>
      new Intl.DateTimeFormat(lang, {
        timeZone: "Asia/Shanghai",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
      }).format(new Date(told?.createdAt as string));

    await page.goto(`${baseUrl}/`);
    await page.getByRole("button", { name: /^消息通知/ }).click();
    const item = page
      .getByTestId("console-notification")
      .filter({ has: page.getByTestId("notification-title").getByText("风险预警：重复纠纷", { exact: true }) })
      .first();
    await item.getByTestId("notification-subtitle").getByText("新的风险预警，请到风险预警页签收处置").waitFor();
    await item.getByTestId("notification-time").getByText(shanghai("zh-CN"), { exact: true }).waitFor();
    expect(await item.textContent()).not.toMatch(/Risk alert|events\.state|办理进度/);
    await expectFullyTranslated(page, "zh-CN");

    await page.getByText("English", { exact: true }).click();
    // Choosing the language is a click outside the bell: it closes; opened again, it speaks English.
    await page.getByTestId("console-notifications").waitFor({ state: "hidden" });
    await page.getByRole("button", { name: /^Notifications/ }).click();
    const itemEn = page
      .getByTestId("console-notification")
      .filter({
        has: page.getByTestId("notification-title").getByText("Risk alert: Repeated disputes", { exact: true }),
      })
      .first();
    await itemEn
      .getByTestId("notification-subtitle")
      .getByText(/^New risk alert/)
      .waitFor();
    await itemEn.getByTestId("notification-time").getByText(shanghai("en"), { exact: true }).waitFor();
    expect(await itemEn.getByTestId("notification-title").textContent()).not.toMatch(/风险预警/);
    await expectFullyTranslated(page, "en");
    // Opening it opens the risk page, where the alert's state now is shown.
    await itemEn.click();
    await page.waitForURL(/\/risk$/);
    expect(pageErrors).toEqual([]);
    expect(externalRequests).toEqual([]);
    await context.close();
  });
});
