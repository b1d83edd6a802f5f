import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword, adminPassword } = useBrowser();

async function signInThroughForm(page: import("playwright-core").Page, username: string, password: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await page.getByRole("heading", { name: "工作台" }).waitFor();
}

const menu = async (page: import("playwright-core").Page) => {
  await page.getByRole("menuitem").first().waitFor();
  return (await page.getByRole("menuitem").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
};

describe("areas and grids", () => {
  it("lets an admin find 贵城街道, see its communities counted and its demo grids drawn, and reports a broken upload", async () => {
    const { page, context } = await newPage(browser());
    await signInThroughForm(page, "admin", adminPassword);
    await page.getByRole("menuitem", { name: "区域网格" }).click();
    await page.getByLabel("按名称或代码搜索").fill("贵城");
    await page.getByRole("button", { name: /贵城街道/ }).click();
    await page.getByText("村社区 25").waitFor();
    await page.getByText("网格 50").waitFor();
    await page.getByText("网格长 1/50").waitFor();
    await page.getByText("重叠 0 处").waitFor();
    await page.getByText("空白 0 处").waitFor();
    await page.locator('.wg-map[data-feature-count="76"][data-map-state="loaded"]').waitFor();
    const broken = JSON.stringify({
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          properties: { code: "X1", parent_code: "NOPE", name: "坏网格" },
          geometry: { type: "Point", coordinates: [109.6, 23.1] },
        },
      ],
    });
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: "broken.geojson", mimeType: "application/geo+json", buffer: Buffer.from(broken) });
    await page.getByRole("status").getByText("未导入任何内容：有 1 个要素被拒绝（新建 0，更新 0）").waitFor();
    await page.getByText("features.0.geometry.type: 应为 Polygon 或 MultiPolygon").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await page.getByText("English", { exact: true }).click();
    await page.getByText("Import grid boundaries").waitFor();
    await expectFullyTranslated(page, "en");
    await context.close();
  });
});

