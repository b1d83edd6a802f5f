import { describe, expect, it } from "vitest";
import { ClientErrorReportInputSchema, isSameClientErrorReport, stripUrlQuery } from "./client-error.ts";

const report = {
  id: "0193a6f0-8c1e-7b2a-9c3d-4e5f60718293",
  app: "field",
  message: "TypeError: x is undefined",
  url: "http://localhost:3000/field/tasks",
  occurredAt: "2026-11-28T08:00:00+08:00",
} as const;

describe("stripUrlQuery", () => {
  it.each([
    ["http://h/field/people?q=13812345678", "http://h/field/people"],
    ["/h5/report#phone=138", "/h5/report"],
    ["/screen", "/screen"],
  ])("keeps %s as %s", (input, expected) => {
    expect(stripUrlQuery(input)).toBe(expected);
  });
});

describe("isSameClientErrorReport", () => {
  it("treats the same report with a differently written timestamp as a retry", () => {
    expect(isSameClientErrorReport(report, { ...report, occurredAt: "2026-11-28T00:00:00Z" })).toBe(true);
  });

  it("treats a different message under the same id as a different report", () => {
    expect(isSameClientErrorReport(report, { ...report, message: "other" })).toBe(false);
  });
});

describe("ClientErrorReportInputSchema", () => {
  it("reports every failing field with its path", () => {
    const result = ClientErrorReportInputSchema.safeParse({
      id: "nope",
      app: "tv",
      message: "",
      url: "/",
      occurredAt: "yesterday",
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(["app", "id", "message", "occurredAt"]);
  });

  it("rejects fields it does not know instead of dropping them", () => {
    const result = ClientErrorReportInputSchema.safeParse({ ...report, phone: "13812345678" });
    expect(result.success).toBe(false);
  });
});
