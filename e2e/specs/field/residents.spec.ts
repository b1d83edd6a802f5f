import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/** Opens the demo grid's first household (the party member's lead household) from the list. */
async function openLeadHousehold(page: Page) {
  await page
    .getByTestId("field-residents")
    .getByText(/金港大道/)
    .first()
    .click();
  const household = page.getByTestId("field-household");
  await household.getByText("党员中心户").waitFor();
  return household;
}

describe("field app residents", () => {
  it("walks a grid worker from the grid's households to a household, a person's masked card and the care list, in both languages", async () => {
    const { page, context, externalRequests, pageErrors } = await newPage(browser(), { mobile: true });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/field`);
    await page.getByText("住户", { exact: true }).click();
    const residents = page.getByTestId("field-residents");
    // The demo grid G01's households, by address, with their head and size.
    await residents
      .getByText(/金港大道/)
      .first()
      .waitFor();
    expect(await residents.getByText(/荷城路/).count()).toBe(0);
    await expect.poll(() => residents.getByText(/\d+ 人/).count()).toBe(6);
    await expectFullyTranslated(page, "zh-CN");

    // The first household is the party member's lead household: its members and whom it looks after.
    const household = await openLeadHousehold(page);
    await household.getByText("联系的户").first().waitFor();
    await household.getByText("户主", { exact: false }).first().click();

    const person = page.getByTestId("field-person");
    await person.getByTestId("person-id-number").waitFor();
    // The region only, and the birth year, not the date: together they leave the number open.
    expect(await person.getByTestId("person-id-number").textContent()).toMatch(/^450802\*{12}$/);
    expect(await person.getByTestId("person-birth").textContent()).toMatch(/^\d{4} 年生$/);
    expect(await person.getByTestId("person-phone").textContent()).toMatch(/^138\*{4}\d{4}$/);
    // A grid worker may not reveal numbers: no button that would only be refused.
    expect(await page.getByText("查看完整证件号和电话").count()).toBe(0);
    await expectFullyTranslated(page, "zh-CN");

    // Back, twice, to the list; then the care list: people with care tags, the tag standing out.
    await page.getByText("返回", { exact: true }).click();
    await household.waitFor();
    await page.getByText("返回", { exact: true }).click();
    await residents.getByText("关爱对象", { exact: true }).click();
    const care = residents.locator('[data-category="care"]');
    await care.first().waitFor();
    expect(await care.count()).toBeGreaterThan(0);

    // The map tab draws the worker's grid and its lead households with the households they look after.
    const grid = page.waitForResponse((r) => r.url().includes("/api/v1/areas/450802001003G01/export"));
    const leads = page.waitForResponse((r) => r.url().includes("/api/v1/lead-households?areaCode=450802001003G01"));
    await page.getByText("地图", { exact: true }).click();
    await waitForMap(page);
    expect((await (await grid).json()).features.length).toBeGreaterThan(0);
    const layer = await (await leads).json();
    expect(layer.features.some((f: { properties: { kind: string } }) => f.properties.kind === "lead")).toBe(true);

    await page.getByTestId("tab-bar").getByText("我的", { exact: true }).click();
    await page.getByText("English", { exact: true }).click();
    await page.getByText("Residents", { exact: true }).click();
    await residents
      .getByText(/\d+ people/)
      .first()
      .waitFor();
    await expectFullyTranslated(page, "en");
    await residents.getByText("Care", { exact: true }).click();
    await residents.locator('[data-category="care"]').first().waitFor();
    await expectFullyTranslated(page, "en");
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("keeps showing the lists and households it loaded when the phone goes offline, marked as such", async () => {
    const { page, context } = await newPage(browser(), { mobile: true });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/field/residents`);
    const residents = page.getByTestId("field-residents");
    const household = await openLeadHousehold(page);
    await page.getByText("返回", { exact: true }).click();
    await residents
      .getByText(/金港大道/)
      .first()
      .waitFor();

    await context.setOffline(true);
    await residents
      .getByText(/金港大道/)
      .first()
      .click();
    await household.getByText("党员中心户").waitFor();
    await page.getByText("网络不通，显示的是上次加载的内容").waitFor();
    // A household never opened has nothing to show offline: an error with a retry.
    await page.getByText("返回", { exact: true }).click();
    await residents
      .getByText(/金港大道/)
      .nth(5)
      .click();
    await page.getByText("重试", { exact: true }).first().waitFor();
    expect(await household.count()).toBe(0);

    await context.setOffline(false);
    await page.getByText("重试", { exact: true }).first().click();
    await household.getByText("家庭成员", { exact: false }).waitFor();
    await context.close();
  });

  it("lets a grid head reveal a person's numbers once, only with a reason, and records it in the access log", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true });
    await signInViaApi(page, baseUrl, "demo.gridhead", demoPassword);
    await page.goto(`${baseUrl}/field/residents`);
    const residents = page.getByTestId("field-residents");
    await residents.getByText("人员", { exact: true }).click();
    const search = residents.getByPlaceholder("姓名、拼音、首字母、证件号或手机号");
    await search.fill("韦");
    await search.press("Enter");
    await residents.getByText(/^韦/).first().click();

    const person = page.getByTestId("field-person");
    await person.getByTestId("person-id-number").waitFor();
    const personId = page.url().split("/").at(-1) as string;
    await page.getByText("查看完整证件号和电话").click();
    await page.getByText("确认查看").click();
    await page.getByText("请填写事由（至少两个字）").waitFor();
    expect(await person.getByTestId("person-id-number").textContent()).toContain("*");

    await page.getByTestId("reveal-reason").locator("textarea").fill("入户走访核实联系方式");
    await page.getByText("确认查看").click();
    await page.getByText("完整号码已记录查阅，请勿截屏或外传。").waitFor();
    expect(await person.getByTestId("person-id-number").textContent()).toMatch(/^450802\d{11}[\dX]$/);
    expect(await person.getByTestId("person-phone").getAttribute("href")).toMatch(/^tel:138\d{8}$/);
    await expectFullyTranslated(page, "zh-CN");

    const log = await page.request.get(`${baseUrl}/api/v1/people/${personId}/access-log`);
    expect(log.ok()).toBe(true);
    expect(await log.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ username: "demo.gridhead", reason: "入户走访核实联系方式" })]),
    );
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
