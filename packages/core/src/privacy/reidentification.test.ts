import { describe, expect, it } from "vitest";
import { checkCharacter } from "../registry/id-number.ts";
import { maskIdNumber } from "./mask.ts";
import { idNumberCandidates } from "./reidentification.ts";

const today = new Date(Date.UTC(2026, 11, 6));
const full = (first17: string) => `${first17}${checkCharacter(first17)}`;
const id = full("45080219900101123");

describe("idNumberCandidates", () => {
  it("finds the one number when the last four and the birth date are both shown (the old mask)", () => {
    const oldMask = `${id.slice(0, 6)}********${id.slice(-4)}`;
    expect(idNumberCandidates({ masks: [oldMask], birthDate: "1990-01-01", gender: "male" }, today)).toBe(1);
  });

  it("counts what a brute force over the sequence and the check character finds", () => {
    const mask = `${id.slice(0, 6)}********1**${id.slice(-1)}`;
    let brute = 0;
    for (let s = 0; s < 1000; s++) {
      const seq = String(s).padStart(3, "0");
      if (seq[0] !== "1" || s % 2 === 0) continue;
      if (checkCharacter(`45080219900101${seq}`) === id.slice(-1)) brute++;
    }
    expect(idNumberCandidates({ masks: [mask], birthDate: "1990-01-01", gender: "male" }, today)).toBe(brute);
  });

  it("leaves more than a thousand numbers open for the mask and the birth year", () => {
    const n = idNumberCandidates({ masks: [maskIdNumber(id)], birthYear: 1990, gender: "male" }, today);
    expect(n).toBe(365 * 500);
  });

  it("leaves only the sequences open when the full birth date is shown beside the new mask", () => {
    expect(idNumberCandidates({ masks: [maskIdNumber(id)], birthDate: "1990-01-01", gender: "male" }, today)).toBe(500);
  });

  it("finds nothing when two masks disagree", () => {
    expect(idNumberCandidates({ masks: [maskIdNumber(id), `450803${"*".repeat(12)}`] }, today)).toBe(0);
  });
});

describe("maskIdNumber", () => {
  it.each([
    [id, "450802************"],
    ["E12345678", "*********"],
    ["ABC123456789012", "ABC123*********"],
  ])("masks %s as %s", (input, expected) => {
    expect(maskIdNumber(input)).toBe(expected);
  });
});
