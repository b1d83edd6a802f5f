import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();
const COMMUNITY = "450802001003";
const GRID = "450802001003G01";

describe("工作台, the console's home", () => {
  it("shows a township official figures equal to the lists behind them, drills down to a grid, and moves when an event is reported", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    await page.goto(`${baseUrl}/`);
    await page.getByText("今日", { exact: true }).waitFor();
    await page.getByTestId("figures-trail").getByText("贵城街道").waitFor();
    await waitForMap(page);

    // Each of today's figures leads to the events list behind it, and the list holds as many events:
    // both read the same facts (each event once per figure, a merged duplicate in none). Other journeys
    // report, accept, merge, escalate and reopen on the same demo server meanwhile, so a figure and its
    // list are compared again until they agree.
    const figure = (name: string) => page.getByTestId(`figure-today-${name}`);
    // The list's length, once it has loaded: "共 N 件" under it, or an empty list (no pages, no total).
    const listTotal = async () => {
      await page.getByTestId("events-figure-filter").waitFor();
      await page.locator(".ant-table-wrapper .ant-spin-spinning").waitFor({ state: "detached" });
      const total = page.getByTestId("events-total");
      if ((await total.count()) === 0) return 0;
      return Number(/共 (\d+) 件/.exec((await total.textContent()) ?? "")?.[1] ?? Number.NaN);
    };
    // `back` returns from the list to the figure (the 工作台 opens at the official's own area).
    const atHome = async () => {
      await page.goBack();
      await page.getByTestId("figures-trail").getByText("贵城街道").waitFor();
    };
    const figureEqualsItsList = async (name: string, back: () => Promise<void>) => {
      await expect
        .poll(
          async () => {
            const shown = Number(await figure(name).textContent());
            await figure(name).click();
            const listed = await listTotal();
            await back();
            return `${name} ${shown}: listed ${listed}, ${listed === shown ? "same" : "differ"}`;
          },
          { timeout: 45_000, interval: 1_000 },
        )
        .toMatch(/same$/);
    };
    for (const name of ["reported", "accepted", "settled"]) await figureEqualsItsList(name, atHome);
    // Today's change is against yesterday, the week's against last week's same days; both say so.
    await page
      .getByText(/^较昨日 [+−±]\d+$/)
      .first()
      .waitFor();
    await page
      .getByText(/^较上周同期 [+−±]\d+$/)
      .first()
      .waitFor();
    // One's own area is named once, in the breadcrumb.
    expect((await page.getByText("您的辖区：").textContent())?.trim()).toBe("您的辖区：");

    // A community's 待办 in 下级区域 leads to a list of as many: the matters being worked on, not the
    // suspended or settled ones.
    await expect
      .poll(
        async () => {
          const link = page.getByTestId(`child-open-${COMMUNITY}`);
          const shown = Number(await link.textContent());
          await link.click();
          await page.waitForURL(/state=open/);
          await page.locator(".ant-table-wrapper .ant-spin-spinning").waitFor({ state: "detached" });
          const total = page.getByTestId("events-total");
          const listed =
            (await total.count()) === 0
              ? 0
              : Number(/共 (\d+) 件/.exec((await total.textContent()) ?? "")?.[1] ?? Number.NaN);
          const states = await page.locator(".ant-table-tbody tr.ant-table-row").allTextContents();
          await atHome();
          const finished = states.filter((row) => /已挂起|已办结|已核查|已结案|已撤销|已合并/.test(row)).length;
          return `待办 ${shown}: listed ${listed}, ${finished} not open, ${listed === shown && finished === 0 ? "same" : "differ"}`;
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toMatch(/same$/);
    // Today's visits lead to 走访记录, the visits behind the figure (a page holds 50; other journeys may
    // record visits meanwhile, so again compared until they agree).
    await expect
      .poll(
        async () => {
          const shown = Number(await figure("visits").textContent());
          await figure("visits").click();
          const records = page.getByTestId("visit-records");
          await records.waitFor();
          await page.getByRole("tab", { name: "走访记录", selected: true }).waitFor();
          await records.locator(".ant-spin-spinning").waitFor({ state: "detached" });
          const listed = await records.locator("tbody tr.ant-table-row").count();
          await atHome();
          return shown > 50 || listed === shown ? "same" : `visits ${shown}: listed ${listed}`;
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toBe("same");
    // (Just after midnight, China time, today's figures may all be 0.)
    const reportedBefore = Number(await figure("reported").textContent());

    // Another worker reports in a grid of the township: the figure moves without a reload.
    const other = await browser().newContext();
    const login = await other.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.gridhead", password: demoPassword },
    });
    const csrf = (await login.json()).me.csrfToken as string;
    const created = await other.request.post(`${baseUrl}/api/v1/events`, {
      headers: { "x-csrf-token": csrf },
      data: {
        id: crypto.randomUUID(),
        categoryKey: "environment.sanitation",
        description: "端到端测试：小区门口垃圾未清运",
        areaCode: GRID,
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const number = (await created.json()).number as string;
    // …and accepts it: today's acceptances in the grid are at least this one.
    const accepted = await other.request.post(`${baseUrl}/api/v1/events/${(await created.json()).id}/transitions`, {
      headers: { "x-csrf-token": csrf },
      data: { action: "accept" },
    });
    expect(accepted.status(), await accepted.text()).toBe(200);
    await other.close();
    // At least this one (other journeys may report in the township meanwhile).
    await expect
      .poll(async () => Number(await figure("reported").textContent()), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(reportedBefore + 1);

    // Down to the community, then the grid: the breadcrumb follows, and leads back up.
    const toGrid = async () => {
      await page.getByTestId(`drill-${COMMUNITY}`).click();
      await page.getByTestId("figures-trail").getByText("县东社区居委会").waitFor();
      await page.getByTestId(`drill-${GRID}`).click();
      await page.getByTestId("figures-trail").getByText("县东社区第一网格（演示）").waitFor();
      // A grid has no areas below: no 下级区域 panel.
      await expect.poll(() => page.getByText("下级区域", { exact: true }).count()).toBe(0);
    };
    await toGrid();
    // The grid's figures count the new event too, and their lists show as many, the new one among them.
    expect(Number(await figure("reported").textContent())).toBeGreaterThan(0);
    expect(Number(await figure("accepted").textContent())).toBeGreaterThan(0);
    for (const name of ["reported", "accepted"])
      await figureEqualsItsList(name, async () => {
        await atHome();
        await toGrid();
      });
    await figure("reported").click();
    await page.getByText(number, { exact: true }).first().waitFor();
    await page.goBack();
    await page.getByTestId("figures-trail").getByText("贵城街道").click();
    await page.getByTestId(`drill-${COMMUNITY}`).waitFor();

    await expectFullyTranslated(page, "zh-CN");
    await page.getByText("English", { exact: true }).click();
    await page.getByText("Today", { exact: true }).waitFor();
    await page.getByText("Needs you now").waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it("shows the township's visits due, each number opening the due list of the area with as many people", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    await page.goto(`${baseUrl}/`);
    const card = page.getByTestId("visits-due");
    await card.getByText("逾期未访").waitFor();
    const api = await (await page.request.get(`${baseUrl}/api/v1/visits/due-counts`)).json();
    expect(api.area.name).toBe("贵城街道");
    // The demo registry has households and care subjects: something is due or overdue.
    expect(api.overdue + api.due).toBeGreaterThan(0);
    for (const k of ["overdue", "due", "done"] as const)
      expect(Number(await card.getByTestId(`visits-due-${k}`).textContent())).toBe(api[k]);
    await expectFullyTranslated(page, "zh-CN");

    // 到期待访 opens the due list of the township with that status: the same count, page by page.
    await card.getByTestId("visits-due-due").click();
    await page.waitForURL(/\/visits\?/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ tab: "due", areaCode: api.area.code, status: "due" });
    const list = page.getByTestId("visit-due-list");
    await list.getByText(`到期 ${api.due}`, { exact: true }).waitFor();
    const rows = list.locator(".ant-table-tbody tr.ant-table-row");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(Math.min(api.due, 50));
    expect(await list.locator(".ant-table-tbody").getByText("逾期", { exact: true }).count()).toBe(0);
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
