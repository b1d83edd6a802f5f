/**
 * Residents' questions and objections (异议) on published items. A signature is shown masked — the
 * family name and the last character (韦*强), a two-character name as 韦* — so neighbours recognise an
 * objection without the public page becoming a list of full names; an anonymous one shows none.
 */
export function maskSignature(name: string): string {
  const chars = Array.from(name.replace(/\s+/g, ""));
  if (chars.length <= 1) return chars.join("");
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars.at(-1)}`;
}

/** An objection may be lodged while the item's publicity period (公示期) runs. */
export function acceptsObjections(publicityEndsAt: Date | null, now: Date): boolean {
  return publicityEndsAt !== null && now.getTime() < publicityEndsAt.getTime();
}
