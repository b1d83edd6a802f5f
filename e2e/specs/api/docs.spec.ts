import { describe, expect, it } from "vitest";
import { newPage, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl } = useBrowser();

describe("API reference", () => {
  it("renders the OpenAPI document with every asset from this server", async () => {
    const { page, context, externalRequests } = await newPage(browser());
    await page.goto(`${baseUrl}/api/docs`);
    await page.getByText("Wangge API").first().waitFor();
    await page.getByText("/api/v1/client-errors").first().waitFor();
    expect(externalRequests).toEqual([]);
    await context.close();
  });
});
