import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword, adminPassword } = useBrowser();
const VILLAGE = "450802001003";

/** A loudspeaker's signed request, as the device makes it: HMAC over "<ts>.<nonce>.<METHOD> <path>\n<body>". */
function loudspeakerHeaders(
  secret: string,
  method: string,
  path: string,
  options: { ts?: number; nonce?: string } = {},
) {
  const ts = String(options.ts ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? crypto.randomUUID().replace(/-/g, "");
  const signature = createHmac("sha256", secret).update(`${ts}.${nonce}.${method} ${path}\n`).digest("hex");
  return { "x-wangge-timestamp": ts, "x-wangge-nonce": nonce, "x-wangge-signature": `sha256=${signature}` };
}

/** The code the development SMS sender wrote to the server log for a masked number. */
async function smsCode(masked: string): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(() => {
      const line = readFileSync(inject("serverLog"), "utf8")
        .split("\n")
        .filter((l) => l.includes(masked))
        .at(-1);
      code = line?.match(/验证码 (\d{6})/)?.[1];
      return code;
    })
    .toBeDefined();
  return code as string;
}

describe("notices and cloud broadcast", () => {
  it("an urgent notice to the 独居老人 households of a village reaches those residents' inboxes and the head of the village loudspeaker's queue; a replayed or stale loudspeaker request is refused; no number is broadcast", async () => {
    // The admin registers the village's loudspeaker under 接入管理 (its secret is shown once).
    const { page: console, context: consoleContext, pageErrors: consoleErrors } = await newPage(browser());
    await signInViaApi(console, baseUrl, "admin", adminPassword);
    await console.goto(`${baseUrl}/notices`);
    await console.getByRole("tab", { name: "云广播喇叭" }).click();
    const deviceKey = `spk-e2e-${Date.now()}`;
    await console.getByLabel("设备编号").fill(deviceKey);
    await console.getByLabel("名称").fill("村委会大喇叭");
    const speakerArea = console.getByRole("combobox", { name: "所在村（网格）" });
    await speakerArea.click();
    await speakerArea.fill(VILLAGE);
    await console.locator(".ant-select-item-option").filter({ hasText: "村社区" }).first().click();
    await console.getByRole("button", { name: /登记喇叭/ }).click();
    const secret = ((await console.getByTestId("loudspeaker-secret").textContent()) ?? "").trim();
    expect(secret.length).toBeGreaterThan(30);
    await expectFullyTranslated(console, "zh-CN");
    await console.getByRole("button", { name: /确\s*定|OK/ }).click();
    await consoleContext.close();

    // A 独居老人 of the village is registered by the grid head with her phone; she signs in to the resident app with it.
    const official = await browser().newContext();
    const login = await official.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.gridhead", password: demoPassword },
    });
    const csrf = (await login.json()).me.csrfToken as string;
    const household = (
      await (await official.request.get(`${baseUrl}/api/v1/households?gridCode=${VILLAGE}G01`)).json()
    )[0];
    const phone = `136${String(Date.now()).slice(-8)}`;
    const person = await official.request.post(`${baseUrl}/api/v1/people`, {
      headers: { "x-csrf-token": csrf },
      data: {
        id: crypto.randomUUID(),
        name: "蒙桂英",
        gender: "female",
        birthDate: "1941-03-08",
        phone,
        householdId: household.id,
        tags: [{ key: "elderly_alone" }],
      },
    });
    expect(person.status(), await person.text()).toBe(201);
    await official.close();

    const { page: phonePage, context: phoneContext, pageErrors } = await newPage(browser(), { mobile: true });
    await phonePage.goto(`${baseUrl}/h5/login`);
    await phonePage.getByLabel("手机号").fill(phone);
    await phonePage.getByRole("button", { name: "获取验证码" }).click();
    await phonePage.getByLabel("验证码").fill(await smsCode(`${phone.slice(0, 3)}****${phone.slice(-4)}`));
    await phonePage.getByRole("button", { name: "登录" }).click();
    await phonePage.getByText("您好，欢迎使用居民服务").waitFor();

    // The village official sends it from the console: a phone number in the text is refused on its field.
    const { page: office, context: officeContext, pageErrors: officeErrors } = await newPage(browser());
    await signInViaApi(office, baseUrl, "demo.village", demoPassword);
    await office.goto(`${baseUrl}/`);
    await office.getByRole("menuitem", { name: "通知公告" }).click();
    await office.getByRole("button", { name: "发通知" }).click();
    await office.getByLabel("标题").fill("寒潮紧急通知");
    await office.getByLabel("内容").fill("今晚强降温，独居老人请关好门窗，有困难请打 13977123456 找网格员。");
    const area = office.getByRole("combobox", { name: "发送区域" });
    await area.click();
    await area.fill(VILLAGE);
    await office.locator(".ant-select-item-option").filter({ hasText: "村社区" }).first().click();
    const tag = office.getByRole("combobox", { name: "按标签" });
    await tag.click();
    await office.locator(".ant-select-item-option").filter({ hasText: "独居老人" }).click();
    await office.getByRole("switch", { name: "紧急" }).click();
    await office.getByTestId("send-notice").click();
    await office
      .locator(".ant-form-item-explain-error")
      .getByText("不能含有身份证号或手机号", { exact: false })
      .waitFor();
    await office.getByLabel("内容").fill("今晚强降温，独居老人请关好门窗，有困难请找网格员。");
    await office.getByTestId("send-notice").click();
    await office.getByText("通知已发送").waitFor();
    await office.getByText("居民已读").waitFor();
    await expectFullyTranslated(office, "zh-CN");

    // On her phone: first on the home page, marked urgent; opening it is her read receipt.
    await phonePage.reload();
    const home = phonePage.getByTestId("home-notices");
    await home.getByText("寒潮紧急通知").waitFor();
    await home.getByText("紧急").first().waitFor();
    await phonePage.getByTestId("tab-bar").getByText("消息", { exact: true }).click();
    // She is told how notices reach her: her registered phone is one way, and a wrong one can be corrected.
    await phonePage.getByTestId("notices-reach").getByText("登记了您手机号的住户", { exact: false }).waitFor();
    await phonePage.getByText("寒潮紧急通知").first().click();
    await phonePage.getByText("今晚强降温，独居老人请关好门窗，有困难请找网格员。").waitFor();
    await expectFullyTranslated(phonePage, "zh-CN");
    expect(pageErrors).toEqual([]);
    await phoneContext.close();

    // The village loudspeaker plays it first; a replay of its request and a stale one are refused.
    const path = `/api/v1/broadcast/devices/${deviceKey}/queue`;
    const headers = loudspeakerHeaders(secret, "GET", path);
    const queue = await fetch(`${baseUrl}${path}`, { headers });
    expect(queue.status).toBe(200);
    const items = (await queue.json()).items as { title: string; urgent: boolean; text: string; itemId: string }[];
    expect(items[0]).toMatchObject({ title: "寒潮紧急通知", urgent: true });
    // Nothing broadcast carries an ID or a phone number.
    for (const item of items) expect(item.text).not.toMatch(/1[3-9]\d{9}|\d{17}[\dXx]/);
    expect((await fetch(`${baseUrl}${path}`, { headers })).status).toBe(409);
    const stale = loudspeakerHeaders(secret, "GET", path, { ts: Math.floor(Date.now() / 1000) - 3600 });
    expect((await fetch(`${baseUrl}${path}`, { headers: stale })).status).toBe(401);
    const ackPath = `${path}/${items[0]?.itemId}/ack`;
    const ackBody = JSON.stringify({ outcome: "played" });
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomUUID().replace(/-/g, "");
    const sig = createHmac("sha256", secret).update(`${ts}.${nonce}.POST ${ackPath}\n${ackBody}`).digest("hex");
    const ack = await fetch(`${baseUrl}${ackPath}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-wangge-timestamp": ts,
        "x-wangge-nonce": nonce,
        "x-wangge-signature": `sha256=${sig}`,
      },
      body: ackBody,
    });
    expect(ack.status).toBe(200);

    // The grid worker sees it in the field app, with the households of the grid only the loudspeaker told.
    const { page: field, context: fieldContext, pageErrors: fieldErrors } = await newPage(browser(), { mobile: true });
    await signInViaApi(field, baseUrl, "demo.worker", demoPassword);
    await field.goto(`${baseUrl}/field/me`);
    await field.getByTestId("field-notices").click();
    await field.getByText("寒潮紧急通知").first().click();
    const onlyLoudspeaker = field.getByTestId("loudspeaker-only");
    await onlyLoudspeaker.getByText(/本网格仅靠喇叭通知到的户（[1-9]\d*）/).waitFor();
    await onlyLoudspeaker.getByText("喇叭已播").first().waitFor();
    await expectFullyTranslated(field, "zh-CN");
    expect(fieldErrors).toEqual([]);
    await fieldContext.close();

    // The sender sees her read receipt and the loudspeaker's playback.
    await office.reload();
    await office.getByText("寒潮紧急通知").first().click();
    await office.locator(".ant-drawer").getByText("已播放").waitFor();
    await office.locator(".ant-drawer").getByText("1 / 1").first().waitFor();
    expect(officeErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await officeContext.close();
  });

  it("a resident reports with a photo without showing it publicly, reopens it after it is settled, and keeps large text across visits, on a slow 3G network", async () => {
    const admin = await browser().newContext();
    await admin.request.post(`${baseUrl}/api/v1/auth/login`, { data: { username: "admin", password: adminPassword } });
    const shape = await (await admin.request.get(`${baseUrl}/api/v1/areas/${VILLAGE}G01/export`)).json();
    await admin.close();
    const ring = shape.features.find((f: { properties: { code: string } }) => f.properties.code === `${VILLAGE}G01`)
      .geometry.coordinates[0] as [number, number][];
    const here = {
      longitude: (Math.min(...ring.map((p) => p[0])) + Math.max(...ring.map((p) => p[0]))) / 2,
      latitude: (Math.min(...ring.map((p) => p[1])) + Math.max(...ring.map((p) => p[1]))) / 2,
    };
    const { page, context, pageErrors, externalRequests } = await newPage(browser(), {
      mobile: true,
      geolocation: here,
    });
    // Slow 3G as Chrome's DevTools define it: 400 ms latency, about 50 KB/s down.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 400,
      downloadThroughput: (500 * 1024) / 8,
      uploadThroughput: (500 * 1024) / 8,
    });
    await signInViaApi(page, baseUrl, "demo.resident", demoPassword);
    await page.goto(`${baseUrl}/h5`);
    await page.getByText("您好，欢迎使用居民服务").waitFor({ timeout: 60_000 });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    await page.getByRole("button", { name: "我要反映" }).click();
    await page.getByText("环境卫生", { exact: true }).click();
    await page.getByPlaceholder("请说明发生了什么、在哪里").fill("端到端测试：村道路灯不亮，晚上看不清路");
    // A photo from the camera, made small on the phone before it is sent.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
      "base64",
    );
    await page.locator('input[type="file"]').setInputFiles({ name: "light.png", mimeType: "image/png", buffer: png });
    await page.getByRole("img", { name: "照片" }).waitFor();
    const consent = page.getByRole("switch", { name: "公开显示我反映的问题（不含姓名和电话）?" });
    expect(await consent.getAttribute("aria-checked")).toBe("false");
    await page.getByText("使用当前位置").click();
    await page.getByText(/^已定位：/).waitFor();
    await page.getByText("提交", { exact: true }).click();
    await page.getByText("不公开显示").waitFor();
    const number = (await page.locator(".adm-card-header-title").first().textContent())?.trim() ?? "";
    expect(number).toMatch(/^GX-/);
    const eventId = page.url().split("/").at(-1) as string;
    const attachments = await (await page.request.get(`${baseUrl}/api/v1/events/${eventId}/attachments`)).json();
    expect(attachments).toHaveLength(1);
    const publicNumbers = (
      (await (await page.request.get(`${baseUrl}/open311/v2/requests.json`)).json()) as { service_request_id: string }[]
    ).map((r) => r.service_request_id);
    expect(publicNumbers).not.toContain(number);

    // The grid head settles it; within 15 days the resident reopens it with a reason.
    const head = await browser().newContext();
    const login = await head.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.gridhead", password: demoPassword },
    });
    const csrf = (await login.json()).me.csrfToken as string;
    for (const body of [{ action: "accept" }, { action: "resolve", note: "已更换灯泡" }]) {
      const res = await head.request.post(`${baseUrl}/api/v1/events/${eventId}/transitions`, {
        headers: { "x-csrf-token": csrf },
        data: body,
      });
      expect(res.status(), await res.text()).toBe(200);
    }
    await head.close();
    await page.reload();
    await page.getByText("办结后 15 天内，如问题仍未解决，可以重新反映。").waitFor();
    await page.getByRole("button", { name: "问题没解决，重新反映" }).click();
    await page.getByPlaceholder("请说明还有什么问题").fill("换了以后第二天又不亮了");
    await page.locator(".adm-dialog").getByText("问题没解决，重新反映").last().click();
    await page.getByText("已重新提交，将再次办理").waitFor();
    await page.locator(".adm-card").first().getByText("已上报").waitFor();
    await page.getByText("换了以后第二天又不亮了", { exact: false }).first().waitFor();
    await expectFullyTranslated(page, "zh-CN");

    // 适老化: large text chosen once stays after the page is opened again.
    await page.getByTestId("tab-bar").getByText("我的", { exact: true }).click();
    await page.getByRole("switch", { name: "大字模式" }).click();
    expect(await page.evaluate(() => document.documentElement.classList.contains("wg-large-text"))).toBe(true);
    await page.reload();
    await page.getByRole("switch", { name: "大字模式" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains("wg-large-text"))).toBe(true);
    expect(await page.getByRole("switch", { name: "大字模式" }).getAttribute("aria-checked")).toBe("true");
    const size = await page.evaluate(() => getComputedStyle(document.body).fontSize);
    expect(Number.parseFloat(size)).toBeGreaterThanOrEqual(20);
    // Only the choice is kept on the phone, nothing about the resident.
    expect(await page.evaluate(() => localStorage.getItem("wangge.largeText"))).toBe("1");
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain("13800000002");
    // The inbox in English: notices, the progress of the reports, the village followed.
    await page.getByText("English", { exact: true }).click();
    await page.getByTestId("tab-bar").getByText("Messages", { exact: true }).click();
    await page.getByText("Progress of your reports").waitFor();
    // (Named over the notices list and beside the village the demo resident follows.)
    await page.getByText("Village you follow").first().waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    expect(externalRequests).toEqual([]);
    await context.close();
  });
});
