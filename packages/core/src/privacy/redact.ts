import { ID_MASK_VISIBLE } from "./mask.ts";

/**
 * Free text that reaches logs (crash reports, error messages) or is stored beside its sealed original
 * (descriptions, notes, import reports) may carry personal numbers a user typed. PIPL art. 28 treats
 * ID numbers as sensitive, and DESIGN.md says neither ID nor phone numbers appear in logs: mask
 * mainland ID numbers (18 or 15 digits) as `maskIdNumber` does — the region only, since a birth date
 * shown elsewhere plus the last four would give the number back — and mobile numbers wherever they occur.
 */
const ID_NUMBER = /(?<![0-9])([1-9][0-9]{5})(?:[0-9]{8}|[0-9]{5})[0-9]{3}[0-9Xx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})(?![0-9])/g;

export function redactPersonalNumbers(text: string): string {
  return text
    .replace(ID_NUMBER, (match, head: string) => `${head}${"*".repeat(match.length - ID_MASK_VISIBLE)}`)
    .replace(MOBILE, (_match, head: string, tail: string) => `${head}****${tail}`);
}

/** Every digit masked: for a cell known to hold an ID or phone number, whatever shape it was typed in. */
export function maskDigits(text: string): string {
  return text.replace(/[0-9]/g, "*").replace(/(?<=\*)[Xx]\b/g, "*");
}
