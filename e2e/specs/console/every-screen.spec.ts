import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword, adminPassword } = useBrowser();

/**
 * Every console screen, opened as each demo role would open it (#17 item 5): every menu entry and
 * every tab on it. A screen asks only for what the user may read and says what they cannot do;
 * nothing the user did can have failed, so no error message may appear and no request may be refused.
 */
const ACCOUNTS = [
  "admin",
  "demo.auditor",
  "demo.city",
  "demo.county",
  "demo.township",
  "demo.village",
  "demo.gridhead",
  "demo.worker",
  "demo.instructor",
  "demo.police",
  "demo.mediator",
  "demo.volunteer",
];

/** Error messages and notifications as they appear, however briefly, and refused API requests. */
async function watchFailures(page: Page): Promise<{ toasts: () => Promise<string[]>; refused: string[] }> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __wgErrors: string[] }).__wgErrors = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll(".ant-message-error, .ant-notification-notice-error")) {
        const text = el.textContent ?? "";
        if (!el.hasAttribute("data-wg-seen")) {
          el.setAttribute("data-wg-seen", "");
          seen.push(text);
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const refused: string[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith("/api/") && response.status() >= 400)
      refused.push(`${response.request().method()} ${url.pathname}${url.search} → ${response.status()}`);
  });
  return {
    toasts: () => page.evaluate(() => (window as unknown as { __wgErrors?: string[] }).__wgErrors ?? []),
    refused,
  };
}

/** Waits until the screen has asked for everything it asks for on opening. */
const settled = (page: Page) => page.waitForLoadState("networkidle");

describe("every console screen, as every demo role", () => {
  for (const username of ACCOUNTS) {
    it(`opens every menu entry and tab as ${username} without an error`, async () => {
      const { page, context, pageErrors } = await newPage(browser());
      const failures = await watchFailures(page);
      await signInViaApi(page, baseUrl, username, username === "admin" ? adminPassword : demoPassword);
      await page.goto(`${baseUrl}/`);
      await page.getByRole("menuitem").first().waitFor();
      const entries = (await page.getByRole("menuitem").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
      expect(entries.length, username).toBeGreaterThan(1);
      const visited: string[] = [];
      for (const entry of entries) {
        await page.getByRole("menuitem", { name: entry, exact: true }).click();
        await settled(page);
        visited.push(entry);
        const tabs = (await page.getByRole("tab").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        for (const tab of tabs.slice(1)) {
          await page.getByRole("tab", { name: tab, exact: true }).click();
          await settled(page);
          visited.push(`${entry} › ${tab}`);
        }
        expect(await page.getByRole("heading", { name: "404" }).count(), entry).toBe(0);
      }
      expect({ username, toasts: await failures.toasts(), refused: failures.refused }).toEqual({
        username,
        toasts: [],
        refused: [],
      });
      await expectFullyTranslated(page, "zh-CN");
      expect(pageErrors).toEqual([]);
      expect(visited.length).toBeGreaterThanOrEqual(entries.length);
      await context.close();
    });
  }
});
