import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

interface AlertSummary {
  id: string;
  kind: string;
  state: string;
  explanation: { ruleName: string };
}

describe("risk early warning in the console", () => {
  it("shows the township official the alert on three disputes between the same two parties, which they acknowledge and close with a note; the backtest of its rule lists what it would have raised", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    // The demo's alert (黄桂兰 and 韦建华, three disputes this month) and the event numbers behind it.
    const find = async (state: string) =>
      ((await (await page.request.get(`${baseUrl}/api/v1/alerts?state=${state}`)).json()).items as AlertSummary[]).find(
        (a) => a.explanation.ruleName === "同一当事人30天内3次纠纷",
      );
    const alert = (await find("active")) ?? (await find("closed"));
    expect(alert, "the demo raises the repeated-disputes alert").toBeDefined();
    const detail = await (await page.request.get(`${baseUrl}/api/v1/alerts/${alert?.id}`)).json();
    const numbers = (detail.records as { label: string }[]).map((r) => r.label);
    expect(numbers).toHaveLength(3);

    await page.goto(`${baseUrl}/`);
    await page.getByRole("menuitem", { name: "风险预警" }).click();
    if (alert?.state === "closed") await page.getByText("已关闭", { exact: true }).first().click();
    await page.getByRole("button", { name: "相同当事人 30 天内 3 起纠纷" }).first().click();
    const card = page.getByTestId("alert-detail");
    for (const n of numbers) await card.getByText(n, { exact: true }).waitFor();
    await card.getByText("同一当事人30天内3次纠纷").waitFor();
    await card.getByText("比对方式: 相同当事人", { exact: false }).waitFor();
    expect(await card.getByText("时间窗（天）: 30", { exact: false }).textContent()).toContain("最少起数: 3");
    if (alert?.state !== "closed") {
      await card.getByRole("button", { name: /签\s*收/ }).click();
      await card.getByText("处置中", { exact: true }).waitFor();
      await card.getByLabel("处置情况").fill("已约双方到社区调解室再次调解，韦家承诺三日内修好雨棚并加装冷凝水管。");
      await card.getByRole("button", { name: "填写处置情况并关闭" }).click();
    }
    await card.getByText("已关闭", { exact: true }).waitFor();
    await card.getByText("韦家承诺三日内修好雨棚", { exact: false }).waitFor();
    // A matter behind the alert opens in 事件办理.
    const first = numbers[0] as string;
    await card.getByRole("link", { name: first, exact: true }).click();
    await page.waitForURL(/\/events\?open=/);
    const drawer = page.getByRole("dialog").filter({ has: page.getByText(first, { exact: true }) });
    await drawer.getByRole("tab", { name: "详情" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("menuitem", { name: "风险预警" }).click();

    // The rule's backtest over the demo history.
    await page.getByRole("tab", { name: "预警规则" }).click();
    await page.getByRole("button", { name: "同一当事人30天内3次纠纷" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "运行推演" }).click();
    const backtest = dialog.getByTestId("backtest");
    await backtest.getByText("将触发预警").waitFor();
    const row = backtest.getByRole("row").filter({ hasText: numbers[0] as string });
    await row.waitFor();
    for (const n of numbers) expect(await row.textContent()).toContain(n);
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
