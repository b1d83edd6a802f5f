import type { TFunction } from "i18next";

/**
 * A person's birth as the server gives it: the full date only to someone who may reveal their ID
 * number; everyone else gets the year (beside the masked number the date would narrow it to a few
 * hundred — core/privacy/mask.ts). Ages from the year alone are approximate.
 */
interface Born {
  birthDate: string | null;
  birthYear: number | null;
}

export function birthText(p: Born, t: TFunction): string {
  if (p.birthDate) return p.birthDate;
  return p.birthYear ? t("registry.bornIn", { year: p.birthYear }) : "—";
}

export function ageText(p: Born, t: TFunction, now = new Date()): string | null {
  if (p.birthDate) {
    const born = new Date(p.birthDate);
    let age = now.getFullYear() - born.getFullYear();
    if (now.getMonth() < born.getMonth() || (now.getMonth() === born.getMonth() && now.getDate() < born.getDate()))
      age--;
    return t("field.age", { n: age });
  }
  return p.birthYear ? t("field.ageAbout", { n: now.getFullYear() - p.birthYear }) : null;
}