describe("reshaping grids on the map", () => {
  it("lets an admin split a demo grid by drawing the part to cut off, and shows where each part came from", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "admin", adminPassword);
    // The last community of 贵城街道: its second demo grid has no staff that other journeys rely on.
    const villages = (await (await page.request.get(`${baseUrl}/api/v1/areas/450802001/children`)).json()) as {
      code: string;
    }[];
    const grid = (await (await page.request.get(`${baseUrl}/api/v1/areas/${villages.at(-1)?.code}G02`)).json()) as {
      code: string;
      name: string;
    };
    await page.goto(`${baseUrl}/`);
    await page.getByRole("menuitem", { name: "区域网格" }).click();
    await page.getByLabel("按名称或代码搜索").fill(grid.code);
    await page.getByRole("button", { name: new RegExp(grid.code) }).click();
    await page.locator('.wg-map[data-feature-count="1"][data-map-state="loaded"]').waitFor();
    const editor = page.getByTestId("grid-editor");
    await editor.getByText("拆分网格").click();
    await editor.getByRole("button", { name: "开始绘制" }).click();
    await page.locator('.wg-map[data-drawing="on"]').waitFor();
    // The grid is fitted to the map (a tall half-cell, centred): draw a box over its western half.
    const canvas = page.locator(".wg-map canvas");
    const box = await canvas.boundingBox();
    if (!box) throw new Error("no map canvas");
    const cx = box.width / 2;
    for (const [x, y] of [
      [cx - 300, 8],
      [cx, 8],
      [cx, box.height - 8],
      [cx - 300, box.height - 8],
    ] as const) {
      await canvas.click({ position: { x, y } });
    }
    await editor.getByText("已点 4 个顶点").waitFor();
    await editor.getByLabel("画出部分的网格名称").fill("西片（演示）");
    await editor.getByLabel("其余部分的网格名称").fill("东片（演示）");
    await editor.getByLabel("调整原因").fill("端到端测试：户数增加");
    await editor.getByRole("button", { name: /^拆\s*分$/ }).click();
    await page.getByText(/^已拆分为 /).waitFor();
    await page.getByText("由此网格拆分而来：").waitFor();
    // The split grid is named in the tree and, once the lineage has loaded, in the history table too.
    await page
      .getByRole("button", { name: new RegExp(`${grid.name} ${grid.code}`) })
      .first()
      .waitFor();
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe("the registry", () => {
  it("lets a grid head find a resident by pinyin initials, and see the full ID only after giving a reason", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInThroughForm(page, "demo.gridhead", demoPassword);
    await page.getByRole("menuitem", { name: "人口房屋" }).click();
    await page.getByRole("cell", { name: "黄秀英" }).first().waitFor();
    await page.getByLabel("搜索人员").fill("hxy");
    await page.getByLabel("搜索人员").press("Enter");
    await page.getByRole("cell", { name: "黄秀英" }).first().click();
    const card = page.getByRole("dialog", { name: "黄秀英" });
    const idNumber = card.getByTestId("person-id-number");
    await idNumber.waitFor();
    expect(await idNumber.textContent()).toMatch(/^450802\*{12}$/);
    // A grid head may reveal the number here, so the birth date is shown whole.
    expect(await card.getByTestId("person-birth").textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await card.getByRole("button", { name: "查看完整证件号和电话" }).click();
    const dialog = page.getByRole("dialog", { name: "查看完整号码" });
    await dialog.getByRole("button", { name: "确认查看" }).click();
    await dialog.getByText("请填写事由（至少两个字）").waitFor();
    await dialog.getByLabel("事由").fill("端到端测试：核对低保申请");
    await dialog.getByRole("button", { name: "确认查看" }).click();
    await card.getByText("完整号码已记录查阅，请勿截屏或外传。").waitFor();
    expect(await idNumber.textContent()).toMatch(/^450802\d{11}[\dX]$/);
    await card.getByRole("cell", { name: "端到端测试：核对低保申请" }).waitFor();
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe("menus by role", () => {
  it("shows a grid worker only the work pages, and answers the users page as not found", async () => {
    const { page, context } = await newPage(browser());
    await signInThroughForm(page, "demo.worker", demoPassword);
    expect(await menu(page)).toEqual(["工作台", "区域网格", "人口房屋", "事件办理", "系统状态", "接口文档"]);
    await page.goto(`${baseUrl}/users`);
    await page.getByText("页面不存在").waitFor();
    await context.close();
  });

  it("shows an admin user and role management but not the audit log, and lets them create an account", async () => {
    const { page, context } = await newPage(browser());
    await signInThroughForm(page, "admin", adminPassword);
    expect(await menu(page)).toEqual([
      "工作台",
      "区域网格",
      "事件设置",
      "走访日结",
      "四务公开",
      "通知公告",
      "风险预警",
      "用户管理",
      "角色权限",
      "大屏链接",
      "系统状态",
      "接口文档",
    ]);
    await page.getByRole("menuitem", { name: "用户管理" }).click();
    await page.getByRole("cell", { name: "demo.worker", exact: true }).waitFor();
    await page.getByRole("button", { name: "新建用户" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("用户名").fill(`e2e.${Date.now()}`);
    await dialog.getByLabel("姓名").fill("端到端测试员");
    await dialog.getByRole("button", { name: /创\s*建/ }).click();
    await page.getByTestId("shown-secret").waitFor();
    expect((await page.getByTestId("shown-secret").textContent())?.trim()).toMatch(/^\S{16}$/);
    await expectFullyTranslated(page, "zh-CN");
    await context.close();
  });

  it("does not offer the admin the auditor role, and says why (三员分立)", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "admin", adminPassword);
    await page.goto(`${baseUrl}/users`);
    await page.getByRole("cell", { name: "demo.worker", exact: true }).waitFor();
    // The auditor's account is marked, without the buttons the server would refuse.
    await page
      .getByRole("row", { name: /demo\.auditor/ })
      .getByText("安全审计员：只能由安全审计员或服务器命令行管理")
      .waitFor();
    await page.getByRole("button", { name: "新建用户" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("此处不提供安全审计员角色", { exact: false }).waitFor();
    await dialog.getByLabel("角色").click();
    await page.locator(".ant-select-item-option").first().waitFor();
    const offered = await page.locator(".ant-select-item-option").allInnerTexts();
    expect(offered).toContain("系统管理员");
    expect(offered).not.toContain("安全审计员");
    await page.keyboard.press("Escape");
    await dialog.getByRole("button", { name: /取\s*消/ }).click();
    await page.goto(`${baseUrl}/roles`);
    await page.getByText("安全审计员", { exact: true }).click();
    await page.getByText("按三员分立，安全审计员角色只能由安全审计员", { exact: false }).waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await page.getByText("English", { exact: true }).click();
    await page.getByText("Only an auditor (or the command line on the server)", { exact: false }).waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("lets an auditor create another auditor, whose temporary password only they see (三员分立)", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.auditor", demoPassword);
    await page.goto(`${baseUrl}/users`);
    await page.getByRole("button", { name: "新建审计员" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("新账号将持有安全审计员角色", { exact: false }).waitFor();
    await dialog.getByLabel("用户名").fill(`e2e.audit.${Date.now()}`);
    await dialog.getByLabel("姓名").fill("端到端审计员");
    await dialog.getByRole("button", { name: /创\s*建/ }).click();
    await page.getByTestId("shown-secret").waitFor();
    expect((await page.getByTestId("shown-secret").textContent())?.trim()).toMatch(/^\S{16}$/);
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("shows an auditor the audit log, which verifies", async () => {
    const { page, context } = await newPage(browser());
    await signInThroughForm(page, "demo.auditor", demoPassword);
    // The auditor reads areas (the trail and the accounts name them), so 区域网格 is offered, read-only.
    expect(await menu(page)).toEqual([
      "工作台",
      "区域网格",
      "用户管理",
      "角色权限",
      "审计日志",
      "系统状态",
      "接口文档",
    ]);
    await page.getByRole("menuitem", { name: "审计日志" }).click();
    await page.getByRole("cell", { name: "auth.login" }).first().waitFor();
    await page.getByRole("button", { name: "校验完整性" }).click();
    await page
      .getByRole("status")
      .getByText(/审计链完整/)
      .waitFor();
    await page.getByText("English", { exact: true }).click();
    await page.getByRole("button", { name: "Verify integrity" }).waitFor();
    await expectFullyTranslated(page, "en");
    await context.close();
  });
});
