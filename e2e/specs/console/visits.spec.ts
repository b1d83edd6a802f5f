import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword, adminPassword } = useBrowser();
const GRID = "450802001003G01";

describe("visits in the console", () => {
  it("shows a household's visits on its card, the township's coverage with drill-down and who closed out, and lets the administrator edit a plan", async () => {
    // The grid worker's day, through the API the field app uses: a visit, then the close-out.
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    const me = await (await page.request.get(`${baseUrl}/api/v1/auth/me`)).json();
    const headers = { "x-csrf-token": me.csrfToken as string };
    const households = await (await page.request.get(`${baseUrl}/api/v1/households?gridCode=${GRID}&limit=5`)).json();
    const household = households[0] as { id: string; address: string };
    const visit = await page.request.post(`${baseUrl}/api/v1/visits`, {
      headers,
      data: {
        id: crypto.randomUUID(),
        householdId: household.id,
        kind: "routine",
        outcome: "visited",
        checklist: [{ key: "home_safe", ok: true }],
        note: "端到端走访：家中一切安好",
        visitedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      },
    });
    expect(visit.status(), await visit.text()).toBe(201);
    const day = await (await page.request.get(`${baseUrl}/api/v1/close-outs/day`)).json();
    const closeOut = await page.request.post(`${baseUrl}/api/v1/close-outs`, {
      headers,
      data: {
        id: crypto.randomUUID(),
        day: day.summary.day,
        carryOvers: day.summary.events.stillOpen.map((e: { id: string }) => ({
          eventId: e.id,
          reason: "awaiting_party",
        })),
      },
    });
    // 201; 409 when a retry of this journey finds the day already closed out (locked, as it should be).
    expect([201, 409], await closeOut.text()).toContain(closeOut.status());

    // The household's card shows the visit.
    await page.goto(`${baseUrl}/registry`);
    await page.getByRole("tab", { name: "户", exact: true }).click();
    await page.getByRole("cell", { name: household.address, exact: true }).first().click();
    const card = page.getByRole("dialog").filter({ hasText: "走访记录" });
    await card.getByText("端到端走访：家中一切安好").first().waitFor();
    await card.getByText("已入户").first().waitFor();
    await card.getByText("一切正常").first().waitFor();
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();

    // The township: coverage per area, drilled down to the grids, and the day's close-outs.
    const township = await newPage(browser());
    await signInViaApi(township.page, baseUrl, "demo.township", demoPassword);
    await township.page.goto(`${baseUrl}/`);
    await township.page.getByRole("menuitem", { name: "走访日结" }).click();
    const coverage = township.page.getByRole("table").filter({ hasText: "按时走访率" });
    await coverage.getByText("合计").waitFor();
    await coverage.getByRole("button").first().click();
    await coverage.getByRole("row").filter({ hasText: "今年未走访户数" }).waitFor();
    await township.page.getByRole("cell", { name: "一网格", exact: false }).first().waitFor();
    await township.page.getByRole("tab", { name: "日尽结" }).click();
    await township.page.getByLabel("日期").fill(day.summary.day);
    const closed = township.page.getByRole("row").filter({ hasText: "已日结" }).first();
    await closed.waitFor();
    if (day.summary.events.stillOpen.length > 0) await closed.getByText("等待当事人").first().waitFor();
    await township.page.getByRole("checkbox", { name: "只看未日结的网格" }).check();
    await township.page.getByRole("row").filter({ hasText: "未日结" }).first().waitFor();
    expect(await township.page.getByRole("row").filter({ hasText: "已日结" }).count()).toBe(0);
    // 走访记录: the township's visits, newest first; the worker's visit is among those where someone was met.
    await township.page.getByRole("tab", { name: "走访记录" }).click();
    const records = township.page.getByTestId("visit-records");
    await records.getByText("见到人", { exact: true }).click();
    await township.page.waitForURL(/tab=records.*met=true|met=true.*tab=records/);
    const row = records.getByRole("row").filter({ hasText: "端到端走访：家中一切安好" }).first();
    await row.getByText(household.address, { exact: true }).waitFor();
    await records.getByText("未见到人", { exact: true }).click();
    await row.waitFor({ state: "detached" });
    await expectFullyTranslated(township.page, "zh-CN");
    expect(township.pageErrors).toEqual([]);
    await township.context.close();

    // The administrator changes how often 独居老人 are visited, and reads it in English.
    const admin = await newPage(browser());
    await signInViaApi(admin.page, baseUrl, "admin", adminPassword);
    await admin.page.goto(`${baseUrl}/visits`);
    await admin.page.getByRole("tab", { name: "走访计划" }).click();
    await admin.page.getByRole("button", { name: "编辑走访计划：独居老人" }).click();
    const dialog = admin.page.getByRole("dialog", { name: "编辑走访计划：独居老人" });
    await dialog.getByLabel("走访间隔（天）").fill("5");
    await dialog.getByRole("button", { name: /保\s*存/ }).click();
    await admin.page.getByText("走访计划已保存").waitFor();
    await admin.page.getByRole("row").filter({ hasText: "独居老人" }).getByText("每 5 天").waitFor();
    await admin.page.getByText("走访计划已保存").waitFor({ state: "hidden" });
    await admin.page.getByText("English", { exact: true }).click();
    await admin.page.getByRole("row").filter({ hasText: "Elderly living alone" }).getByText("Every 5 days").waitFor();
    await expectFullyTranslated(admin.page, "en");
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();
  });
});
