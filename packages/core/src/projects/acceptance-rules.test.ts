import { describe, expect, it } from "vitest";
import { acceptanceIssues } from "./projects.ts";

const TODAY = "2026-12-06";

describe("acceptanceIssues", () => {
  const passed = { result: "passed" as const, rectifications: [], acceptedOn: "2026-11-20" };
  const failed = { result: "failed" as const, rectifications: ["路面裂缝处重新浇筑"], acceptedOn: "2026-11-20" };

  it("takes a passed acceptance without rectifications and a failed one with them", () => {
    expect(acceptanceIssues(passed, null, TODAY)).toEqual([]);
    expect(acceptanceIssues(failed, "2026-11-01", TODAY)).toEqual([]);
  });

  it("refuses a failed one with nothing to rectify, a passed one with something, and one dated before the last", () => {
    expect(acceptanceIssues({ ...failed, rectifications: [] }, null, TODAY).map((i) => i.path)).toEqual([
      "body.rectifications",
    ]);
    expect(acceptanceIssues({ ...passed, rectifications: ["x"] }, null, TODAY).map((i) => i.path)).toEqual([
      "body.rectifications",
    ]);
    expect(acceptanceIssues(passed, "2026-11-21", TODAY).map((i) => i.path)).toEqual(["body.acceptedOn"]);
    // The same day as the one before is allowed (a second acceptance after a same-day rectification).
    expect(acceptanceIssues(passed, "2026-11-20", TODAY)).toEqual([]);
  });

  it("refuses one dated after today, and takes one dated today", () => {
    expect(acceptanceIssues({ ...passed, acceptedOn: "2026-12-07" }, null, TODAY).map((i) => i.said)).toEqual([
      { code: "PROJECT_FIELD_ACCEPTANCE_FUTURE" },
    ]);
    expect(acceptanceIssues({ ...passed, acceptedOn: TODAY }, null, TODAY)).toEqual([]);
  });
});
