import type { APIRequestContext, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();

/**
 * Every action button the console shows succeeds when clicked: for each demo role that works on
 * events, fresh events are reported where that role works, and each button shown on them is clicked
 * (on an event of its own) and its form filled the way a person would — picking, never typing ids.
 */
const ROLES: { username: string; areaCode: string; reports: boolean; accepted?: boolean }[] = [
  { username: "demo.city", areaCode: "4508", reports: true },
  { username: "demo.county", areaCode: "450802", reports: true },
  { username: "demo.township", areaCode: "450802001", reports: true },
  { username: "demo.village", areaCode: "450802001003", reports: true },
  // Accepted already: the handling buttons (派遣, start, settle, suspend…) rather than intake's.
  { username: "demo.gridhead", areaCode: "450802001003G01", reports: true, accepted: true },
  { username: "demo.worker", areaCode: "450802001003G01", reports: true },
  { username: "demo.instructor", areaCode: "450802001003G02", reports: true },
  { username: "demo.police", areaCode: "450802001003G01", reports: true },
  // A mediator handles disputes, not events: reported for them by the community's official.
  { username: "demo.mediator", areaCode: "450802001003", reports: false },
];

async function csrfOf(request: APIRequestContext): Promise<string> {
  return (await (await request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
}

async function report(request: APIRequestContext, areaCode: string, n: number, accepted = false) {
  const res = await request.post(`${baseUrl}/api/v1/events`, {
    headers: { "x-csrf-token": await csrfOf(request) },
    data: {
      id: crypto.randomUUID(),
      categoryKey: "facility.damaged",
      description: `端到端测试：路灯杆倾斜，存在倒伏隐患（第${n}件）`,
      areaCode,
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  const event = (await res.json()) as { id: string; number: string };
  if (accepted) {
    const accept = await request.post(`${baseUrl}/api/v1/events/${event.id}/transitions`, {
      headers: { "x-csrf-token": await csrfOf(request) },
      data: { action: "accept" },
    });
    expect(accept.status(), await accept.text()).toBe(200);
  }
  return event;
}

async function openEvent(page: Page, number: string) {
  await page.getByLabel("搜索事件").fill(number);
  await page.getByLabel("搜索事件").press("Enter");
  await page.getByRole("cell", { name: number }).click();
  const drawer = page.getByRole("dialog").filter({ has: page.getByText(number, { exact: true }) });
  await drawer.getByRole("tab", { name: "详情" }).waitFor();
  return drawer;
}

const options = (page: Page) => page.locator(".ant-select-dropdown:visible .ant-select-item-option");

/** Fills an action's form as a person would: the first choice offered, a department, a note. */
async function fill(page: Page, dialog: ReturnType<Page["getByRole"]>) {
  for (const label of ["处置人", "下派到", "并入的事件"]) {
    const field = dialog.getByLabel(label, { exact: true });
    if ((await field.count()) === 0) continue;
    await field.first().click();
    await options(page).first().click();
  }
  const unit = dialog.getByLabel("协办单位");
  if ((await unit.count()) > 0) await unit.fill("港北区供电局");
  await dialog.getByLabel("说明").fill("端到端测试：按流程办理");
}

describe("the actions the console offers", () => {
  // Contexts signed in through the API: the community's official reports for the mediator, the
  // city official reads back what each click did.
  let village: BrowserContext;
  let city: BrowserContext;
  const clicked: string[] = [];
  beforeAll(async () => {
    village = await browser().newContext();
    await village.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.village", password: demoPassword },
    });
    city = await browser().newContext();
    await city.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.city", password: demoPassword },
    });
  });
  afterAll(async () => {
    await village?.close();
    await city?.close();
  });

  for (const role of ROLES)
    it(`succeed, each of them, for ${role.username}`, async () => {
      const { page, context, pageErrors } = await newPage(browser());
      await signInViaApi(page, baseUrl, role.username, demoPassword);
      const reporter = role.reports ? page.request : village.request;
      // The first event shows the buttons; it stays open as a likely duplicate to merge into.
      const probe = await report(reporter, role.areaCode, 0, role.accepted);
      await page.goto(`${baseUrl}/events`);
      let drawer = await openEvent(page, probe.number);
      await drawer
        .getByText(role.accepted ? "已受理" : "已上报")
        .first()
        .waitFor();
      const actions = await drawer
        .locator("button[data-action]")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-action") as string));
      // What is shown is what the server says this user may do to it.
      const allowed = (await (await page.request.get(`${baseUrl}/api/v1/events/${probe.id}`)).json()).allowedActions;
      expect(actions, role.username).toEqual(allowed);
      await page.keyboard.press("Escape");
      for (const [i, action] of actions.entries()) {
        const event = await report(reporter, role.areaCode, i + 1, role.accepted);
        drawer = await openEvent(page, event.number);
        await drawer.locator(`button[data-action="${action}"]`).click();
        const dialog = page.locator(".ant-modal:visible");
        await fill(page, dialog as unknown as ReturnType<Page["getByRole"]>);
        await dialog.getByRole("button", { name: /确\s*定/ }).click();
        // A refused action keeps its dialog open with the server's reason; a taken one closes it.
        await dialog.waitFor({ state: "detached" });
        const done = await (await city.request.get(`${baseUrl}/api/v1/events/${event.id}`)).json();
        expect(
          done.timeline.map((s: { action: string }) => s.action),
          `${role.username} ${action}`,
        ).toContain(action);
        clicked.push(`${role.username}:${action}`);
        await page.keyboard.press("Escape");
      }
      expect(pageErrors).toEqual([]);
      await context.close();
    }, 150_000);

  it("cover the workflow's actions from a new or accepted report, and who may take them", () => {
    for (const action of [
      "accept",
      "assign",
      "start",
      "resolve",
      "suspend",
      "return",
      "escalate",
      "dispatch",
      "co_handle",
      "merge",
      "supervise",
      "cancel",
    ])
      expect(
        clicked.some((c) => c.endsWith(`:${action}`)),
        action,
      ).toBe(true);
    expect(clicked.filter((c) => c.startsWith("demo.mediator:"))).toEqual([]);
  });
});
