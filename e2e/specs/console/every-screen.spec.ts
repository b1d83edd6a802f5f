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

/**
 * Error messages and notifications as they appear, however briefly; refused API requests; and the API
 * requests still awaiting their answer (the live inbox's stream, open for as long as the page is, aside).
 */
async function watch(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __wgErrors: string[] }).__wgErrors = seen;
    new MutationObserver(() => {
      for (const el of Array.from(document.querySelectorAll(".ant-message-error, .ant-notification-notice-error"))) {
        if (!el.hasAttribute("data-wg-seen")) {
          el.setAttribute("data-wg-seen", "");
          seen.push(el.textContent ?? "");
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const refused: string[] = [];
  const pending = new Set<import("playwright-core").Request>();
  const isApi = (url: string) => {
    const { pathname } = new URL(url);
    return pathname.startsWith("/api/") && pathname !== "/api/v1/events/stream";
  };
  page.on("request", (request) => {
    if (isApi(request.url())) pending.add(request);
  });
  page.on("requestfinished", (request) => pending.delete(request));
  page.on("requestfailed", (request) => pending.delete(request));
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (isApi(response.url()) && response.status() >= 400)
      refused.push(`${response.request().method()} ${url.pathname}${url.search} → ${response.status()}`);
  });
  return {
    toasts: () => page.evaluate(() => (window as unknown as { __wgErrors?: string[] }).__wgErrors ?? []),
    refused,
    /** Until the screen has had the answers to everything it asked for on opening (and asked nothing more). */
    settled: async () => {
      await page.waitForLoadState("domcontentloaded");
      for (let quiet = 0; quiet < 3; ) {
        await page.waitForTimeout(100);
        quiet = pending.size === 0 ? quiet + 1 : 0;
      }
    },
  };
}

describe("every console screen, as every demo role", () => {
  for (const username of ACCOUNTS) {
    it(`opens every menu entry and tab as ${username} without an error`, async () => {
      const { page, context, pageErrors } = await newPage(browser());
      const failures = await watch(page);
      await signInViaApi(page, baseUrl, username, username === "admin" ? adminPassword : demoPassword);
      await page.goto(`${baseUrl}/`);
      await page.getByRole("menuitem").first().waitFor();
      const entries = (await page.getByRole("menuitem").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
      expect(entries.length, username).toBeGreaterThan(1);
      const visited: string[] = [];
      // By position: a menu entry's accessible name also holds its icon's label.
      for (const [i, entry] of entries.entries()) {
        await page.getByRole("menuitem").nth(i).click();
        await failures.settled();
        visited.push(entry);
        const tabs = (await page.getByRole("tab").allInnerTexts()).map((t) => t.trim());
        for (let j = 1; j < tabs.length; j++) {
          await page.getByRole("tab").nth(j).click();
          await failures.settled();
          visited.push(`${entry} › ${tabs[j]}`);
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
    }, 180_000);
  }
});
