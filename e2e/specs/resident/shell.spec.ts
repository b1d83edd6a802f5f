import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
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

  it("signs a resident in with a code sent to their phone (the development sender writes it to the server log)", async () => {
    const { page, context } = await newPage(browser(), { mobile: true });
    await page.goto(`${baseUrl}/h5/login`);
    const phone = `135${String(Date.now()).slice(-8)}`;
    await page.getByLabel("手机号").fill(phone);
    await page.getByRole("button", { name: "获取验证码" }).click();
    await page.getByText("验证码已发送，5 分钟内有效。").waitFor();
    const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
    let code: string | undefined;
    await expect
      .poll(() => {
        const line = readFileSync(inject("serverLog"), "utf8")
          .split("\n")
          .filter((l) => l.includes(masked))
          .at(-1);
        code = line?.match(/验证码 (\d{6})/)?.[1];
        return code;
      })
      .toBeDefined();
    expect(readFileSync(inject("serverLog"), "utf8")).not.toContain(phone);
    await page.getByLabel("验证码").fill(code as string);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByText("您好，欢迎使用居民服务").waitFor();
    await page.getByText("我的", { exact: true }).click();
    await page.getByText(`居民 ${masked}`).waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await context.close();
  });
});
