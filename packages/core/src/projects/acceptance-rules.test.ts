import { describe, expect, it } from "vitest";
import { acceptanceIssues } from "./projects.ts";

describe("acceptanceIssues", () => {
  const passed = { result: "passed" as const, rectifications: [], acceptedOn: "2026-11-20" };
  const failed = { result: "failed" as const, rectifications: ["路面裂缝处重新浇筑"], acceptedOn: "2026-11-20" };

  it("takes a passed acceptance without rectifications and a failed one with them", () => {
    expect(acceptanceIssues(passed, null)).toEqual([]);
    expect(acceptanceIssues(failed, "2026-11-01")).toEqual([]);
  });

  it("refuses a failed one with nothing to rectify, a passed one with something, and one dated before the last", () => {
    expect(acceptanceIssues({ ...failed, rectifications: [] }, null).map((i) => i.path)).toEqual([
      "body.rectifications",
    ]);
    expect(acceptanceIssues({ ...passed, rectifications: ["x"] }, null).map((i) => i.path)).toEqual([
      "body.rectifications",
    ]);
    expect(acceptanceIssues(passed, "2026-11-21").map((i) => i.path)).toEqual(["body.acceptedOn"]);
    // The same day as the one before is allowed (a second acceptance after a same-day rectification).
    expect(acceptanceIssues(passed, "2026-11-20")).toEqual([]);
  });
});
