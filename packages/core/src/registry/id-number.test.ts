import { describe, expect, it } from "vitest";
import { ETHNIC_GROUPS, ethnicityCode } from "./ethnicity.ts";
import { checkCharacter, checkIdNumber } from "./id-number.ts";

const withCheck = (first17: string) => `${first17}${checkCharacter(first17)}`;
const today = new Date("2026-11-28T00:00:00Z");

describe("checkIdNumber", () => {
  it("accepts a valid 18-digit number and reads its birth date and sex", () => {
    // GB 11643's own worked example: 11010519491231002X.
    expect(checkIdNumber("resident_id", "11010519491231002x", today)).toEqual({
      ok: true,
      normalized: "11010519491231002X",
      birthDate: "1949-12-31",
      gender: "female",
    });
    expect(checkIdNumber("resident_id", withCheck("45080219800101001"), today)).toMatchObject({
      ok: true,
      gender: "male",
    });
  });

  it("names what is wrong: check digit, impossible or future date, region, length", () => {
    expect(checkIdNumber("resident_id", "110105194912310021", today)).toEqual({
      ok: false,
      reason: "check digit should be X, not 1",
      message: { code: "ID_NUMBER_CHECK_DIGIT", params: { expected: "X", actual: "1" } },
    });
    expect(checkIdNumber("resident_id", withCheck("45080219990230001"), today)).toEqual({
      ok: false,
      reason: "birth date 19990230 does not exist",
      message: { code: "ID_NUMBER_BIRTH_DATE", params: { value: "19990230" } },
    });
    expect(checkIdNumber("resident_id", withCheck("45080220300101001"), today)).toEqual({
      ok: false,
      reason: "birth date is in the future",
      message: { code: "ID_NUMBER_BIRTH_FUTURE" },
    });
    expect(checkIdNumber("resident_id", withCheck("99080219800101001"), today)).toMatchObject({
      ok: false,
      reason: "region code 990802 is not a mainland area code",
    });
    expect(checkIdNumber("resident_id", "4508021980", today)).toMatchObject({ ok: false, reason: /18 characters/ });
  });

  it("turns the old 15-digit number into its 18-digit form, so both find the same person", () => {
    const old = "450802800101001";
    expect(checkIdNumber("resident_id", old, today)).toEqual({
      ok: true,
      normalized: withCheck("45080219800101001"),
      birthDate: "1980-01-01",
      gender: "male",
    });
  });

  it("tells a residence permit apart from a resident ID, and checks other documents by form", () => {
    const permit = withCheck("81000019900101002");
    expect(checkIdNumber("hmt_residence_permit", permit, today)).toMatchObject({ ok: true, gender: "female" });
    expect(checkIdNumber("resident_id", permit, today)).toMatchObject({ ok: false, reason: /residence permit/ });
    expect(checkIdNumber("passport", "e12345678", today)).toEqual({ ok: true, normalized: "E12345678" });
    expect(checkIdNumber("passport", "E1", today)).toMatchObject({ ok: false });
    expect(checkIdNumber("hmt_travel_permit", "H12345678", today)).toMatchObject({ ok: true });
  });
});

describe("ethnic groups", () => {
  it("lists the 56 groups with GB/T 3304 codes and finds them by code or name", () => {
    expect(ETHNIC_GROUPS).toHaveLength(56);
    expect(ETHNIC_GROUPS[7]).toEqual({ code: "08", zh: "壮族", en: "Zhuang" });
    expect(ethnicityCode("壮族")).toBe("08");
    expect(ethnicityCode("壮")).toBe("08");
    expect(ethnicityCode("8")).toBe("08");
    expect(ethnicityCode("Gin")).toBe("49");
    expect(ethnicityCode("火星族")).toBeUndefined();
    expect(ethnicityCode("57")).toBeUndefined();
  });
});
