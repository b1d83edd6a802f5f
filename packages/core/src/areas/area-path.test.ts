import { describe, expect, it } from "vitest";
import { commonAreaPath } from "./area-path.ts";

describe("commonAreaPath", () => {
  it("is the nearest area all paths lie within", () => {
    expect(commonAreaPath(["/45/4508/450802/450802001/", "/45/4508/450802/450802002/"])).toBe("/45/4508/450802/");
    expect(commonAreaPath(["/45/4508/450802/", "/45/4508/450802/450802001/G01/"])).toBe("/45/4508/450802/");
    expect(commonAreaPath(["/45/4508/450802/450802001/"])).toBe("/45/4508/450802/450802001/");
  });

  it("compares whole codes, not characters", () => {
    expect(commonAreaPath(["/45/4508/450802/", "/45/4508/4508021/"])).toBe("/45/4508/");
  });

  it("is the root when the paths share nothing or there are none", () => {
    expect(commonAreaPath(["/45/4508/", "/44/4401/"])).toBe("/");
    expect(commonAreaPath([])).toBe("/");
  });
});
