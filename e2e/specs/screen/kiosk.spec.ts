import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { APIRequestContext } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";
import { type OwnServer, startOwnServer } from "../../support/own-server.ts";

const { browser } = useBrowser();

/**
 * A kiosk wall with a big-screen link (#20 item 5): the township official issues a link in the
 * console (大屏链接), the wall opens it with no sign-in and shows the township; the server is stopped
 * and started again on the same data and the wall keeps updating by itself; the official revokes the
 * link and the wall says so. Its own server: stopping the shared one would break the other journeys.
 */
const dataDirs: string[] = [];
let server: OwnServer | undefined;
afterAll(async () => {
  await server?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function report(request: APIRequestContext, baseUrl: string, description: string): Promise<string> {
  const csrf = (await (await request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
  const id = crypto.randomUUID();
  const res = await request.post(`${baseUrl}/api/v1/events`, {
    headers: { "x-csrf-token": csrf },
    data: { id, categoryKey: "environment.sanitation", description, areaCode: "450802001003G01" },
  });
  expect(res.status(), await res.text()).toBe(201);
  return id;
}

describe("big screen opened with a link", () => {
  it("runs with no sign-in, keeps updating across a server restart, and goes dark when revoked", async () => {
    // A retry starts over on a server and data of its own.
    await server?.stop();
    const dataDir = mkdtempSync(path.join(tmpdir(), "wangge-e2e-kiosk-"));
    dataDirs.push(dataDir);
    server = await startOwnServer(dataDir);
    const { baseUrl } = server;
    const demoPassword = server.output.match(/Demo password \(shown once, for all of them\): (\S+)/)?.[1] ?? "";
    expect(demoPassword).not.toBe("");

    // The township official issues a link for the wall of the command centre.
    const official = await newPage(browser());
    await signInViaApi(official.page, baseUrl, "demo.township", demoPassword);
    await official.page.goto(`${baseUrl}/screen-links`);
    await official.page.getByRole("menuitem", { name: "大屏链接" }).waitFor();
    await official.page.getByRole("button", { name: "新建大屏链接" }).click();
    const dialog = official.page.getByRole("dialog");
    await dialog.getByLabel("名称").fill("指挥中心大屏 1");
    await dialog.getByLabel("显示区域").click();
    await official.page.keyboard.type("450802001");
    await official.page.keyboard.press("Enter");
    // antd spaces out a two-character Chinese button label: "签 发".
    await dialog.getByRole("button", { name: /^签\s?发$/ }).click();
    const url = ((await official.page.getByTestId("screen-link-url").textContent()) ?? "").trim();
    expect(url).toMatch(new RegExp(`^${baseUrl}/screen#token=wgs_`));
    await official.page.getByRole("cell", { name: "指挥中心大屏 1" }).waitFor();
    await expectFullyTranslated(official.page, "zh-CN");

    // The wall: a fresh browser, no account. The secret leaves the address bar at once.
    const wall = await newPage(browser());
    const { page } = wall;
    const sentSecret: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("wgs_") || (r.headers().referer ?? "").includes("wgs_")) sentSecret.push(r.url());
    });
    await page.goto(url);
    await page.getByRole("heading", { name: "网格化治理指挥大屏" }).waitFor();
    await page.getByTestId("screen-link-name").getByText("指挥中心大屏 1").waitFor();
    await page.locator('[data-feed-state="live"]').waitFor();
    expect(page.url()).toBe(`${baseUrl}/screen`);
    expect(sentSecret).toEqual([]);
    await page.getByRole("banner").getByText("贵城街道", { exact: true }).waitFor();
    // The link reads the screen and nothing else.
    expect((await page.request.get(`${baseUrl}/api/v1/screen/overview?area=450802`)).status()).toBe(404);
    expect((await page.request.get(`${baseUrl}/api/v1/events`)).status()).toBe(401);

    const worker = await newPage(browser());
    await signInViaApi(worker.page, baseUrl, "demo.worker", demoPassword);
    const before = await report(worker.page.request, baseUrl, "垃圾桶满溢，需清运");
    await page.locator(`li[data-event-id="${before}"]`).waitFor();

    // The server is stopped and started again on the same data and port: the wall reconnects by itself.
    await server.stop();
    await page.locator('[data-feed-state="reconnecting"]').waitFor();
    server = await startOwnServer(dataDir, server.port);
    const after = await report(worker.page.request, baseUrl, "路灯不亮，影响夜间出行");
    await page.locator('[data-feed-state="live"]').waitFor({ timeout: 90_000 });
    await page.locator(`li[data-event-id="${after}"]`).waitFor({ timeout: 30_000 });

    // Revoked in the console: the wall says plainly that its link no longer works.
    await official.page.reload();
    await official.page
      .getByRole("button", { name: /^撤\s?销$/ })
      .first()
      .click();
    await official.page
      .getByRole("tooltip")
      .getByRole("button", { name: /^撤\s?销$/ })
      .click();
    await official.page.getByText("已撤销").first().waitFor();
    await page.getByRole("heading", { name: "大屏链接已失效" }).waitFor({ timeout: 30_000 });
    await expectFullyTranslated(page, "zh-CN");
    await page.getByText("English", { exact: true }).click();
    await page.getByRole("heading", { name: "This screen link no longer works" }).waitFor();
    await expectFullyTranslated(page, "en");

    expect(wall.externalRequests).toEqual([]);
    expect(wall.pageErrors).toEqual([]);
    expect(official.pageErrors).toEqual([]);
    await Promise.all([wall.context.close(), official.context.close(), worker.context.close()]);
  }, 600_000);
});
