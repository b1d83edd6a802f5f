import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

describe("events in the console", () => {
  it("lets a grid worker report an event for a resident, accept it and see it in the timeline; the inbox updates live", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/events`);
    await page.getByText("实时更新").waitFor();
    // The demo community's events are in the worker's inbox.
    await page
      .getByRole("cell", { name: /GX-450802-/ })
      .first()
      .waitFor();

    await page.getByRole("button", { name: "上报事件" }).click();
    const drawer = page.getByRole("dialog", { name: "上报事件" });
    await drawer.getByLabel("类别").click();
    await page.keyboard.type("环境卫生问题");
    await page.keyboard.press("Enter");
    await drawer.getByLabel("事件描述").fill("端到端测试：小区东门外建筑垃圾堆放");
    await drawer.getByLabel("或选择区域").click();
    await page.keyboard.type("450802001003G01");
    await page.keyboard.press("Enter");
    await drawer.getByLabel("代居民上报").check();
    await drawer.getByLabel("居民姓名").fill("黄桂兰");
    await drawer.getByRole("button", { name: "提交上报" }).click();
    await drawer.getByText("必填").first().waitFor();
    await drawer.getByLabel("居民同意方式").fill("电话中口头同意");
    await drawer.getByRole("button", { name: "提交上报" }).click();

    const detail = page.getByRole("dialog").filter({ hasText: "端到端测试：小区东门外建筑垃圾堆放" });
    await detail.getByText("已上报").first().waitFor();
    await detail.getByText("电话中口头同意").first().waitFor();
    await detail.getByRole("button", { name: /^受\s*理$/ }).click();
    await page
      .getByRole("dialog", { name: "受理" })
      .getByRole("button", { name: /确\s*定|OK/ })
      .click();
    await detail.getByText("已受理").first().waitFor();
    // Not public until someone says so; the worker shows it publicly (on the timeline too).
    const shown = detail.getByRole("switch", { name: "公开显示" });
    expect(await shown.getAttribute("aria-checked")).toBe("false");
    await shown.click();
    await expect.poll(() => shown.getAttribute("aria-checked")).toBe("true");
    await detail.getByRole("tab", { name: "办理过程" }).click();
    await detail.getByText("设为公开 · 网格").waitFor();
    await detail.getByText("受理 · 网格").waitFor();
    await detail.getByText("上报 · 网格").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await page.keyboard.press("Escape");

    // Another user reports in the same grid: the open inbox hears of it without a reload.
    const other = await browser().newContext();
    const res = await other.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.gridhead", password: demoPassword },
    });
    const csrf = (await res.json()).me.csrfToken as string;
    const created = await other.request.post(`${baseUrl}/api/v1/events`, {
      headers: { "x-csrf-token": csrf },
      data: {
        id: crypto.randomUUID(),
        categoryKey: "facility.damaged",
        description: "端到端测试：健身器材损坏",
        areaCode: "450802001003G01",
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    await page.getByText("新到 1 件").waitFor();

    // The network drops: the inbox says so, and comes back by itself.
    await context.setOffline(true);
    await page.getByText("已断开，稍后重连").waitFor();
    const meanwhile = await other.request.post(`${baseUrl}/api/v1/events`, {
      headers: { "x-csrf-token": csrf },
      data: {
        id: crypto.randomUUID(),
        categoryKey: "facility.damaged",
        description: "端到端测试：断网期间上报的路灯损坏",
        areaCode: "450802001003G01",
      },
    });
    expect(meanwhile.status(), await meanwhile.text()).toBe(201);
    // Back online: the stream is open again and the inbox reloads (what was reported meanwhile was missed).
    const reloaded = page.waitForRequest((r) => r.url().includes("/api/v1/events?"));
    await context.setOffline(false);
    await page.getByText("实时更新").waitFor();
    await reloaded;
    await other.close();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("shows a mediator the demo dispute's agreement as a PDF, and the page in English", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.mediator", demoPassword);
    await page.goto(`${baseUrl}/events`);
    await page.getByText("实时更新").waitFor();
    await page.getByText("全部", { exact: true }).first().click();
    await page.getByLabel("类别").first().click();
    await page.keyboard.type("矛盾纠纷");
    await page.keyboard.press("Enter");
    // The demo's own dispute (settled by an agreement), not one another journey reported in the same grid.
    await page
      .getByRole("row")
      .filter({ hasText: "已办结" })
      .getByRole("cell", { name: /邻里纠纷/ })
      .first()
      .click();
    const detail = page.getByRole("dialog").filter({ hasText: "空调滴水" });
    await detail.getByRole("tab", { name: "调解" }).click();
    const link = detail.getByRole("link", { name: /协议书 PDF/ });
    await link.waitFor();
    const href = await link.getAttribute("href");
    const pdf = await page.request.get(`${baseUrl}${href}`);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await detail.getByText("黄桂兰（演示）").waitFor();
    await page.keyboard.press("Escape");
    await page.getByText("English", { exact: true }).click();
    await page.getByRole("tab", { name: "Inbox" }).waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
