import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { gotoOffline, openedOnce, phoneStorage, reportOffline, unlockOffline } from "../../support/field-app.ts";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

/**
 * Issue #18's acceptance on a phone: a worker signs in, goes offline, opens the app again from its URL,
 * records three visits from the due list (one "nobody home") and reports a need as an event, closes
 * the browser's page, reopens it, goes online: three visits and one event arrive once each, the visits
 * with the times they were recorded at. A routine "all fine" visit takes at most 3 taps and 20 s.
 */
const { browser, baseUrl, demoPassword } = useBrowser();
const AT = { longitude: 109.5741, latitude: 23.0921 };

/** Counts every tap the worker makes. */
function tapper() {
  let taps = 0;
  return {
    tap: async (target: Locator) => {
      taps++;
      await target.click();
    },
    get count() {
      return taps;
    },
  };
}

async function firstDue(page: Page) {
  const item = page.getByTestId("field-visits").locator(".adm-list-item").first();
  await item.waitFor();
  const name = (await item.locator('.adm-list-item-content-main span[translate="no"]').first().textContent()) ?? "";
  return { item, name };
}

describe("door-knocking visits on the phone", () => {
  it("records three visits and a need offline, keeps them through a restart, and delivers each once with its time", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    // Online once: the due list is kept on the phone.
    await page.getByTestId("tab-bar").getByText("走访", { exact: true }).click();
    await firstDue(page);
    await expectFullyTranslated(page, "zh-CN");
    await page.getByTestId("tab-bar").getByText("任务", { exact: true }).click();
    await page.getByTestId("field-tasks").waitFor();
    // The report form's categories too.
    await page.getByTestId("field-tasks").getByRole("button", { name: "上报事件" }).click();
    await page.getByTestId("field-report").getByText("环境卫生", { exact: true }).waitFor();

    await context.setOffline(true);
    const offlineFrom = Date.now();
    // Opened again without a network: the offline PIN once; then the visits take the same taps.
    await gotoOffline(page, `${baseUrl}/field/visits`);
    await unlockOffline(page);
    const recorded: { name: string; outcome: string; householdId: string; personId: string | null }[] = [];
    const subjectOf = () => {
      const url = new URL(page.url());
      return { householdId: url.searchParams.get("householdId") as string, personId: url.searchParams.get("personId") };
    };

    // A routine visit, all fine: open the person from the due list, save. Two taps.
    for (const _ of [1, 2]) {
      const started = Date.now();
      const taps = tapper();
      const { item, name } = await firstDue(page);
      await taps.tap(item);
      const subject = subjectOf();
      await taps.tap(page.getByRole("button", { name: "保存 · 一切正常" }));
      await page.getByTestId("field-visits").waitFor();
      await page.getByText("已保存在手机上，联网后自动上报").first().waitFor();
      expect(taps.count).toBeLessThanOrEqual(3);
      expect(Date.now() - started).toBeLessThan(20_000);
      recorded.push({ name, outcome: "visited", ...subject });
    }
    // Nobody home (敲门未遇): one more tap.
    {
      const taps = tapper();
      const { item, name } = await firstDue(page);
      await taps.tap(item);
      const subject = subjectOf();
      await taps.tap(page.getByText("敲门未遇", { exact: true }));
      await taps.tap(page.getByRole("button", { name: "保存", exact: true }));
      await page.getByTestId("field-visits").waitFor();
      expect(taps.count).toBe(3);
      recorded.push({ name, outcome: "nobody_home", ...subject });
    }
    // The visited show as recorded, waiting for the network.
    await page.getByText("已走访", { exact: true }).first().click();
    for (const { name } of recorded) await page.getByTestId("field-visits").getByText(name).first().waitFor();
    await expectFullyTranslated(page, "zh-CN");

    // A need found on a visit, reported as an event.
    await page.getByTestId("tab-bar").getByText("任务", { exact: true }).click();
    const need = `端到端走访发现：独居老人家中取暖器损坏 ${Date.now()}`;
    await reportOffline(page, need, false);
    const offlineUntil = Date.now();

    // The browser's page closed and opened again, still offline: everything is still queued.
    await page.close();
    const again = await context.newPage();
    again.on("pageerror", (error) => pageErrors.push(error.message));
    await gotoOffline(again, `${baseUrl}/field/`);
    await unlockOffline(again);
    const queue = again.getByTestId("pending-reports");
    await queue.getByText(need).waitFor();
    expect(await queue.getByText("走访 ·").count()).toBe(3);
    const stored = await phoneStorage(again);
    for (const { name } of recorded) expect(stored.includes(name), `${name} readable on the phone`).toBe(false);
    expect(stored).not.toContain("[CryptoKey");

    await context.setOffline(false);
    await queue.waitFor({ state: "detached", timeout: 30_000 });
    const onlineFrom = Date.now();

    for (const { name, outcome, ...subject } of recorded) {
      const history = await (
        await again.request.get(`${baseUrl}/api/v1/visits?householdId=${subject.householdId}&limit=50`)
      ).json();
      const mine = history.filter(
        (v: { outcome: string; visitedAt: string; personIds: string[] }) =>
          v.outcome === outcome &&
          Date.parse(v.visitedAt) >= offlineFrom - 1000 &&
          (subject.personId === null || v.personIds.includes(subject.personId)),
      );
      expect(mine, `${name}: one ${outcome} visit`).toHaveLength(1);
      // Its time is when it was recorded offline, not when it arrived.
      expect(Date.parse(mine[0].visitedAt)).toBeLessThanOrEqual(offlineUntil);
      expect(Date.parse(mine[0].receivedAt)).toBeGreaterThanOrEqual(onlineFrom - 30_000);
      expect(Date.parse(mine[0].receivedAt)).toBeGreaterThan(Date.parse(mine[0].visitedAt));
    }
    const reported = await (await again.request.get(`${baseUrl}/api/v1/events?box=reported&limit=200`)).json();
    const event = reported.filter((e: { description: string }) => e.description === need);
    expect(event).toHaveLength(1);
    // The event too keeps when it was reported on the phone; its deadline runs from its arrival.
    expect(Date.parse(event[0].occurredAt)).toBeGreaterThanOrEqual(offlineFrom - 1000);
    expect(Date.parse(event[0].occurredAt)).toBeLessThanOrEqual(offlineUntil);
    expect(Date.parse(event[0].createdAt)).toBeGreaterThanOrEqual(onlineFrom - 30_000);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("hands a need found on a visit on with one tap, offline: an event with the visit's time arrives once", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    await page.getByTestId("tab-bar").getByText("走访", { exact: true }).click();
    await firstDue(page);

    await context.setOffline(true);
    const offlineFrom = Date.now();
    const { item } = await firstDue(page);
    await item.click();
    const form = page.getByTestId("visit-form");
    const householdId = new URL(page.url()).searchParams.get("householdId") as string;
    const need = `冬季取暖器损坏，需要更换 ${Date.now()}`;
    await form.getByPlaceholder("如：冬季取暖需要帮助").fill(need);
    // One tap: the need becomes an event once the visit is sent.
    await form.getByText("上报为事件", { exact: true }).click();
    await expectFullyTranslated(page, "zh-CN");
    await form.getByRole("button", { name: "保存 · 一切正常" }).click();
    await page.getByTestId("field-visits").waitFor();
    const offlineUntil = Date.now();

    await page.getByTestId("tab-bar").getByText("任务", { exact: true }).click();
    const queue = page.getByTestId("pending-reports");
    await queue.getByText(`需求转交 · 上报为事件 · ${need}`).waitFor();
    await context.setOffline(false);
    await queue.waitFor({ state: "detached", timeout: 30_000 });

    const history = await (
      await page.request.get(`${baseUrl}/api/v1/visits?householdId=${householdId}&limit=50`)
    ).json();
    const visit = history.find((v: { needs: { text: string }[] }) => v.needs.some((n) => n.text === need));
    expect(visit, "the visit with its need").toBeTruthy();
    const eventId = visit.needs[0].eventId as string;
    expect(eventId).toBeTruthy();
    const event = await (await page.request.get(`${baseUrl}/api/v1/events/${eventId}`)).json();
    expect(event).toMatchObject({ description: need, categoryKey: "request.livelihood", source: "field" });
    expect(event.occurredAt).toBe(visit.visitedAt);
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(offlineFrom - 1000);
    expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(offlineUntil);
    const reported = await (await page.request.get(`${baseUrl}/api/v1/events?box=reported&limit=200`)).json();
    expect(reported.filter((e: { description: string }) => e.description === need)).toHaveLength(1);

    // The event's page on the phone shows when it happened, at Shanghai time on this UTC browser.
    await page.goto(`${baseUrl}/field/tasks/${eventId}`);
    const shanghai = new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }).format(new Date(event.occurredAt));
    await page.getByTestId("task-occurred-at").getByText(shanghai, { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("offers 'record a visit' on a care subject's card, in English too", async () => {
    const { page, context } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    await page.evaluate(() => localStorage.setItem("wangge.locale", "en"));
    await page.goto(`${baseUrl}/field/residents`);
    const residents = page.getByTestId("field-residents");
    await residents.getByText("Care", { exact: true }).click();
    await residents.locator('[data-category="care"]').first().click();
    await page.getByTestId("field-person").waitFor();
    await page.getByRole("button", { name: "Record a visit" }).click();
    await page.getByTestId("visit-form").waitFor();
    await page.getByRole("button", { name: "Save · all fine" }).waitFor();
    await expectFullyTranslated(page, "en");
    await page.getByRole("button", { name: "Save · all fine" }).click();
    await page.getByTestId("field-person").waitFor();
    await context.close();
  });

  it("keeps a visit the server refuses on the phone, with the server's reason, until the worker deletes it", async () => {
    // A household of the neighbouring grid G02, which the worker does not work in.
    const office = await newPage(browser());
    await signInViaApi(office.page, baseUrl, "demo.village", demoPassword);
    const households = await (
      await office.page.request.get(`${baseUrl}/api/v1/households?gridCode=450802001003G02&limit=5`)
    ).json();
    await office.context.close();
    const elsewhere = households[0]?.id as string;
    expect(elsewhere).toBeTruthy();

    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: AT });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await openedOnce(page, baseUrl);
    await page.goto(`${baseUrl}/field/visits/new?householdId=${elsewhere}`);
    await page.getByRole("button", { name: "保存 · 一切正常" }).click();
    await page.getByTestId("tab-bar").getByText("任务", { exact: true }).click();
    const queue = page.getByTestId("pending-reports");
    await queue.getByText("找不到该户，或不在您的管辖范围内。", { exact: false }).waitFor();
    await expectFullyTranslated(page, "zh-CN");
    // Still there after the app is opened again, then deleted by the worker.
    await page.reload();
    await queue.getByText("找不到该户", { exact: false }).waitFor();
    await queue.getByRole("button", { name: "删除" }).click();
    await queue.waitFor({ state: "detached" });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
