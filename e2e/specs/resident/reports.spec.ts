import { describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword, adminPassword } = useBrowser();

describe("a resident's reports", () => {
  it("lets a resident report a problem where they stand, follow it and say whether they are satisfied", async () => {
    // Stand in the middle of the demo grid 450802001003G01 (its boundary, read as an admin).
    const admin = await browser().newContext();
    const signedIn = await admin.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "admin", password: adminPassword },
    });
    expect(signedIn.status(), await signedIn.text()).toBe(200);
    const shape = await (await admin.request.get(`${baseUrl}/api/v1/areas/450802001003G01/export`)).json();
    await admin.close();
    const ring = shape.features.find((f: { properties: { code: string } }) => f.properties.code === "450802001003G01")
      .geometry.coordinates[0] as [number, number][];
    const lngs = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    const here = {
      longitude: (Math.min(...lngs) + Math.max(...lngs)) / 2,
      latitude: (Math.min(...lats) + Math.max(...lats)) / 2,
    };

    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: here });
    await signInViaApi(page, baseUrl, "demo.resident", demoPassword);
    await page.goto(`${baseUrl}/h5`);
    await page.getByText("我的", { exact: true }).click();
    await page.getByText("何卫东").waitFor();
    await page.getByText("首页", { exact: true }).click();
    await page.getByText("我要反映").first().click();
    await page.getByText("环境卫生", { exact: true }).click();
    // 环境卫生 holds one category: it is taken without asking.
    expect(await page.getByText("请选择", { exact: true }).count()).toBe(0);
    await page.getByPlaceholder("请说明发生了什么、在哪里").fill("端到端测试：小区门口下水道堵塞，污水外溢");
    await page.getByText("提交", { exact: true }).click();
    await page.getByText("请选择类别、填写描述并定位").waitFor();
    await page.getByText("使用当前位置").click();
    await page.getByText(/^已定位：/).waitFor();
    await page.getByText("提交", { exact: true }).click();
    await page.getByText("办理进度").waitFor();
    await page.getByText("已上报").first().waitFor();
    const number = (await page.locator(".adm-card-header-title").first().textContent())?.trim() ?? "";
    expect(number).toMatch(/^GX-450802-\d{8}-\d{4}$/);
    await page.getByText("不公开显示").waitFor();
    await expectFullyTranslated(page, "zh-CN");
    // Not shown publicly: the resident left the switch off.
    const publicNumbers = async () =>
      (
        (await (await page.request.get(`${baseUrl}/open311/v2/requests.json`)).json()) as {
          service_request_id: string;
        }[]
      ).map((r) => r.service_request_id);
    expect(await publicNumbers()).not.toContain(number);
    const firstReport = page.url();

    // A second report, this time agreeing to show it publicly: it is listed, located roughly.
    await page.getByText("首页", { exact: true }).click();
    await page.getByText("我要反映").first().click();
    await page.getByText("环境卫生", { exact: true }).click();
    await page.getByPlaceholder("请说明发生了什么、在哪里").fill("端到端测试：公园垃圾桶满溢，联系 13900001111");
    const consent = page.getByRole("switch", { name: "公开显示我反映的问题（不含姓名和电话）?" });
    expect(await consent.getAttribute("aria-checked")).toBe("false");
    await consent.click();
    await page.getByText("使用当前位置").click();
    await page.getByText(/^已定位：/).waitFor();
    await page.getByText("提交", { exact: true }).click();
    await page.getByText("已公开显示").waitFor();
    const shown = (await page.locator(".adm-card-header-title").first().textContent())?.trim() ?? "";
    expect(shown).not.toBe(number);
    expect(await publicNumbers()).toContain(shown);
    const listed = await (await page.request.get(`${baseUrl}/open311/v2/requests/${shown}.json`)).json();
    expect(listed[0].description).toBe("端到端测试：公园垃圾桶满溢，联系 139****1111");
    expect(listed[0].address).toBeNull();
    expect(String(listed[0].lat).split(".")[1]?.length ?? 0).toBeLessThanOrEqual(3);
    expect(await publicNumbers()).not.toContain(number);
    await page.goto(firstReport);
    await page.getByText("不公开显示").waitFor();

    // The grid head settles it; the resident sees it settled and gives a verdict.
    const head = await browser().newContext();
    const login = await head.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.gridhead", password: demoPassword },
    });
    const csrf = (await login.json()).me.csrfToken as string;
    const found = await (await head.request.get(`${baseUrl}/api/v1/events?q=${number}`)).json();
    expect(found).toHaveLength(1);
    for (const body of [{ action: "accept" }, { action: "resolve", note: "已疏通下水道" }]) {
      const res = await head.request.post(`${baseUrl}/api/v1/events/${found[0].id}/transitions`, {
        headers: { "x-csrf-token": csrf },
        data: body,
      });
      expect(res.status(), await res.text()).toBe(200);
    }
    await head.close();
    await page.reload();
    await page.getByText("对办理结果满意吗？").waitFor();
    await page.getByText("已疏通下水道", { exact: false }).first().waitFor();
    await page.getByRole("button", { name: "满意", exact: true }).click();
    await page.getByText("您的评价：满意").waitFor();
    // The thanks are a toast, mounted a moment after the verdict shows: seen first, then gone (waiting
    // only for "hidden" passed before it had appeared, and it was still up in English below).
    const thanks = page.getByText("感谢您的评价");
    await thanks.waitFor();
    await thanks.waitFor({ state: "hidden" });

    await page.getByText("我的反映", { exact: true }).click();
    await page.getByText(number).waitFor();
    await page.getByText("我的", { exact: true }).click();
    await page.getByText("English", { exact: true }).click();
    await page.getByText("My reports", { exact: true }).click();
    await page.getByText("What I reported").waitFor();
    await expectFullyTranslated(page, "en");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
