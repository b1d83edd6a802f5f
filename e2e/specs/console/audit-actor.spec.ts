import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/**
 * The audit trail's "whose actions" filter takes a person picked by name (#17 item 1): the auditor
 * types part of the grid head's name, picks them from the list, and reads only their actions — no
 * account name typed from memory.
 */
describe("audit trail filtered by a person picked by name", () => {
  it("lets the auditor type 吴, pick the grid head 吴刚 and see only that account's actions", async () => {
    // The grid head does something the trail records: signs in.
    const { context: other, page: gridHead } = await newPage(browser());
    await signInViaApi(gridHead, baseUrl, "demo.gridhead", demoPassword);
    await other.close();

    const { page, context, externalRequests, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.auditor", demoPassword);
    await page.goto(`${baseUrl}/`);
    await page.getByRole("menuitem", { name: "审计日志" }).click();
    const actor = page.getByRole("combobox", { name: "操作人" });
    await actor.click();
    await actor.fill("吴");
    const option = page
      .locator(".ant-select-item-option")
      .filter({ hasText: "吴刚" })
      .filter({ hasText: "demo.gridhead" });
    await option.click();
    await page.getByRole("button", { name: /查\s*询|搜\s*索/ }).click();
    const rows = page.locator(".ant-table-tbody tr.ant-table-row");
    await rows.first().waitFor();
    await page.waitForLoadState("networkidle");
    const actors = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[2]?.textContent?.trim()));
    expect(actors.length).toBeGreaterThan(0);
    expect(new Set(actors)).toEqual(new Set(["demo.gridhead"]));
    await expectFullyTranslated(page, "zh-CN");
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
