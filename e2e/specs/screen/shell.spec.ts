import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/** A word on the wall, the database and version in its tooltip. */
async function expectServiceStatus(page: Page, word: string) {
  const status = page.getByTestId("screen-service-status");
  await status.getByText(word, { exact: true }).waitFor();
  expect(await status.getAttribute("title")).toMatch(new RegExp(`^${word} · .+ · v`));
}

/** The title is one line (no taller than its line height), whole (not cut short) and inside the viewport. */
async function expectTitleOnOneLine(page: Page) {
  const title = page.getByTestId("screen-title");
  const box = await title.boundingBox();
  const viewport = page.viewportSize();
  expect(box).not.toBeNull();
  if (!box || !viewport) return;
  const fits = await title.evaluate((h) => {
    const lineHeight = Number.parseFloat(getComputedStyle(h).lineHeight);
    return { lines: Math.round(h.clientHeight / lineHeight), whole: h.scrollWidth <= h.clientWidth };
  });
  expect(fits).toEqual({ lines: 1, whole: true });
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
}

describe("big screen shell", () => {
  it("shows the command screen in Chinese with live service status and a map, then in English", async () => {
    const { page, context, externalRequests, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.county", demoPassword);
    await page.goto(`${baseUrl}/screen`);
    await page.getByRole("heading", { name: "网格化治理指挥大屏" }).waitFor();
    await expectServiceStatus(page, "正常");
    await waitForMap(page);
    await expectFullyTranslated(page, "zh-CN");
    await expectTitleOnOneLine(page);

    await page.getByText("English", { exact: true }).click();
    await page.getByRole("heading", { name: "Grid command centre" }).waitFor();
    await expectServiceStatus(page, "OK");
    await expectFullyTranslated(page, "en");
    // The English wall holds its layout: the title on one line inside the screen, each ticker row its place.
    await expectTitleOnOneLine(page);
    const row = page.getByRole("list", { name: "Latest matters" }).locator("li").first();
    await row.waitFor();
    const place = row.locator("span[translate=no]").first();
    expect((await place.getAttribute("title"))?.length).toBeGreaterThan(0);
    expect((await place.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(60);
    expect(await place.textContent()).toBe(await place.getAttribute("title"));
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
    await expectServiceStatus(page, "正常");
    await expectFullyTranslated(page, "zh-CN");
    await context.close();
  });
});
