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
  it("shows the township official the alert on three disputes between the same two parties (naming them), which they acknowledge, run a playbook on (its tasks holding the closing, each done with a note) and close with a note; the backtest of its rule lists what it would have raised; categories read as names in both languages", async () => {
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
    // Who repeated, and what the rule matched (parties, not "parties or address").
    const parties = await card.getByTestId("alert-parties").textContent();
    expect(parties).toContain("黄桂兰");
    expect(parties).toContain("韦建华");
    await card.getByText("起纠纷涉及相同的当事人，", { exact: false }).waitFor();
    // Records name their category, never its key.
    expect(await card.getByTestId("risk-record-detail").first().textContent()).toContain("邻里纠纷");
    expect(await card.textContent()).not.toContain("dispute.");
    if (alert?.state !== "closed") {
      await card.getByRole("button", { name: /签\s*收/ }).click();
      await card.getByText("处置中", { exact: true }).waitFor();
      // A playbook's tasks hold the closing, and the button says so before it is pressed.
      await card.getByLabel("选择预案").click();
      await page
        .locator(".ant-select-dropdown:visible .ant-select-item-option")
        .filter({ hasText: "重复纠纷升级防控预案" })
        .click();
      await card.getByRole("button", { name: "启动预案" }).click();
      await card.getByText("预案任务：重复纠纷升级防控预案").waitFor();
      await card.getByLabel("处置情况").fill("已约双方到社区调解室再次调解，韦家承诺三日内修好雨棚并加装冷凝水管。");
      const close = card.getByRole("button", { name: "填写处置情况并关闭" });
      await card.getByTestId("close-rule").getByText("预案任务尚有 3 项未完成", { exact: false }).waitFor();
      expect(await close.isDisabled()).toBe(true);
      // Each task is marked done after a confirmation with an optional note; who and when are shown.
      for (let i = 0; i < 3; i++) {
        await card
          .getByRole("button", { name: /完\s*成/ })
          .first()
          .click();
        const confirm = page.getByRole("dialog").filter({ hasText: "完成任务：" });
        await confirm.getByLabel("办理情况").fill(`第 ${i + 1} 项已办理`);
        await confirm.getByRole("button", { name: /完\s*成/ }).click();
        await card.getByTestId("task-done-by").nth(i).waitFor();
      }
      expect(await card.getByTestId("task-done-by").first().textContent()).toMatch(/李强 于 .+ 完成 — 第 1 项已办理/);
      await card.getByTestId("close-rule").waitFor({ state: "detached" });
      await close.click();
    }
    // The closed alert stays in view under 已关闭, with what was done.
    await card.getByText("已关闭", { exact: true }).waitFor();
    await card.getByText("韦家承诺三日内修好雨棚", { exact: false }).waitFor();
    // Switching to the open alerts drops its detail rather than leave it under their list.
    await page.getByText("未关闭", { exact: true }).first().click();
    await card.waitFor({ state: "detached" });
    await page.getByText("已关闭", { exact: true }).first().click();
    await page.getByRole("button", { name: "相同当事人 30 天内 3 起纠纷" }).first().click();
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
    await backtest.getByText("命中率").hover();
    await page.getByRole("tooltip").getByText("其后被上报或被重新打开的预警数", { exact: false }).waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await dialog.getByRole("button", { name: /取\s*消/ }).click();
    await dialog.waitFor({ state: "detached" });
    // A category prefix reads as its group's name, in Chinese and in English.
    await page.getByRole("row").filter({ hasText: "事件类别: 矛盾纠纷（全部）" }).first().waitFor();
    await page.getByText("English", { exact: true }).click();
    await page.getByRole("row").filter({ hasText: "Category: Disputes (all)" }).first().waitFor();
    await page.getByRole("tab", { name: "Alerts" }).click();
    await page.getByText("Closed", { exact: true }).first().click();
    await page
      .getByRole("button", { name: /3 disputes/ })
      .first()
      .click();
    const english = page.getByTestId("alert-detail");
    expect(await english.getByTestId("risk-record-detail").first().textContent()).toContain("Neighbours");
    expect(await english.textContent()).not.toContain("邻里纠纷");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
