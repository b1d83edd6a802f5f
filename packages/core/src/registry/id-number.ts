/**
 * Identity documents (GB 11643-1999 for the citizen ID number): validation with a reason a clerk
 * can act on, normalisation (the old 15-digit number becomes its 18-digit form, so both find the
 * same person), and what the number itself says — birth date and sex.
 */
export const ID_TYPES = [
  /** 居民身份证: 18 digits (or the old 15) with the GB 11643 check character. */
  "resident_id",
  /** 港澳台居民居住证: the same 18-character form, starting 810000 / 820000 / 830000. */
  "hmt_residence_permit",
  /** 港澳居民来往内地通行证 / 台湾居民来往大陆通行证. */
  "hmt_travel_permit",
  "passport",
  /** 外国人永久居留身份证. */
  "foreign_permanent_residence",
] as const;
export type IdType = (typeof ID_TYPES)[number];

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";
/** First two digits of mainland province-level codes (GB/T 2260). */
const PROVINCES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
]);
const HMT_PREFIXES = new Set(["810000", "820000", "830000"]);

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] as string;
}

function realDate(yyyymmdd: string): Date | undefined {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : undefined;
}

export type IdCheck =
  | { ok: true; normalized: string; birthDate?: string; gender?: "male" | "female" }
  | { ok: false; reason: string };

/** Validates an 18-character number of the GB 11643 form (citizen ID or HMT residence permit). */
function check18(value: string, today: Date, hmt: boolean): IdCheck {
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, reason: "must be 17 digits and a check digit (0–9 or X)" };
  const prefix = value.slice(0, 6);
  if (hmt && !HMT_PREFIXES.has(prefix))
    return { ok: false, reason: "a Hong Kong, Macao or Taiwan residence permit starts 810000, 820000 or 830000" };
  if (!hmt && !PROVINCES.has(value.slice(0, 2)))
    return {
      ok: false,
      reason: HMT_PREFIXES.has(prefix)
        ? "this is a Hong Kong, Macao or Taiwan residence permit number, not a resident ID"
        : `region code ${prefix} is not a mainland area code`,
    };
  const birth = realDate(value.slice(6, 14));
  if (!birth) return { ok: false, reason: `birth date ${value.slice(6, 14)} does not exist` };
  if (birth.getTime() > today.getTime()) return { ok: false, reason: "birth date is in the future" };
  if (birth.getUTCFullYear() < 1880) return { ok: false, reason: "birth date is before 1880" };
  const expected = checkCharacter(value.slice(0, 17));
  if (value[17] !== expected) return { ok: false, reason: `check digit should be ${expected}, not ${value[17]}` };
  return {
    ok: true,
    normalized: value,
    birthDate: birth.toISOString().slice(0, 10),
    gender: Number(value[16]) % 2 === 1 ? "male" : "female",
  };
}

export function checkIdNumber(type: IdType, input: string, today = new Date()): IdCheck {
  const value = input.trim().toUpperCase().replace(/\s/g, "");
  switch (type) {
    case "resident_id": {
      if (/^\d{15}$/.test(value)) {
        // The old 15-digit number (before 1999): six-digit birth date in the 1900s, no check digit.
        const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
        return check18(`${first17}${checkCharacter(first17)}`, today, false);
      }
      if (value.length !== 18) return { ok: false, reason: "must be 18 characters (or the old 15 digits)" };
      return check18(value, today, false);
    }
    case "hmt_residence_permit":
      return check18(value, today, true);
    case "hmt_travel_permit":
      return /^[HMT]\d{8,10}$|^\d{8}$/.test(value)
        ? { ok: true, normalized: value }
        : { ok: false, reason: "H, M or T and 8–10 digits (or 8 digits for a Taiwan permit)" };
    case "passport":
      return /^[A-Z0-9]{5,17}$/.test(value)
        ? { ok: true, normalized: value }
        : { ok: false, reason: "5–17 letters and digits" };
    case "foreign_permanent_residence":
      return /^[A-Z]{3}\d{12}$|^9\d{16}[\dX]$/.test(value)
        ? { ok: true, normalized: value }
        : { ok: false, reason: "3 letters and 12 digits, or the 18-character form starting with 9" };
  }
}
