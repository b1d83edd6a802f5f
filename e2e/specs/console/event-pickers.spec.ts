import type { APIRequestContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/** In the demo's first grid (its boundary is around 109.57°E, 23.09°N). */
const VILLAGE = "450802001003";
const AT = { lng: 109.5741, lat: 23.0921 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

async function csrfOf(request: APIRequestContext): Promise<string> {
  return (await (await request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
}

async function reportThroughApi(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post(`${baseUrl}/api/v1/events`, {
    headers: { "x-csrf-token": await csrfOf(request) },
    data: { id: crypto.randomUUID(), categoryKey: "environment.sanitation", ...body },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; number: string };
}

/** Opens an event from the inbox as a person would: searching its number and clicking its row. */
async function openEvent(page: Page, number: string) {
  await page.getByLabel("搜索事件").fill(number);
  await page.getByLabel("搜索事件").press("Enter");
  await page.getByRole("cell", { name: number }).click();
  const drawer = page.getByRole("dialog").filter({ has: page.getByText(number, { exact: true }) });
  await drawer.getByRole("tab", { name: "详情" }).waitFor();
  return drawer;
}

/** The options of the open select dropdown. */
const options = (page: Page) => page.locator(".ant-select-dropdown:visible .ant-select-item-option");

/** Nobody is asked for an id: no field shows a UUID as its placeholder or value. */
async function expectNoIdAsked(page: Page) {
  const fields = await page
    .locator("input, textarea")
    .evaluateAll((els) => els.map((e) => `${(e as HTMLInputElement).placeholder} ${(e as HTMLInputElement).value}`));
  expect(fields.filter((f) => UUID.test(f))).toEqual([]);
}

describe("picking people, areas and events by name", () => {
  it("lets a grid head assign a worker found by part of the name and merge a duplicate picked from the list; a village official dispatches to a grid picked by name", async () => {
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.gridhead", demoPassword);
    const stamp = Date.now();
    const kept = await reportThroughApi(page.request, {
      description: `端到端测试：东门外建筑垃圾堆放，无人清运 ${stamp}`,
      lng: AT.lng,
      lat: AT.lat,
    });
    const duplicate = await reportThroughApi(page.request, {
      description: `端到端测试：东门外有建筑垃圾堆放，很久无人清运 ${stamp}`,
      lng: AT.lng + 0.0003,
      lat: AT.lat,
    });

    // Assign: accept, then 派遣 to the worker found by typing part of her name in pinyin.
    await page.goto(`${baseUrl}/events`);
    let drawer = await openEvent(page, kept.number);
    await drawer.getByRole("button", { name: /^受\s*理$/ }).click();
    await page
      .getByRole("dialog", { name: "受理", exact: true })
      .getByRole("button", { name: /确\s*定/ })
      .click();
    await drawer.getByText("已受理").first().waitFor();
    await drawer.getByRole("button", { name: /^派\s*遣$/ }).click();
    const assign = page.getByRole("dialog", { name: "派遣", exact: true });
    await assign.getByLabel("处置人").click();
    await page.keyboard.type("zhengx");
    await options(page).filter({ hasText: "郑雪" }).first().click();
    await expectNoIdAsked(page);
    await assign.getByRole("button", { name: /确\s*定/ }).click();
    await assign.waitFor({ state: "detached" });
    await drawer.getByText("已派遣").first().waitFor();
    const worker = await browser().newContext();
    await worker.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.worker", password: demoPassword },
    });
    const workerId = (await (await worker.request.get(`${baseUrl}/api/v1/auth/me`)).json()).user.id as string;
    await worker.close();
    const assigned = await (await page.request.get(`${baseUrl}/api/v1/events/${kept.id}`)).json();
    expect(assigned).toMatchObject({ state: "assigned", assigneeUserId: workerId });
    await expectFullyTranslated(page, "zh-CN");
    await page.keyboard.press("Escape");

    // Merge: the duplicate joins the event it repeats, picked from the likely duplicates.
    drawer = await openEvent(page, duplicate.number);
    await drawer.getByRole("button", { name: "合并重复" }).click();
    const merge = page.getByRole("dialog", { name: "合并重复", exact: true });
    await merge.getByLabel("并入的事件").click();
    await options(page).filter({ hasText: kept.number }).filter({ hasText: "疑似重复" }).click();
    await merge.getByLabel("说明").fill("同一处建筑垃圾，重复上报");
    await expectNoIdAsked(page);
    await merge.getByRole("button", { name: /确\s*定/ }).click();
    await merge.waitFor({ state: "detached" });
    await drawer.getByText("已合并").first().waitFor();
    const merged = await (await page.request.get(`${baseUrl}/api/v1/events/${duplicate.id}`)).json();
    expect(merged).toMatchObject({ state: "merged", mergedInto: kept.id });
    expect(pageErrors).toEqual([]);
    await context.close();

    // Dispatch (a grid head works in the grid, which has nothing below it): the community's official
    // sends a community-level event down to its second grid, found by name.
    const village = await newPage(browser());
    await signInViaApi(village.page, baseUrl, "demo.village", demoPassword);
    const upper = await reportThroughApi(village.page.request, {
      categoryKey: "facility.damaged",
      description: `端到端测试：社区活动中心门锁损坏 ${stamp}`,
      areaCode: VILLAGE,
    });
    await village.page.goto(`${baseUrl}/events`);
    drawer = await openEvent(village.page, upper.number);
    await drawer.getByRole("button", { name: "下派网格" }).click();
    const dispatch = village.page.getByRole("dialog", { name: "下派网格", exact: true });
    await dispatch.getByLabel("下派到").first().click();
    await village.page.keyboard.type("第二网格");
    await options(village.page).filter({ hasText: "第二网格" }).first().click();
    await dispatch.getByText(/已选：.*第二网格/).waitFor();
    await dispatch.getByLabel("说明").fill("请第二网格上门查看");
    await expectNoIdAsked(village.page);
    await dispatch.getByRole("button", { name: /确\s*定/ }).click();
    await dispatch.waitFor({ state: "detached" });
    const down = await (await village.page.request.get(`${baseUrl}/api/v1/events/${upper.id}`)).json();
    expect(down).toMatchObject({ level: "grid", areaCode: `${VILLAGE}G02` });
    expect(village.pageErrors).toEqual([]);
    await village.context.close();
  });
});
