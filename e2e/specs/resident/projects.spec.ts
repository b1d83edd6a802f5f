import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/**
 * Issue #19 item 4 for 民生项目: a village official creates a project in the console, gives it a
 * milestone and publishes it; a resident of that village finds it in 一库通 on the phone with its
 * budget and progress and asks a question; the official answers it where every comment is answered;
 * the resident sees the answer on the project's page. Then the works are done: the first completion
 * acceptance fails with what is to be rectified, the second passes, and the resident reads both, in
 * order, on the project's page (a failed acceptance is part of the public record).
 */
describe("a livelihood project from the console to a resident's answered question", () => {
  it("creates, publishes, reads, asks, answers and shows the answer", async () => {
    const title = `端到端村道硬化 ${Date.now()}`;
    const question = "端到端提问：施工期间电动车能通行吗？";
    const answer = "端到端答复：东侧巷口保留 1.5 米通道，可推行通过。";

    // The village official creates it in the console.
    const office = await newPage(browser());
    await signInViaApi(office.page, baseUrl, "demo.village", demoPassword);
    await office.page.goto(`${baseUrl}/projects`);
    await office.page.getByRole("button", { name: "新建项目" }).click();
    const drawer = office.page.getByRole("dialog").filter({ hasText: "新建项目" });
    await drawer.getByLabel("所属村（社区）或乡镇").fill("县东");
    await office.page
      .locator(".ant-select-dropdown:visible .ant-select-item-option")
      .filter({ hasText: "县东" })
      .first()
      .click();
    await drawer.getByLabel("项目名称").fill(title);
    await drawer.getByLabel("预算（元）").fill("386420.5");
    await drawer.getByLabel("资金来源").fill("港北区城市基础设施配套资金");
    await drawer.getByLabel("施工单位").fill("贵港市港北区鑫桂建筑工程有限公司");
    await drawer.getByRole("button", { name: /保\s*存/ }).click();

    // Its page: a milestone, then publication.
    const detail = office.page.getByRole("dialog").filter({ hasText: "进度节点" });
    await detail.getByText(title).waitFor();
    await detail.getByLabel("节点名称").fill("路基清理");
    await detail.getByLabel("计划日期").fill("2027-01-15");
    await detail.getByRole("button", { name: "添加节点" }).click();
    await detail.getByRole("cell", { name: "路基清理" }).waitFor();
    await detail.getByRole("button", { name: /^公\s*开$/ }).click();
    await office.page.getByText("已向群众公开").waitFor();
    await detail.getByText("未开工").waitFor();
    await expectFullyTranslated(office.page, "zh-CN");

    // A resident of the community finds it in 一库通 and asks.
    const phone = await newPage(browser(), { mobile: true });
    await signInViaApi(phone.page, baseUrl, "demo.resident", demoPassword);
    await phone.page.goto(`${baseUrl}/h5`);
    await phone.page.getByText("一库通", { exact: true }).click();
    await phone.page.getByPlaceholder("输入村（社区）名称查找").fill("县东");
    await phone.page.getByPlaceholder("输入村（社区）名称查找").press("Enter");
    await phone.page.getByText("县东社区居委会").click();
    await phone.page.getByText("民生项目", { exact: true }).click();
    await phone.page.getByText(title).click();
    expect(await phone.page.getByTestId("project-budget").textContent()).toBe("386,420.50");
    await phone.page.getByText("路基清理").waitFor();
    await expectFullyTranslated(phone.page, "zh-CN");
    await phone.page.getByText("我要提问", { exact: true }).click();
    await phone.page.getByPlaceholder("请勿填写身份证号、手机号，系统会自动遮蔽").fill(question);
    await phone.page.getByText("提交", { exact: true }).click();
    await phone.page.getByText("已提交", { exact: true }).waitFor();
    await phone.page.getByText("等待答复，答复后公开").waitFor();

    // The official answers it with every other comment, the item named as a project.
    await office.page.goto(`${baseUrl}/disclosures`);
    await office.page.getByRole("tab", { name: "留言与异议" }).click();
    const row = office.page.getByRole("row").filter({ hasText: question });
    await row.getByText("民生项目").waitFor();
    await row.getByRole("button", { name: /^答\s*复$/ }).click();
    await office.page.getByLabel("答复内容（答复后连同留言公开）").fill(answer);
    await office.page.getByRole("button", { name: /确\s*定|OK/ }).click();
    await office.page.getByText("已答复，已公开").waitFor();

    // The resident sees it answered; so does anyone who opens the project.
    await phone.page.reload();
    await phone.page.getByText(answer).first().waitFor();
    const stranger = await newPage(browser(), { mobile: true });
    await stranger.page.goto(phone.page.url());
    await stranger.page.getByText(answer).waitFor();
    expect(await stranger.page.getByTestId("comment-author").allTextContents()).toEqual(["匿名群众"]);

    // The works are done: the milestone is marked done, the first acceptance fails, the second passes.
    const rectification = "端到端整改：补齐路肩培土 120 米";
    await office.page.goto(`${baseUrl}/projects`);
    await office.page.getByRole("button", { name: title }).click();
    const page = office.page.getByRole("dialog").filter({ hasText: "进度节点" });
    await page.getByLabel("完成情况 路基清理").click();
    await office.page
      .locator(".ant-select-dropdown:visible .ant-select-item-option")
      .filter({ hasText: "已完成" })
      .click();
    await page.getByLabel("实际完成日期 路基清理").fill("2026-11-20");
    await page
      .getByRole("row")
      .filter({ hasText: "路基清理" })
      .getByRole("button", { name: /保\s*存/ })
      .click();
    await page.getByText("待验收").first().waitFor();
    const chooseResult = async (label: string) => {
      await page.getByLabel("验收结论").click();
      await office.page
        .locator(".ant-select-dropdown:visible .ant-select-item-option")
        .filter({ hasText: label })
        .click();
    };
    await page.getByLabel("验收日期").fill("2026-11-25");
    await chooseResult("验收不合格");
    await page.getByLabel("验收单位/人员").fill("贵城街道办事处、港北区住房和城乡建设局联合验收组");
    await page.getByLabel("验收意见").fill("路肩培土不足，暂不同意交付使用。");
    await page.getByLabel("整改事项（每行一项，群众可见）").fill(rectification);
    await page.getByRole("button", { name: "登记验收" }).click();
    await page.getByText("第 1 次验收").waitFor();
    await page.getByText("上次验收未通过", { exact: false }).waitFor();
    await page.getByLabel("验收日期").fill("2026-12-02");
    await chooseResult("验收合格");
    await page.getByRole("button", { name: "登记验收" }).click();
    await page.getByText("第 2 次验收").waitFor();
    expect(await page.getByTestId("acceptance-entry").allTextContents()).toEqual([
      expect.stringMatching(/第 1 次验收.*2026-11-25.*验收不合格/),
      expect.stringMatching(/第 2 次验收.*2026-12-02.*验收合格/),
    ]);
    await expectFullyTranslated(office.page, "zh-CN");

    // The resident reads both acceptances in order, the failed one with what was to be rectified.
    await phone.page.reload();
    await phone.page.getByText("已竣工验收").first().waitFor();
    expect(await phone.page.getByTestId("acceptance-entry").allTextContents()).toEqual([
      expect.stringMatching(/第 1 次验收 · 2026-11-25.*验收不合格/),
      expect.stringMatching(/第 2 次验收 · 2026-12-02.*验收合格/),
    ]);
    await phone.page.getByText(rectification).waitFor();
    await phone.page.getByText("签字单位：建设单位：县东社区居委会", { exact: false }).first().waitFor();
    await expectFullyTranslated(phone.page, "zh-CN");
    expect(office.pageErrors).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
    expect([...office.externalRequests, ...phone.externalRequests, ...stranger.externalRequests]).toEqual([]);
    await Promise.all([office.context.close(), phone.context.close(), stranger.context.close()]);
  }, 120_000);
});
