import { describe, expect, it } from "vitest";
import { PHOTO } from "../../support/field-app.ts";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser, waitForMap } from "../../support/journey.ts";

/**
 * Issue #18 item 7 on a phone: an event's page shows where it is — a small map, the place by name (not
 * bare coordinates), a link to navigate there — and who reported it, masked; settling it (办结) takes a
 * photo from the camera, compressed on the phone.
 */
const { browser, baseUrl, demoPassword } = useBrowser();

describe("an event's page in the field app", () => {
  it("shows the place on a map and by name, the reporter masked, a navigation link, and takes a photo with 办结", async () => {
    const at = { longitude: 109.5744, latitude: 23.0918 };
    const { page, context, pageErrors } = await newPage(browser(), { mobile: true, geolocation: at });
    await signInViaApi(page, baseUrl, "demo.worker", demoPassword);
    const csrfToken = (await (await page.request.get(`${baseUrl}/api/v1/auth/me`)).json()).csrfToken;
    const reported = await page.request.post(`${baseUrl}/api/v1/events`, {
      data: {
        id: crypto.randomUUID(),
        categoryKey: "environment.sanitation",
        description: `端到端测试：井盖缺失 ${Date.now()}`,
        lng: at.longitude,
        lat: at.latitude,
      },
      headers: { "x-csrf-token": csrfToken },
    });
    expect(reported.status(), await reported.text()).toBe(201);
    const event = await reported.json();

    await page.goto(`${baseUrl}/field/tasks/${event.id}`);
    const task = page.getByTestId("field-task");
    await task.getByText("事发地点").waitFor();
    await waitForMap(page);
    // The place by name: the grid (and village) it is in, never the coordinates.
    await task.getByText(/网格/).first().waitFor();
    expect(await task.textContent()).not.toMatch(/109\.57|23\.09/);
    expect(await task.getByTestId("task-reporter").textContent()).toMatch(/^.\*+/);
    expect(await task.getByTestId("navigate-link").getAttribute("href")).toBe(
      `geo:${at.latitude},${at.longitude}?q=${at.latitude},${at.longitude}`,
    );
    await expectFullyTranslated(page, "zh-CN");

    await task.getByRole("button", { name: "受理" }).click();
    await task.getByText("已受理").first().waitFor();
    await task.getByRole("button", { name: "开始处置" }).click();
    await task.getByText("处置中").first().waitFor();
    await task.locator('input[type="file"]').setInputFiles({ name: "done.png", mimeType: "image/png", buffer: PHOTO });
    await task.getByRole("img", { name: "照片" }).waitFor();
    await task.getByRole("button", { name: "办结" }).click();
    await page.getByTestId("task-note").locator("textarea").fill("已补装井盖，设置警示标志。");
    await page.getByText("确定", { exact: true }).click();
    await task.getByText("已办结").first().waitFor();
    await expect
      .poll(
        async () => (await (await page.request.get(`${baseUrl}/api/v1/events/${event.id}/attachments`)).json()).length,
      )
      .toBe(1);
    const [photo] = await (await page.request.get(`${baseUrl}/api/v1/events/${event.id}/attachments`)).json();
    expect(photo).toMatchObject({ contentType: "image/jpeg" });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
