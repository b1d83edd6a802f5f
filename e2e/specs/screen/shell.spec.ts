import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

describe("big screen shell", () => {
  it("shows the command screen in Chinese with live service status and a map, then in English", async () => {
    const { page, context, externalRequests, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.county", demoPassword);
    await page.goto(`${baseUrl}/screen`);
    await page.getByRole("heading", { name: "网格化治理指挥大屏" }).waitFor();
    await page.getByText(/^正常 · /).waitFor();
    await waitForMap(page);
    await expectFullyTranslated(page, "zh-CN");

    await page.getByText("English", { exact: true }).click();
    await page.getByRole("heading", { name: "Grid governance command screen" }).waitFor();
    await page.getByText(/^OK · /).waitFor();
    await expectFullyTranslated(page, "en");
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("sends a visitor to its own sign-in screen and opens after signing in", async () => {
    const { page, context } = await newPage(browser());
    await page.goto(`${baseUrl}/screen`);
    await page.waitForURL(/\/screen\/login$/);
    await page.getByLabel("用户名").fill("demo.county");
    await page.getByLabel("密码").fill(demoPassword);
    await page.getByRole("button", { name: /登\s*录/ }).click();
    // The sign-in page has the same heading: wait for the screen itself (its status line) before reading it.
    await page.waitForURL((url) => !url.pathname.endsWith("/login"));
    await page.getByRole("heading", { name: "网格化治理指挥大屏" }).waitFor();
    await page.getByText(/^正常 · /).waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await context.close();
  });
});
