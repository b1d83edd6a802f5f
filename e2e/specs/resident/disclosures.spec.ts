import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/**
 * Issue #19's acceptance for 四务公开: a village official publishes a monthly finance disclosure from
 * the XLSX template (the township reviews it); a resident reads it on the phone and lodges an
 * anonymous objection; the official answers; the resident sees the answer; another reader never sees
 * who objected.
 */
describe("a finance disclosure from XLSX to a resident's answered objection", () => {
  it("publishes, reads, objects, answers, and keeps the objector's name from everyone else", async () => {
    const title = `端到端财务公开 ${Date.now()}`;
    const objection = "端到端异议：道路维护支出偏高，请公开发票。";
    const answer = "端到端答复：砂石款发票已补充为附件。";

    // The village official writes it in the console, the lines imported from the downloaded template.
    const office = await newPage(browser());
    await signInViaApi(office.page, baseUrl, "demo.village", demoPassword);
    const template = await office.page.request.get(`${baseUrl}/api/v1/disclosures/finance-template?lang=zh-CN`);
    expect(template.status()).toBe(200);
    await office.page.goto(`${baseUrl}/disclosures`);
    await office.page.getByRole("button", { name: "新建公开事项" }).click();
    const drawer = office.page.getByRole("dialog").filter({ hasText: "新建公开事项" });
    const today = new Date().toISOString().slice(0, 10);
    await drawer.getByLabel("期间开始日").fill(today);
    await drawer.locator('input[type="file"]').setInputFiles({
      name: "财务公开模板.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: await template.body(),
    });
    await office.page.getByText("已导入 2 行明细").waitFor();
    await drawer.getByText("收入合计 12,000.00 元，支出合计 3,500.50 元").waitFor();
    await drawer.getByLabel("标题").fill(title);
    await drawer.getByLabel("正文").fill("本月收支明细如下，请居民监督。");
    await drawer.getByRole("button", { name: "保存草稿" }).click();
    const detail = office.page.getByRole("dialog").filter({ hasText: "发布前须经乡镇审核" });
    await detail.getByRole("button", { name: "提交审核" }).click();
    await office.page.getByText("已提交乡镇审核").waitFor();
    await expectFullyTranslated(office.page, "zh-CN");

    // The township reviews and publishes it.
    const township = await newPage(browser());
    await signInViaApi(township.page, baseUrl, "demo.township", demoPassword);
    await township.page.goto(`${baseUrl}/disclosures`);
    await township.page.getByRole("tab", { name: "待审核" }).click();
    await township.page.getByRole("cell", { name: title }).click();
    await township.page.getByRole("button", { name: "通过并发布" }).click();
    await township.page.getByText("已发布").first().waitFor();
    await township.context.close();

    // A resident of the community reads it on the phone and objects, anonymously.
    const phone = await newPage(browser(), { mobile: true });
    await signInViaApi(phone.page, baseUrl, "demo.resident", demoPassword);
    await phone.page.goto(`${baseUrl}/h5`);
    await phone.page.getByText("一库通", { exact: true }).click();
    await phone.page.getByPlaceholder("输入村（社区）名称查找").fill("县东");
    await phone.page.getByPlaceholder("输入村（社区）名称查找").press("Enter");
    await phone.page.getByText("县东社区居委会").click();
    await phone.page.getByText(title).click();
    await phone.page.getByRole("table", { name: "收支明细" }).waitFor();
    expect(await phone.page.getByTestId("income-total").textContent()).toBe("12,000.00");
    expect(await phone.page.getByTestId("expense-total").textContent()).toBe("3,500.50");
    await expectFullyTranslated(phone.page, "zh-CN");
    await phone.page.getByText("提出异议", { exact: true }).click();
    await phone.page.getByPlaceholder("请勿填写身份证号、手机号，系统会自动遮蔽").fill(objection);
    expect(
      await phone.page.getByRole("switch", { name: /^匿名（公开时不显示署名）/ }).getAttribute("aria-checked"),
    ).toBe("true");
    await phone.page.getByText("提交", { exact: true }).click();
    await phone.page.getByText("已提交", { exact: true }).waitFor();
    await phone.page.getByText("等待答复，答复后公开").waitFor();

    // The official sees it waiting and answers it.
    await office.page.goto(`${baseUrl}/disclosures`);
    await office.page.getByRole("tab", { name: "留言与异议" }).click();
    const row = office.page.getByRole("row").filter({ hasText: objection });
    await row.getByText("对外匿名", { exact: false }).waitFor();
    await row.getByRole("button", { name: /^答\s*复$/ }).click();
    await office.page.getByLabel("答复内容（答复后连同留言公开）").fill(answer);
    await office.page.getByRole("button", { name: /确\s*定|OK/ }).click();
    await office.page.getByText("已答复，已公开").waitFor();

    // The resident sees the answer.
    await phone.page.reload();
    await phone.page.getByText(answer).first().waitFor();

    // Anyone else — not signed in, or any other resident — reads the answer without the objector.
    const stranger = await newPage(browser(), { mobile: true });
    await stranger.page.goto(phone.page.url());
    await stranger.page.getByText(answer).waitFor();
    // The item's one comment, signed by nobody.
    expect(await stranger.page.getByTestId("comment-author").allTextContents()).toEqual(["匿名群众"]);
    const id = new URL(phone.page.url()).pathname.split("/").at(-1);
    const json = await (await stranger.page.request.get(`${baseUrl}/api/v1/disclosures/${id}`)).text();
    expect(json).toContain(answer);
    for (const secret of ["何卫东", "13800000002", "demo.resident"]) expect(json).not.toContain(secret);
    expect(office.pageErrors).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
    expect([...office.externalRequests, ...phone.externalRequests, ...stranger.externalRequests]).toEqual([]);
    await Promise.all([office.context.close(), phone.context.close(), stranger.context.close()]);
  }, 120_000);
});
