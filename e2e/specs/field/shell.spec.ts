import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

describe("field app shell", () => {
  it("opens on a phone in Chinese, shows the grid map, and switches to English from the Me tab", async () => {
    const { page, context, externalRequests, pageErrors } = await newPage(browser(), { mobile: true });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/field`);
    await page.getByTestId("field-tasks").getByText("辖区待办").waitFor();
    await expectFullyTranslated(page, "zh-CN");

    await page.getByText("地图", { exact: true }).click();
    await waitForMap(page);
    expect(page.url()).toBe(`${baseUrl}/field/map`);

    await page.getByTestId("tab-bar").getByText("我的", { exact: true }).click();
    await page.getByText("English", { exact: true }).click();
    await page.getByText("Network", { exact: true }).waitFor();
    await expectFullyTranslated(page, "en");

    await page.getByText("Tasks", { exact: true }).click();
    await page.getByTestId("field-tasks").getByText("My areas").waitFor();
    await expectFullyTranslated(page, "en");
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("warns the worker when the phone goes offline", async () => {
    const { page, context } = await newPage(browser(), { mobile: true });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/field`);
    await page.getByTestId("field-tasks").getByText("辖区待办").waitFor();
    await context.setOffline(true);
    await page.getByText("离线，联网后自动同步").first().waitFor();
    await context.setOffline(false);
    await context.close();
  });

  it("sends a worker who is not signed in to the sign-in screen and in to the tasks after it", async () => {
    const { page, context } = await newPage(browser(), { mobile: true });
    await page.goto(`${baseUrl}/field/map`);
    await page.waitForURL(/\/field\/login$/);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByText("请输入用户名").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await page.getByLabel("用户名").fill("demo.worker");
    await page.getByLabel("密码").fill(demoPassword);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("field-tasks").getByText("辖区待办").waitFor();
    await page.getByTestId("tab-bar").getByText("我的", { exact: true }).click();
    await page.getByText("郑雪").waitFor();
    await context.close();
  });
});
