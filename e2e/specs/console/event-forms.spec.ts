import type { APIRequestContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/**
 * Forms that say what is wrong and lose nothing: the server's reasons on the fields they concern,
 * what was typed still there after a refusal, and times read in the deployment's zone (Asia/Shanghai)
 * whatever the browser's clock says.
 */
async function csrfOf(request: APIRequestContext): Promise<string> {
  return (await (await request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
}

describe("event forms", () => {
  it("shows why a report at a point outside every grid is refused next to the location, keeping the description", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/events`);
    await page.getByRole("button", { name: "上报事件" }).click();
    const drawer = page.getByRole("dialog", { name: "上报事件" });
    await drawer.getByLabel("类别").click();
    await page.keyboard.type("环境卫生问题");
    await page.keyboard.press("Enter");
    const description = "端到端测试：河堤边有人倾倒生活垃圾";
    await drawer.getByLabel("事件描述").fill(description);
    // Nanning: inside the deployment's bounds, outside every grid of the demo (Guigang).
    await drawer.getByLabel("经度").fill("108.32");
    await drawer.getByLabel("纬度").fill("22.82");
    await drawer.getByText("已选位置：108.32000, 22.82000").waitFor();
    await drawer.getByRole("button", { name: "提交上报" }).click();
    // The reason stands under the location field, and the message says it too.
    const location = drawer.locator(".ant-form-item").filter({ has: page.getByText("事发位置", { exact: true }) });
    await location.getByText("该位置不在本系统的任何区域内").waitFor();
    await page.getByTestId("problem-message").getByText("填写的内容有误，请检查标出的项目。").waitFor();
    expect(await drawer.getByLabel("事件描述").inputValue()).toBe(description);
    await expectFullyTranslated(page, "zh-CN");
    // Without the point, in the worker's grid chosen by name, it is reported.
    await drawer.getByRole("button", { name: "清除位置" }).click();
    await drawer.getByLabel("或选择区域").click();
    await page.keyboard.type("第一网格");
    await page.keyboard.press("Enter");
    await drawer.getByRole("button", { name: "提交上报" }).click();
    await page.getByRole("dialog").filter({ hasText: description }).getByText("已上报").first().waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("keeps a refused mediation session as typed, and stores the time entered as the deployment's, from a browser in New York", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { timezoneId: "America/New_York" });
    await signInViaApi(page, baseUrl, "demo.gridhead", demoPassword);
    const created = await page.request.post(`${baseUrl}/api/v1/events`, {
      headers: { "x-csrf-token": await csrfOf(page.request) },
      data: {
        id: crypto.randomUUID(),
        categoryKey: "dispute.neighbour",
        description: `端到端测试：楼上漏水浸湿楼下天花板 ${Date.now()}`,
        areaCode: "450802001003G01",
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id, number } = (await created.json()) as { id: string; number: string };
    await page.goto(`${baseUrl}/events`);
    await page.getByLabel("搜索事件").fill(number);
    await page.getByLabel("搜索事件").press("Enter");
    await page.getByRole("cell", { name: number }).click();
    const detail = page.getByRole("dialog").filter({ has: page.getByText(number, { exact: true }) });
    await detail.getByRole("tab", { name: "调解" }).click();

    // The mediator, picked by name.
    await detail.getByLabel("承办调解员").click();
    await page.keyboard.type("chenj");
    await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: "陈静" }).click();
    await expect
      .poll(async () => (await (await page.request.get(`${baseUrl}/api/v1/events/${id}/dispute`)).json()).mediatorName)
      .toMatch(/陈静/);

    // A session dated in the future is refused: the field says why, and nothing typed is lost.
    const record = "双方同意由楼上住户负责维修防水层，楼下天花板由楼上住户出资修复。";
    const next = new Date().getUTCFullYear() + 1;
    await detail.getByLabel("调解时间").click();
    await page.keyboard.type(`${next}-12-01 09:30:00`);
    await page.keyboard.press("Enter");
    await detail.getByLabel("地点", { exact: true }).fill("社区调解室");
    await detail.getByLabel("调解员", { exact: true }).fill("陈静");
    await detail.getByLabel("参加人员", { exact: true }).fill("双方当事人");
    await detail.getByLabel("结果", { exact: true }).click();
    await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: "达成协议" }).click();
    await detail.getByLabel("调解笔录").fill(record);
    await detail.getByRole("button", { name: "记录调解" }).click();
    await detail.getByText("晚于今天").waitFor();
    expect(await detail.getByLabel("调解笔录").inputValue()).toBe(record);
    expect(await detail.getByLabel("地点", { exact: true }).inputValue()).toBe("社区调解室");

    // Corrected to two days ago, 09:30 in Guigang, whatever the browser's clock zone.
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() - 2 * 86_400_000);
    await detail.getByLabel("调解时间").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type(`${day} 09:30:00`);
    await page.keyboard.press("Enter");
    await detail.getByRole("button", { name: "记录调解" }).click();
    await expect
      .poll(async () => (await (await page.request.get(`${baseUrl}/api/v1/events/${id}/dispute`)).json()).sessions)
      .toHaveLength(1);
    const dispute = await (await page.request.get(`${baseUrl}/api/v1/events/${id}/dispute`)).json();
    expect(dispute.sessions[0]).toMatchObject({ heldAt: `${day}T01:30:00.000Z`, record });
    // Shown as entered: 09:30 where the deployment is.
    const [y, m, d] = day.split("-").map(Number);
    await detail.getByText(`${y}/${m}/${d} 09:30:00`).waitFor();
    expect(await detail.getByLabel("调解笔录").inputValue()).toBe("");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
