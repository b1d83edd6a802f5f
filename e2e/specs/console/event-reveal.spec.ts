import { describe, expect, it } from "vitest";
import { newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

/**
 * A handler reads an event masked — the phone number a resident left, and the numbers in what they
 * wrote — and sees them in clear only after stating why (the reason goes to the audit trail): in the
 * console's event drawer and on the field app's event page.
 */
const { browser, baseUrl, demoPassword } = useBrowser();

const PHONE = "13977123456";
const MASKED = "139****3456";

describe("an event's numbers, shown for a reason", () => {
  it("are masked in the console and the field app until the handler gives a reason", async () => {
    // The community's office takes a call and records it, with the caller's consent to be called back.
    const office = await browser().newContext();
    await office.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.village", password: demoPassword },
    });
    const csrf = (await (await office.request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken as string;
    const reported = await office.request.post(`${baseUrl}/api/v1/events`, {
      headers: { "x-csrf-token": csrf },
      data: {
        id: crypto.randomUUID(),
        categoryKey: "facility.damaged",
        description: `端到端测试：楼道灯不亮，住户说可打 ${PHONE} 联系`,
        areaCode: "450802001003G01",
        contact: { name: "韦女士", phone: PHONE },
        consentNote: "来电人同意留电话回访",
      },
    });
    expect(reported.status(), await reported.text()).toBe(201);
    const event = (await reported.json()) as { id: string; number: string };
    await office.close();

    // The grid worker, in the console.
    const { page, context, pageErrors } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    await page.goto(`${baseUrl}/events`);
    await page.getByLabel("搜索事件").fill(event.number);
    await page.getByLabel("搜索事件").press("Enter");
    await page.getByRole("cell", { name: event.number }).click();
    const drawer = page.getByRole("dialog").filter({ has: page.getByText(event.number, { exact: true }) });
    await drawer.getByText("证件号和电话号码已隐藏。").waitFor();
    expect(await drawer.textContent()).not.toContain(PHONE);
    await drawer.getByText(`可打 ${MASKED} 联系`).waitFor();

    await drawer.getByTestId("event-reveal").click();
    const ask = page.locator(".ant-modal:visible");
    await ask.getByRole("button", { name: /确认查看/ }).click();
    // No reason, no numbers: the form says so.
    await ask.getByText("请填写事由（至少两个字）").waitFor();
    await ask.getByRole("textbox").fill("回访来电居民，核实路灯位置");
    await ask.getByRole("button", { name: /确认查看/ }).click();
    await ask.waitFor({ state: "detached" });
    expect(await drawer.getByTestId("event-clear-phone").getAttribute("href")).toBe(`tel:${PHONE}`);
    await drawer.getByText(`可打 ${PHONE} 联系`).waitFor();
    await drawer.getByText("已记录查看事由，完整号码请勿截屏或外传。").waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();

    // The same worker on the phone: masked again (nothing in clear is kept), and in clear for a reason.
    const phone = await newPage(browser(), { mobile: true });
    await signInViaApi(phone.page, baseUrl, "demo.worker", demoPassword);
    await phone.page.goto(`${baseUrl}/field/tasks/${event.id}`);
    const task = phone.page.getByTestId("field-task");
    await task.getByText(`可打 ${MASKED} 联系`).waitFor();
    expect(await task.textContent()).not.toContain(PHONE);
    await task.getByTestId("task-reveal").click();
    await phone.page.getByTestId("task-reveal-reason").locator("textarea").fill("上门前电话联系");
    await phone.page.getByText("确认查看").click();
    expect(await task.getByTestId("task-clear-phone").getAttribute("href")).toBe(`tel:${PHONE}`);
    await task.getByText(`可打 ${PHONE} 联系`).waitFor();
    expect(phone.pageErrors).toEqual([]);
    await phone.context.close();

    // Both reasons are in the audit trail, the numbers nowhere in it.
    const auditor = await browser().newContext();
    await auditor.request.post(`${baseUrl}/api/v1/auth/login`, {
      data: { username: "demo.auditor", password: demoPassword },
    });
    const trail = await auditor.request.get(`${baseUrl}/api/v1/audit?action=event.reveal&limit=50`);
    expect(trail.status(), await trail.text()).toBe(200);
    const body = await trail.text();
    expect(body).toContain("回访来电居民，核实路灯位置");
    expect(body).toContain("上门前电话联系");
    expect(body).not.toContain(PHONE);
    await auditor.close();
  }, 120_000);
});
