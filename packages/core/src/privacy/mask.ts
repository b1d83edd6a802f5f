/**
 * Masks for display (DESIGN.md: masked on screen by default): 138****5678, 450802************.
 *
 * An 18-character ID number (GB 11643) is region (6) + birth date (8) + sequence (3, odd for men) +
 * check character. The record beside the mask shows the sex, and to most users the birth year: were
 * the last four shown as well (450802********123X), the birth date would be the only unknown, and a
 * record that shows it too leaves one number — the check character confirms it. So an ID mask shows
 * the region and nothing after it; those who may not reveal the number see the birth year, not the
 * date (person views), which leaves 365 days × 500 sequences ≈ 180,000 numbers open (see
 * `idNumberCandidates`). Documents shorter than 12 characters are masked whole.
 */
export const ID_MASK_VISIBLE = 6;

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 7) return "*".repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export function maskIdNumber(id: string): string {
  if (id.length < 12) return "*".repeat(id.length);
  return `${id.slice(0, ID_MASK_VISIBLE)}${"*".repeat(id.length - ID_MASK_VISIBLE)}`;
}

/** A name as a refusal may show it: its first character, a star for each other (张**). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  return chars.length === 0 ? "" : `${chars[0]}${"*".repeat(chars.length - 1)}`;
}

/**
 * A person's name as a public page shows it (a subsidy 公示 list, a household member to a resident):
 * the first and last characters, the rest starred (韦*强, 欧阳**红); a two-character name keeps its
 * first (韦*). A name of one character is starred whole.
 * With no ID fragment and no birth date beside it, a village's list leaves who is who to those who
 * already know.
 */
export function maskPublicName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Mainland mobile numbers, normalised to 11 digits (drops +86, spaces and dashes). */
export function normalizeMobile(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, "").replace(/^\+?86/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
}
