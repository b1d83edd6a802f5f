/**
 * Likely duplicates at intake: the same category, near in place and time, and saying much the same.
 * Text is compared by character bigrams (Chinese has no spaces to split words on): the Dice
 * coefficient of the two sets, 1 for the same text and 0 for nothing in common.
 */
export const DUPLICATE_RADIUS_M = 300;
export const DUPLICATE_WINDOW_DAYS = 7;
export const DUPLICATE_MIN_SIMILARITY = 0.2;

function bigrams(text: string): Set<string> {
  const chars = Array.from(text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, ""));
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0] as string);
  for (let i = 0; i + 1 < chars.length; i++) out.add(`${chars[i]}${chars[i + 1]}`);
  return out;
}

export function textSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return (2 * common) / (x.size + y.size);
}

/** Great-circle distance in metres between two WGS-84 points. */
export function distanceMeters(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * How likely a candidate is the same matter (0–1): mostly the text, helped by closeness. Without
 * points (both reported by area) only the text counts.
 */
export function duplicateScore(similarity: number, distanceM: number | null): number {
  if (distanceM === null) return similarity;
  const near = Math.max(0, 1 - distanceM / DUPLICATE_RADIUS_M);
  return Math.min(1, 0.7 * similarity + 0.3 * near);
}
