import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

describe("console shell", () => {
  it("opens in Chinese with navigation and an empty map, then switches fully to English and remembers it", async () => {
    const { page, context, externalRequests, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.township", demoPassword);
    await page.goto(`${baseUrl}/`);
    await page.getByRole("heading", { name: "工作台" }).waitFor();
    await expect(page.getByRole("menuitem", { name: "系统状态" }).isVisible()).resolves.toBe(true);
    await waitForMap(page);
    expect(await page.locator(".wg-map canvas").count()).toBeGreaterThan(0);
    await expectFullyTranslated(page, "zh-CN");

    await page.getByText("English", { exact: true }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await expectFullyTranslated(page, "en");

    await page.getByRole("menuitem", { name: "System status" }).click();
    await page.getByText("Embedded PostgreSQL (PGlite)").or(page.getByText("PostgreSQL server")).first().waitFor();
    await expectFullyTranslated(page, "en");

    await page.reload();
    await page.getByRole("menuitem", { name: "System status" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("sends a visitor to the sign-in screen, checks required fields and says when the password is wrong", async () => {
    const { page, context } = await newPage(browser());
    await page.goto(`${baseUrl}/users`);
    await page.waitForURL(/\/login\?next=%2Fusers$/);
    await page.getByRole("button", { name: /登\s*录/ }).click();
    await page.getByText("请输入用户名").waitFor();
    await page.getByText("请输入密码").waitFor();
    await page.getByLabel("用户名").fill("demo.worker");
    await page.getByLabel("密码").fill("not the right password");
    await page.getByRole("button", { name: /登\s*录/ }).click();
    await page.getByRole("alert").getByText("用户名或密码错误。").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    await context.close();
  });

  it("draws the polygons of a GeoJSON file on the map and reports a broken file by path", async () => {
    const { page, context } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/`);
    await waitForMap(page);
    const ring = (x: number, y: number) => [
      [x, y],
      [x + 0.02, y],
      [x + 0.02, y + 0.02],
      [x, y + 0.02],
      [x, y],
    ];
    const file = path.join(tmpdir(), `wangge-grids-${Date.now()}.geojson`);
    writeFileSync(
      file,
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            properties: { name: "一网格" },
            geometry: { type: "Polygon", coordinates: [ring(110.0, 23.0)] },
          },
          {
            type: "Feature",
            properties: { name: "二网格" },
            geometry: { type: "Polygon", coordinates: [ring(110.03, 23.0)] },
          },
        ],
      }),
    );
    // The map opens on the worker's own areas; the file's two polygons are drawn over them.
    const count = async () => Number(await page.locator(".wg-map").getAttribute("data-feature-count"));
    await expect.poll(count).toBeGreaterThan(0);
    const own = await count();
    const before = await page.locator(".wg-map").screenshot();
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByText(/wangge-grids-\d+\.geojson：2 个面/).waitFor();
    await page.locator(`.wg-map[data-feature-count="${own + 2}"]`).waitFor();
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>(".wg-map canvas");
      return canvas !== null && canvas.width > 0;
    });
    // The polygons are drawn: the rendered map is no longer the plain background.
    await expect
      .poll(async () => Buffer.compare(before, await page.locator(".wg-map").screenshot()), { timeout: 10_000 })
      .not.toBe(0);

    const broken = path.join(tmpdir(), `wangge-broken-${Date.now()}.geojson`);
    writeFileSync(
      broken,
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            properties: {},
            geometry: {
              type: "Polygon",
              coordinates: [
                [
                  [200, 23],
                  [110, 23],
                  [110, 24],
                  [200, 23],
                ],
              ],
            },
          },
        ],
      }),
    );
    await page.locator('input[type="file"]').setInputFiles(broken);
    await page
      .getByRole("alert")
      .getByText(/features\.0\.geometry\.coordinates\.0\.0\.0/)
      .waitFor();
    await context.close();
  });
});
