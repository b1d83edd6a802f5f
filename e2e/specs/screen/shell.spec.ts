import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl } = useBrowser();

describe("big screen shell", () => {
  it("shows the command screen in Chinese with live service status and a map, then in English", async () => {
    const { page, context, externalRequests, pageErrors } = await newPage(browser());
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

  it("has its own sign-in screen under /screen/login", async () => {
    const { page, context } = await newPage(browser());
    await page.goto(`${baseUrl}/screen/login`);
    await page.getByLabel("用户名").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await context.close();
  });
});
