import { formatMessage, type Message } from "../platform/messages.ts";
import { ID_NUMBER_MESSAGES } from "./registry.messages.ts";
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
  | { ok: false; reason: string; message: Message };

/** A failed check: the English reason (logs, older callers) and the message to put in the reader's words. */
function fail(code: string, params?: Record<string, string>): { ok: false; reason: string; message: Message } {
  const message: Message = params ? { code, params } : { code };
  return { ok: false, reason: formatMessage(message, "en", ID_NUMBER_MESSAGES), message };
}

/** Validates an 18-character number of the GB 11643 form (citizen ID or HMT residence permit). */
function check18(value: string, today: Date, hmt: boolean): IdCheck {
  if (!/^\d{17}[\dX]$/.test(value)) return fail("ID_NUMBER_FORM");
  const prefix = value.slice(0, 6);
  if (hmt && !HMT_PREFIXES.has(prefix)) return fail("ID_NUMBER_HMT_PREFIX");
  if (!hmt && !PROVINCES.has(value.slice(0, 2)))
    return HMT_PREFIXES.has(prefix) ? fail("ID_NUMBER_IS_HMT") : fail("ID_NUMBER_REGION", { region: prefix });
  const birth = realDate(value.slice(6, 14));
  if (!birth) return fail("ID_NUMBER_BIRTH_DATE", { value: value.slice(6, 14) });
  if (birth.getTime() > today.getTime()) return fail("ID_NUMBER_BIRTH_FUTURE");
  if (birth.getUTCFullYear() < 1880) return fail("ID_NUMBER_BIRTH_TOO_EARLY");
  const expected = checkCharacter(value.slice(0, 17));
  if (value[17] !== expected) return fail("ID_NUMBER_CHECK_DIGIT", { expected, actual: value[17] as string });
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
      if (value.length !== 18) return fail("ID_NUMBER_LENGTH");
      return check18(value, today, false);
    }
    case "hmt_residence_permit":
      return check18(value, today, true);
    case "hmt_travel_permit":
      return /^[HMT]\d{8,10}$|^\d{8}$/.test(value)
        ? { ok: true, normalized: value }
        : fail("ID_NUMBER_HMT_TRAVEL_FORM");
    case "passport":
      return /^[A-Z0-9]{5,17}$/.test(value) ? { ok: true, normalized: value } : fail("ID_NUMBER_PASSPORT_FORM");
    case "foreign_permanent_residence":
      return /^[A-Z]{3}\d{12}$|^9\d{16}[\dX]$/.test(value)
        ? { ok: true, normalized: value }
        : fail("ID_NUMBER_FOREIGN_FORM");
  }
}
