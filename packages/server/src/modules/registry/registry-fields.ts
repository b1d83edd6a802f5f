import { checkIdNumber, type FieldIssue, type IdType, maskIdNumber, maskPhone, normalizeMobile } from "@wangge/core";
import { pinyin } from "pinyin-pro";
import type { FieldCrypto } from "../../crypto/field-crypto.ts";

/**
 * How personal fields are stored: an ID or phone number becomes ciphertext, a keyed blind index
 * (exact look-up, never reversible) and a masked form for display — the clear value is kept nowhere.
 * Names get their search keys: the characters (for "张" or "三丰" anywhere in the name), the full
 * pinyin (surnames read as surnames: 单 is shàn) and the initials.
 */
export interface SealedId {
  id_type: IdType;
  id_number_enc: string;
  id_number_bidx: string;
  id_number_masked: string;
  birthDate: string | undefined;
  gender: "male" | "female" | undefined;
}

export const idIndex = (crypto: FieldCrypto, normalized: string) => crypto.blindIndex(`id:${normalized}`);
export const phoneIndex = (crypto: FieldCrypto, normalized: string) => crypto.blindIndex(normalized);

export function sealIdNumber(
  crypto: FieldCrypto,
  type: IdType,
  raw: string,
  path: string,
  today: Date,
): SealedId | FieldIssue {
  const checked = checkIdNumber(type, raw, today);
  if (!checked.ok) return { path, message: checked.reason, said: checked.message };
  return {
    id_type: type,
    id_number_enc: crypto.encrypt(checked.normalized),
    id_number_bidx: idIndex(crypto, checked.normalized),
    id_number_masked: maskIdNumber(checked.normalized),
    birthDate: checked.birthDate,
    gender: checked.gender,
  };
}

export interface SealedPhone {
  enc: string;
  bidx: string;
  masked: string;
}

export function sealPhone(crypto: FieldCrypto, raw: string, path: string): SealedPhone | FieldIssue {
  const mobile = normalizeMobile(raw);
  const digits = raw.replace(/[\s-]/g, "");
  // Landlines (0775-1234567) are kept too; only mobiles are normalised to 11 digits.
  const value = mobile ?? (/^0\d{2,3}-?\d{7,8}$/.test(digits) ? digits.replace("-", "") : undefined);
  if (!value)
    return {
      path,
      message: "a mainland mobile (11 digits) or landline number with area code",
      said: { code: "PHONE_NUMBER_FORM" },
    };
  return { enc: crypto.encrypt(value), bidx: phoneIndex(crypto, value), masked: maskPhone(value) };
}

export const isIssue = (v: unknown): v is FieldIssue =>
  typeof v === "object" && v !== null && "path" in v && "message" in v;

/** Distinct non-space characters: the GIN-indexed keys that find a name or address by any part. */
export function charsOf(text: string): string[] {
  return [...new Set(Array.from(text.replace(/\s+/g, "").toLowerCase()))];
}

const HAN = /\p{Script=Han}/u;

/**
 * Pinyin of names seen lately: names repeat (in a county's register about half of them are someone
 * else's too), and the pinyin is the costly part of a name's keys. Emptied when full: 200,000 names
 * (about 30 MB, in the sealing thread) hold all 166,000 distinct names of the benchmark's million
 * people, where 100,000 answered only 58% of the look-ups.
 */
const spelled = new Map<string, { pinyin: string; initials: string }>();
const SPELLED_LIMIT = 200_000;

function spell(name: string): { pinyin: string; initials: string } {
  const known = spelled.get(name);
  if (known) return known;
  const syllables = HAN.test(name)
    ? pinyin(name, { toneType: "none", type: "array", surname: "head", v: true, nonZh: "removed" })
    : name.toLowerCase().split(/[^a-z]+/);
  const clean = syllables.map((s) => s.toLowerCase().replace(/[^a-z]/g, "")).filter(Boolean);
  const spelling = { pinyin: clean.join(""), initials: clean.map((s) => s[0]).join("") };
  if (spelled.size >= SPELLED_LIMIT) spelled.clear();
  spelled.set(name, spelling);
  return spelling;
}

export function nameKeys(name: string): { name_chars: string[]; name_pinyin: string; name_initials: string } {
  const { pinyin: name_pinyin, initials: name_initials } = spell(name);
  return { name_chars: charsOf(name), name_pinyin, name_initials };
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}
