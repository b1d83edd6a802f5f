import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

/**
 * Every map opens where its user works (issue #17 item 4): on the signed-in user's areas, or on the
 * record's place, with the grids drawn and named — read from what the map shows (`data-map-bounds`,
 * its view in WGS-84) and the labels on it.
 */
const { browser, baseUrl, demoPassword } = useBrowser();

type Box = [number, number, number, number];
interface Mine {
  bounds: Box;
  features: {
    features: { id: string; properties: { name: string; level: string }; geometry: { coordinates: unknown } }[];
  };
}

async function mineOf(page: Page): Promise<Mine> {
  const res = await page.request.get(`${baseUrl}/api/v1/areas/mine`);
  expect(res.status()).toBe(200);
  return (await res.json()) as Mine;
}

function boxOf(coordinates: unknown): Box {
  const flat = (JSON.stringify(coordinates).match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
  const xs = flat.filter((_, i) => i % 2 === 0);
  const ys = flat.filter((_, i) => i % 2 === 1);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);

/** The map shows all of `target`, and not a view so wide that it is lost in it (the configured centre's zoom). */
async function expectMapOn(map: Locator, target: Box) {
  await expect.poll(() => map.getAttribute("data-map-state"), { timeout: 30_000 }).toBe("loaded");
  await expect
    .poll(
      async () => {
        const view = (await map.getAttribute("data-map-bounds"))?.split(",").map(Number) as Box | undefined;
        if (!view) return "no view yet";
        const holds = view[0] <= target[0] && view[1] <= target[1] && view[2] >= target[2] && view[3] >= target[3];
        return holds && area(view) < 60 * area(target) ? "on target" : `view ${view} for ${target}`;
      },
      { timeout: 15_000 },
    )
    .toBe("on target");
}

/** MapLibre placed the shape's name (it would hide one that overlapped another). */
async function expectLabelled(map: Locator, name: string) {
  await expect
    .poll(async () => ((await map.getAttribute("data-area-labels")) ?? "").split("|"), { timeout: 15_000 })
    .toContain(name);
}

async function expectGridLabels(map: Locator, mine: Mine) {
  const grids = mine.features.features.filter((f) => f.properties.level === "grid");
  expect(grids.length).toBeGreaterThan(0);
  for (const g of grids) await expectLabelled(map, g.properties.name);
}

describe("maps in the console", () => {
  it("open on a community secretary's community with its grids named: home, areas, report form, event, households", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.village", demoPassword);
    const mine = await mineOf(page);
    expect(mine.bounds).not.toBeNull();

    await page.goto(`${baseUrl}/`);
    const home = page.getByRole("region", { name: "辖区地图" });
    await expectMapOn(home, mine.bounds);
    await expectGridLabels(home, mine);
    await page.getByText("您的辖区：").waitFor();

    await page.getByRole("menuitem", { name: "区域网格" }).click();
    const areas = page.getByRole("region", { name: "区域边界" });
    await expectMapOn(areas, mine.bounds);
    await expectGridLabels(areas, mine);
    // The community opens to its grids; a grid has no children, so the tree draws no expand arrow before it.
    const tree = page.getByRole("tree");
    await tree.locator(".ant-tree-treenode").first().locator(".ant-tree-switcher").click();
    const gridName = mine.features.features.find((f) => f.properties.level === "grid")?.properties.name ?? "?";
    const gridNode = tree.locator(".ant-tree-treenode", { hasText: gridName });
    await gridNode.waitFor();
    expect(await gridNode.locator(".ant-tree-switcher-noop").count()).toBe(1);

    await page.getByRole("menuitem", { name: "事件办理" }).click();
    await page.getByRole("button", { name: "上报事件" }).click();
    const form = page.getByRole("dialog", { name: "上报事件" });
    const where = form.getByRole("region", { name: "事发位置" });
    await expectMapOn(where, mine.bounds);
    await expectGridLabels(where, mine);
    await page.keyboard.press("Escape");

    // An event opens on its own place: its grid, named.
    await page
      .getByRole("cell", { name: /GX-450802-/ })
      .first()
      .click();
    const detail = page.getByRole("dialog").filter({ has: page.getByRole("region", { name: "位置" }) });
    const eventMap = detail.getByRole("region", { name: "位置" });
    const code = await detail.locator("[data-area-code]").first().getAttribute("data-area-code");
    const grid = mine.features.features.find((f) => f.id === code);
    expect(grid, `event in ${code}`).toBeDefined();
    await expectMapOn(eventMap, boxOf(grid?.geometry.coordinates));
    // Labelled: the event's grid, or the grids of the community it was escalated to.
    for (const g of mine.features.features.filter((f) => f.properties.level === "grid" && f.id.startsWith(code ?? "?")))
      await expectLabelled(eventMap, g.properties.name);
    // The area is named, its code beside it.
    await expect
      .poll(() => detail.locator("[data-area-code]").first().textContent())
      .toBe(`${grid?.properties.name}${code}`);
    await page.keyboard.press("Escape");

    await page.getByRole("menuitem", { name: "人口房屋" }).click();
    await page.getByRole("tab", { name: "户" }).click();
    const lead = page.getByRole("region", { name: "党员中心户联系图" });
    await expectMapOn(lead, mine.bounds);
    await expectGridLabels(lead, mine);
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("shows grid names, not codes, in the inbox and the registry; English keeps the names as data", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.gridhead", demoPassword);
    await page.goto(`${baseUrl}/events`);
    const firstArea = page.locator("td [data-area-code]").first();
    await firstArea.waitFor();
    await expect.poll(() => firstArea.textContent()).toMatch(/网格/);
    expect(await firstArea.getAttribute("title")).toMatch(/^450802001003G0\d$/);
    await page.getByRole("menuitem", { name: "人口房屋" }).click();
    const personGrid = page.locator("td [data-area-code]").first();
    await personGrid.waitFor();
    await expect.poll(() => personGrid.textContent()).toMatch(/网格/);
    await page.getByText("English", { exact: true }).click();
    await page.getByRole("tab", { name: "People" }).waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe("the offline background (no tile server configured)", () => {
  it("draws the division outlines and their Chinese names from this server, and asks nothing of the internet", async () => {
    const { page, context, pageErrors, externalRequests } = await newPage(browser());
    const tiles: number[] = [];
    page.on("response", (res) => {
      if (res.url().includes("/api/v1/areas/outlines/")) tiles.push(res.status());
    });
    await signInViaApi(page, baseUrl, "demo.village", demoPassword);
    const mine = await mineOf(page);
    const community = mine.features.features.find((f) => f.properties.level === "village");
    expect(community, "the secretary's community").toBeDefined();
    await page.goto(`${baseUrl}/`);
    const home = page.getByRole("region", { name: "辖区地图" });
    await expectMapOn(home, mine.bounds);
    // What MapLibre drew of the base layers (queryRenderedFeatures, published on the map's element).
    await expect
      .poll(async () => Number((await home.getAttribute("data-base-outlines")) ?? 0), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(async () => (await home.getAttribute("data-base-labels"))?.split("|") ?? [], { timeout: 15_000 })
      .toContain(community?.properties.name);
    expect(await home.getAttribute("data-base-labels")).toMatch(/\p{Script=Han}/u);
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.every((s) => s === 200 || s === 204 || s === 304)).toBe(true);
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe("the field app's map", () => {
  it("opens on the grid worker's grid, named", async () => {
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    const mine = await mineOf(page);
    await page.goto(`${baseUrl}/field/map`);
    const map = page.getByRole("region", { name: "网格地图" });
    await expectMapOn(map, mine.bounds);
    await expectGridLabels(map, mine);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
