/**
 * How many GB 11643 ID numbers agree with what a user is shown of a person: the masks of the number
 * (one per place it appears), the birth date or only the year, and the sex. A mask must leave the
 * number undetermined given everything else on screen (PIPL art. 51: de-identification that cannot
 * be undone with the other data at hand); the tests hold every view of a person to this count.
 * The region is taken as known (an address gives it away), so only the birth date, the sequence and
 * the check character are counted.
 */

export interface ShownOfPerson {
  /** Every masked form of the number the user sees (API, list, export, report). */
  masks: readonly string[];
  birthDate?: string | null;
  birthYear?: number | null;
  gender?: "male" | "female" | null;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";
const [W14, W15, W16] = WEIGHTS.slice(14) as [number, number, number];

/** What the masks show, character by character ('*' unknown); undefined when they disagree. */
function merge(masks: readonly string[]): string[] | undefined {
  const out: string[] = Array.from({ length: 18 }, () => "*");
  for (const mask of masks) {
    if (mask.length !== 18) continue;
    for (let i = 0; i < 18; i++) {
      const c = mask[i] as string;
      if (c === "*") continue;
      if (out[i] !== "*" && out[i] !== c) return undefined;
      out[i] = c;
    }
  }
  return out;
}

const fits = (shown: string[], at: number, text: string) => {
  for (let i = 0; i < text.length; i++) {
    const c = shown[at + i] as string;
    if (c !== "*" && c !== text[i]) return false;
  }
  return true;
};

/** The number of candidate ID numbers; `today` bounds the birth dates (none before 1880, as GB 11643 checks). */
export function idNumberCandidates(shown: ShownOfPerson, today: Date): number {
  const pattern = merge(shown.masks);
  if (!pattern) return 0;
  // The region as shown, or any fixed one: it is counted as known either way.
  const region = pattern.slice(0, 6).map((c) => (c === "*" ? "0" : c));
  let regionSum = 0;
  for (let i = 0; i < 6; i++) regionSum += Number(region[i]) * (WEIGHTS[i] as number);
  const sequences: number[] = [];
  for (let s = 0; s < 1000; s++) {
    const text = String(s).padStart(3, "0");
    if (!fits(pattern, 14, text)) continue;
    if (shown.gender && (s % 2 === 1) !== (shown.gender === "male")) continue;
    sequences.push(s);
  }
  const checkShown = pattern[17] !== "*";
  let count = 0;
  const day = new Date(Date.UTC(1880, 0, 1));
  for (; day.getTime() <= today.getTime(); day.setUTCDate(day.getUTCDate() + 1)) {
    const iso = day.toISOString().slice(0, 10);
    if (shown.birthDate && iso !== shown.birthDate) continue;
    if (shown.birthYear && day.getUTCFullYear() !== shown.birthYear) continue;
    const digits = iso.replace(/-/g, "");
    if (!fits(pattern, 6, digits)) continue;
    if (!checkShown) {
      count += sequences.length;
      continue;
    }
    let sum = regionSum;
    for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (WEIGHTS[6 + i] as number);
    for (const s of sequences) {
      const t = sum + Math.floor(s / 100) * W14 + (Math.floor(s / 10) % 10) * W15 + (s % 10) * W16;
      if (CHECK[t % 11] === pattern[17]) count++;
    }
  }
  return count;
}
