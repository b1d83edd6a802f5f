import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/**
 * The deployment's own settings (event categories, calendar, devices, Open311 keys, roles) need their
 * permission for the whole deployment; the console offers them only then, as /auth/me tells it, and
 * a settings page reached by its address says what the user cannot do there instead of failing.
 */
describe("the deployment's settings", () => {
  it("are not offered to a township official, and their page says why instead of failing", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    await page.goto(`${baseUrl}/`);
    await page.getByRole("menuitem").first().waitFor();
    const menu = (await page.getByRole("menuitem").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    expect(menu).toContain("事件办理");
    expect(menu).not.toContain("事件设置");

    // The events page: the inbox, without the settings and integrations tabs.
    await page.getByRole("menuitem", { name: "事件办理" }).click();
    await page.getByRole("tab", { name: "事件办理" }).waitFor();
    const tabs = (await page.getByRole("tab").allInnerTexts()).map((t) => t.trim());
    expect(tabs).not.toContain("事件设置");
    expect(tabs).not.toContain("接入管理");

    // Its address: what they cannot do, and why — not a request that fails.
    await page.goto(`${baseUrl}/event-settings`);
    await page.getByText("您不能查看或修改事件设置").waitFor();
    await page.getByText("全系统共用的设置", { exact: false }).waitFor();
    expect(await page.locator(".ant-message-error").count()).toBe(0);
    await expectFullyTranslated(page, "zh-CN");

    // Roles are theirs to read, not to change, and the page says so.
    await page.goto(`${baseUrl}/roles`);
    await page.getByText("角色是全系统共用的设置，这里仅供查看", { exact: false }).waitFor();
    await page.getByText("网格员", { exact: true }).click();
    await page.getByRole("checkbox").first().waitFor();
    expect(await page.getByRole("checkbox", { disabled: false }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "保存" }).count()).toBe(0);

    await page.getByText("English", { exact: true }).click();
    await page.getByText("Roles are settings of the whole deployment", { exact: false }).waitFor();
    await page.goto(`${baseUrl}/event-settings`);
    await page.getByText("You cannot see or change the event settings").waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
