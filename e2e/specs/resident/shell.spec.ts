import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl } = useBrowser();

describe("resident app shell", () => {
  it("opens on a phone in Chinese and switches fully to English", async () => {
    const { page, context, externalRequests, pageErrors } = await newPage(browser(), { mobile: true });
    await page.goto(`${baseUrl}/h5`);
    await page.getByText("您好，欢迎使用居民服务").waitFor();
    await expectFullyTranslated(page, "zh-CN");

    await page.getByText("我的", { exact: true }).click();
    await page.getByText("English", { exact: true }).click();
    await page.getByText("Me", { exact: true }).waitFor();
    await expectFullyTranslated(page, "en");
    await page.getByText("Home", { exact: true }).click();
    await page.getByText("Hello, welcome to resident services").waitFor();
    await expectFullyTranslated(page, "en");
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("shows the sign-in screen and says when sign-in is not enabled", async () => {
    const { page, context } = await newPage(browser(), { mobile: true });
    await page.goto(`${baseUrl}/h5/login`);
    await page.getByLabel("用户名").fill("resident-01");
    await page.getByLabel("密码").fill("a long passphrase");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("alert").getByText("此服务器尚未启用账号登录。").waitFor();
    await context.close();
  });
});
