import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { launchChromium } from "./browser.ts";

/** Shared setup for the journeys: one browser per spec file, a fresh context (no storage) per journey. */
export function useBrowser(): { browser: () => Browser; baseUrl: string; demoPassword: string; adminPassword: string } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    browser: () => {
      if (!browser) throw new Error("browser not started");
      return browser;
    },
    baseUrl: inject("baseUrl"),
    demoPassword: inject("demoPassword"),
    adminPassword: inject("adminPassword"),
  };
}

/** Signs the page's browser context in through the API, as the journeys' starting point. */
export async function signInViaApi(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  const res = await page.request.post(`${baseUrl}/api/v1/auth/login`, { data: { username, password } });
  if (!res.ok()) throw new Error(`sign-in of ${username} failed: ${res.status()} ${await res.text()}`);
}

export async function newPage(
  browser: Browser,
  options: {
    mobile?: boolean;
    geolocation?: { longitude: number; latitude: number };
    /** The browser's clock zone (the deployment's stays Asia/Shanghai): times typed must not follow it. */
    timezoneId?: string;
  } = {},
): Promise<{ context: BrowserContext; page: Page; externalRequests: string[]; pageErrors: string[] }> {
  const context = await browser.newContext({
    ...(options.mobile
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN" }
      : { viewport: { width: 1920, height: 1080 }, locale: "zh-CN" }),
    ...(options.geolocation ? { geolocation: options.geolocation, permissions: ["geolocation"] } : {}),
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  const page = await context.newPage();
  const externalRequests: string[] = [];
  const pageErrors: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) {
      externalRequests.push(request.url());
    }
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return { context, page, externalRequests, pageErrors };
}

type Tree = { [key: string]: string | Tree };
function flattenKeys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : flattenKeys(value, `${prefix}${key}.`),
  );
}
const locales = path.resolve(import.meta.dirname, "../../packages/web/src/i18n/locales");
const ALL_KEYS = flattenKeys(JSON.parse(readFileSync(path.join(locales, "zh-CN.json"), "utf8")) as Tree);

/**
 * Fails when the page shows a raw translation key, when i18next recorded a missing key, or (in
 * English) when Chinese text is left on screen apart from the "中文" choice of the language switch.
 */
export async function expectFullyTranslated(page: Page, locale: "zh-CN" | "en"): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
  const missing = await page.evaluate(() => window.__wanggeMissingKeys ?? ["(i18n not initialised)"]);
  expect(missing).toEqual([]);
  // Visible interface text only: content marked translate="no" is the user's data (names, places), not UI.
  const text = await page.evaluate(() => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('[translate="no"], script, style')) continue;
      if (!parent.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      parts.push(node.nodeValue ?? "");
    }
    return parts.join(" ");
  });
  expect(text).not.toMatch(/\{\{\w+\}\}/);
  const rawKeys = ALL_KEYS.filter((key) => key.includes(".") && text.includes(key));
  expect(rawKeys).toEqual([]);
  if (locale === "en") {
    const han = text.replace(/中文/g, "").match(/\p{Script=Han}+/gu) ?? [];
    expect(han).toEqual([]);
  } else {
    expect(text).toMatch(/\p{Script=Han}/u);
  }
}

export async function waitForMap(page: Page): Promise<void> {
  // MapLibre's first load is the heaviest work a page does: on a machine busy with other journeys (one
  // seeds a whole demo server of its own) it has taken over 30 s.
  const said: string[] = [];
  const listen = (m: { type(): string; text(): string }) => {
    if (m.type() === "error" || m.type() === "warning") said.push(`${m.type()}: ${m.text()}`.slice(0, 300));
  };
  page.on("console", listen);
  try {
    await page.locator('[data-map-state="loaded"]').first().waitFor({ timeout: 60_000 });
  } catch (error) {
    // What the map was doing: still loading, or no WebGL at all (the browser's GPU process lost).
    const states = await page
      .locator("[data-map-state]")
      .evaluateAll((maps) => maps.map((m) => m.getAttribute("data-map-state")))
      .catch(() => []);
    const webgl = await page
      .evaluate(() => {
        const canvas = document.createElement("canvas");
        return Boolean(canvas.getContext("webgl2") ?? canvas.getContext("webgl"));
      })
      .catch(() => "unknown");
    throw new Error(
      `the map did not load in 60 s: map states ${JSON.stringify(states)}, WebGL now ${webgl}; the page said:\n${said.join("\n")}`,
      { cause: error },
    );
  } finally {
    page.off("console", listen);
  }
}

declare global {
  interface Window {
    __wanggeMissingKeys?: string[];
  }
}
