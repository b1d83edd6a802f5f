import { describe, expect, it } from "vitest";
import { composeAddress } from "./address.ts";

describe("composeAddress", () => {
  it("writes each part once with its unit word, typed or not", () => {
    expect(composeAddress({ road: "东风路", houseNumber: "12", building: "3", unit: "2", room: "401" })).toBe(
      "东风路12号3栋2单元401室",
    );
    expect(composeAddress({ road: " 东风路 ", houseNumber: "12号", building: "3栋", unit: null })).toBe(
      "东风路12号3栋",
    );
    expect(composeAddress({})).toBe("");
  });
});
