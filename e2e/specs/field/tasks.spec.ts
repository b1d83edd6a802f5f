import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

describe("field app tasks", () => {
  it("takes an event of the worker's grid from reported to settled on the phone, with the position and a note", async () => {
    // In the demo grid G01 (its demo boundary is around 109.57°E, 23.09°N).
    const at = { longitude: 109.5741, latitude: 23.0921 };
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: at });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    const description = `端到端测试：楼道堆放杂物 ${Date.now()}`;
    const reported = await page.request.post(`${baseUrl}/api/v1/events`, {
      data: {
        id: crypto.randomUUID(),
        categoryKey: "environment.sanitation",
        description,
        lng: at.longitude,
        lat: at.latitude,
      },
      headers: { "x-csrf-token": (await (await page.request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken },
    });
    expect(reported.status(), await reported.text()).toBe(201);
    const number = (await reported.json()).number as string;

    await page.goto(`${baseUrl}/field`);
    const tasks = page.getByTestId("field-tasks");
    await tasks.getByText(number).click();
    const task = page.getByTestId("field-task");
    await task.getByText("已上报").waitFor();
    await expectFullyTranslated(page, "zh-CN");

    await task.getByRole("button", { name: "受理" }).click();
    await task.getByText("已受理").first().waitFor();
    await task.getByRole("button", { name: "开始处置" }).click();
    await task.getByText("处置中").first().waitFor();

    // Settling needs a word on what was done.
    await task.getByRole("button", { name: "办结" }).click();
    await page.getByText("确定", { exact: true }).click();
    await page.getByText("请填写说明").waitFor();
    await page.getByTestId("task-note").locator("textarea").fill("已联系住户清理楼道杂物，现场复查通道畅通。");
    await page.getByText("确定", { exact: true }).click();
    await task.getByText("已办结").first().waitFor();
    expect(await task.getByRole("button", { name: "办结" }).count()).toBe(0);

    // The timeline has every step, the note, and where the worker stood.
    const detail = await (await page.request.get(`${baseUrl}/api/v1/events/${(await reported.json()).id}`)).json();
    const steps = detail.timeline.map((s: { action: string }) => s.action);
    expect(steps).toEqual(expect.arrayContaining(["report", "accept", "start", "resolve"]));
    const resolve = detail.timeline.find((s: { action: string }) => s.action === "resolve");
    expect(resolve).toMatchObject({
      note: "已联系住户清理楼道杂物，现场复查通道畅通。",
      lng: at.longitude,
      lat: at.latitude,
    });
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("keeps a report made without a network on the phone and sends it, once, when the network returns", async () => {
    const at = { longitude: 109.5752, latitude: 23.0915 };
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: at });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/field`);
    const tasks = page.getByTestId("field-tasks");
    const form = page.getByTestId("field-report");
    // Opened once with a network, the categories stay on the phone.
    await tasks.getByRole("button", { name: "上报事件" }).click();
    await form.getByText("环境卫生", { exact: true }).waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await page.getByText("返回", { exact: true }).click();

    await context.setOffline(true);
    await tasks.getByRole("button", { name: "上报事件" }).click();
    await form.getByText("环境卫生", { exact: true }).click();
    await form.getByRole("button", { name: "提交" }).click();
    // A group of one category has it chosen; what is missing is said next to it.
    await page.getByText("请补全标出的内容").waitFor();
    await form.locator(".adm-selector-item-active", { hasText: "环境卫生问题" }).waitFor();
    const hint = form.getByText("请描述发生了什么（至少 2 个字）");
    await hint.waitFor();
    // Tapping the chosen category again keeps it.
    await form.getByText("环境卫生问题", { exact: true }).click();
    await form.locator(".adm-selector-item-active", { hasText: "环境卫生问题" }).waitFor();
    const description = `端到端测试：离线上报的垃圾堆放 ${Date.now()}`;
    await form.getByTestId("report-description").locator("textarea").fill(description);
    await hint.waitFor({ state: "detached" });
    await form.getByText(/已定位/).waitFor();
    await form.getByRole("button", { name: "提交" }).click();
    await page.getByText("已保存在手机上，联网后自动上报").waitFor();
    const pending = page.getByTestId("pending-reports");
    await pending.getByText(description).waitFor();
    await pending.getByText("等待网络，联网后自动上报").waitFor();

    await context.setOffline(false);
    await pending.waitFor({ state: "detached" });
    const mine = await (await page.request.get(`${baseUrl}/api/v1/events?box=reported&limit=200`)).json();
    const sent = mine.filter((e: { description: string }) => e.description === description);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ source: "field", lng: at.longitude, lat: at.latitude, state: "reported" });
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("wangge.field.outbox"))),
    ).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
