import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/** The China date of a moment, and the first day of the month before it. */
const chinaDate = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
function lastMonth(): { day: string; from: string; to: string } {
  const [y, m] = chinaDate(new Date()).split("-").map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
  const to = new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10);
  return { day: `${from.slice(0, 8)}15`, from, to };
}

/** The Wednesday of last week (China time): a day of the last weekly period that is over. */
function lastWeeksWednesday(): string {
  const today = chinaDate(new Date());
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return new Date(Date.parse(`${today}T00:00:00Z`) - (weekday + 5) * 86_400_000).toISOString().slice(0, 10);
}

describe("reports in the console", () => {
  it("lets the township official write last month's assessment on demand, read its figures (equal to the 工作台's), write the 研判意见 and download the PDF", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    const me = await (await page.request.get(`${baseUrl}/api/v1/auth/me`)).json();
    const township = (me.assignments as { areaCode: string | null; areaName: string | null }[]).find((a) => a.areaCode);
    expect(township).toBeDefined();
    const month = lastMonth();
    const figures = await (
      await page.request.get(`${baseUrl}/api/v1/figures?area=${township?.areaCode}&from=${month.from}&to=${month.to}`)
    ).json();

    await page.goto(`${baseUrl}/`);
    await page.getByRole("menuitem", { name: "报告" }).click();
    await page.getByText("按时生成日报", { exact: false }).waitFor();
    await page.getByRole("button", { name: "生成报告" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("类型").click();
    await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: "月研判" }).click();
    await dialog.getByLabel("日期").fill(month.day);
    await dialog.getByLabel("日期").press("Enter");
    await dialog
      .getByRole("button", { name: "生 成" })
      .or(dialog.getByRole("button", { name: "生成" }))
      .click();

    await page.getByRole("heading", { name: `${township?.areaName} 月研判` }).waitFor();
    await page.getByText(`${month.from} ～ ${month.to}`).waitFor();
    // The overview's 上报 is the roll-ups' count for the area and month, and opens the list behind it.
    const reportedRow = page
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: "上报", exact: true }) })
      .first();
    const cells = reportedRow.getByRole("cell");
    expect((await cells.nth(1).textContent())?.trim()).toBe(String(figures.counts.reported));
    await page.getByText("各区域成效比较").waitFor();
    await page.getByText("按结果比较各区域", { exact: false }).first().waitFor();

    // The judgement: saved as a new version, the phone number masked.
    const box = page.getByLabel("研判意见和措施");
    await box.fill("本月邻里纠纷集中在城区，建议网格员加密走访。联系电话 13907751234。");
    await page.getByRole("button", { name: "保存研判意见" }).click();
    await page.getByText(/已保存第 \d+ 版研判意见/).waitFor();
    await page.getByText(/第 \d+ 版，.+ 于 .+ 填写/).waitFor();
    expect(await box.inputValue()).not.toContain("13907751234");

    // The files: a PDF and a workbook of this report.
    const pdfHref = await page.getByRole("link", { name: /下载 PDF/ }).getAttribute("href");
    const pdf = await page.request.get(`${baseUrl}${pdfHref}`);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    const xlsxHref = await page.getByRole("link", { name: /下载 Excel/ }).getAttribute("href");
    expect((await page.request.get(`${baseUrl}${xlsxHref}`)).status()).toBe(200);
    await expectFullyTranslated(page, "zh-CN");

    // Back to the list: the report is there with its judgement version.
    await page.getByRole("button", { name: "返回" }).click();
    const row = page
      .getByRole("row")
      .filter({ hasText: `${month.from} ～ ${month.to}` })
      .filter({ hasText: "月研判" });
    await row.first().waitFor();
    expect(await row.first().textContent()).toMatch(/第 \d+ 版/);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("shows last week's hotspots on a map: the demo grid shaded, 荷城路 36 号 as a point that opens its two matters", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    await page.goto(`${baseUrl}/reports`);
    await page.getByText("按时生成日报", { exact: false }).waitFor();
    await page.getByRole("button", { name: "生成报告" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("类型").click();
    await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: "周分析" }).click();
    await dialog.getByLabel("日期").fill(lastWeeksWednesday());
    await dialog.getByLabel("日期").press("Enter");
    await dialog
      .getByRole("button", { name: "生 成" })
      .or(dialog.getByRole("button", { name: "生成" }))
      .click();
    await page.getByRole("heading", { name: /周分析/ }).waitFor();

    // The map of the hotspots: loaded, the demo grid among the shaded ones, the legend beside it.
    const hotspots = page.getByTestId("hotspot-map");
    await hotspots.locator('.wg-map[data-map-state="loaded"]').waitFor({ timeout: 30_000 });
    expect((await hotspots.getAttribute("data-hotspots"))?.split(",")).toContain("450802001003G01");
    await hotspots.getByText("重复发生的地址", { exact: true }).waitFor();
    await hotspots.getByText("2 件", { exact: true }).waitFor();
    await expectFullyTranslated(page, "zh-CN");

    // The address where the matter repeated is a point on the map: it opens the matters reported there.
    await hotspots.getByRole("button", { name: "荷城路 36 号（2 件）" }).click();
    await page.waitForURL(/\/events\?/);
    expect(new URL(page.url()).searchParams.get("q")).toBe("荷城路 36 号");
    // The list behind it: the two matters of last week at that address, and no other.
    await expect.poll(() => page.locator(".ant-table-tbody tr.ant-table-row").count(), { timeout: 15_000 }).toBe(2);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
  it("writes a past day's daily report whose close-outs are counted, then grouped by village; offers only days that are over", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    await page.goto(`${baseUrl}/reports`);
    await page.getByText("系统为县（区）和乡镇（街道）按时生成", { exact: false }).waitFor();
    await page.getByRole("button", { name: "生成报告" }).click();
    const dialog = page.getByRole("dialog");
    // Today's period is not over: the date picker does not offer it.
    await dialog.getByLabel("日期").click();
    const todayCell = page.locator(".ant-picker-dropdown:visible .ant-picker-cell-today");
    await todayCell.waitFor();
    expect(await todayCell.getAttribute("class")).toContain("ant-picker-cell-disabled");
    await dialog.getByLabel("日期").fill(lastWeeksWednesday());
    await dialog.getByLabel("日期").press("Enter");
    await dialog
      .getByRole("button", { name: "生 成" })
      .or(dialog.getByRole("button", { name: "生成" }))
      .click();
    await page.getByRole("heading", { name: /日报/ }).waitFor();
    // The close-outs: counts in one line, then the grids that did not close out by village.
    const closeOuts = page.getByTestId("report-close-outs").first();
    await closeOuts.getByText(/已完成日尽结 \d+ 个网格|个网格全部完成日尽结/).waitFor();
    if ((await closeOuts.getByText(/未完成 \d+ 个网格/).count()) > 0) {
      await closeOuts.getByRole("columnheader", { name: "村（社区）" }).waitFor();
      await closeOuts.getByRole("columnheader", { name: "未完成日尽结的网格" }).waitFor();
    }
    // The same words as the files: 日尽结 and the rates' 化解率.
    await page.getByRole("cell", { name: "日尽结", exact: true }).first().waitFor();
    await page.getByText("网格内化解率").first().waitFor();
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("tells a grid head that grids get no scheduled reports, and offers the report of their grid on demand", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.gridhead", demoPassword);
    await page.goto(`${baseUrl}/reports`);
    await page.getByText("不按时生成报告", { exact: false }).waitFor();
    await page.getByRole("button", { name: /为 .+ 生成报告/ }).click();
    await page.getByRole("dialog").getByText("按需生成报告").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
