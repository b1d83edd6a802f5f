/**
 * Materialised paths: every area (and every record that belongs to one) carries the codes of its
 * ancestors and itself, `/45/4508/450802/`, so "everything under this township" is one indexed prefix
 * scan and "is X inside Y" is a string test. Codes follow GB/T 2260 and the 12-digit statistical codes.
 */
export const AREA_LEVELS = ["province", "city", "county", "township", "village", "grid", "microgrid"] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const AREA_CODE_PATTERN = /^[0-9A-Za-z]{2,24}$/;

export function childPath(parentPath: string | null, code: string): string {
  return `${parentPath ?? "/"}${code}/`;
}

/** True when `path` is `ancestor` itself or lies beneath it. */
export function isWithin(path: string, ancestor: string): boolean {
  return path.startsWith(ancestor);
}

/** The nearest path that all `paths` lie within (`/45/4508/` for `/45/4508/450802/` and `/45/4508/450803/`); `/` when they share none or there are none. */
export function commonAreaPath(paths: readonly string[]): string {
  const split = paths.map((p) => p.split("/").filter(Boolean));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return n === 0 ? "/" : `/${first.slice(0, n).join("/")}/`;
}

export function levelIndex(level: AreaLevel): number {
  return AREA_LEVELS.indexOf(level);
}

/** Path of the parent area (`/45/4508/` for `/45/4508/450802/`), or null for a root. */
export function parentPathOf(path: string): string | null {
  const cut = path.slice(0, -1).lastIndexOf("/");
  return cut <= 0 ? null : path.slice(0, cut + 1);
}

/** Code of the parent area, or null for a root. */
export function parentCodeOf(path: string): string | null {
  return path.split("/").filter(Boolean).at(-2) ?? null;
}

/** Code of the area a path ends at (`450802` for `/45/4508/450802/`), or null for an empty path. */
export function codeOfPath(path: string): string | null {
  return path.split("/").filter(Boolean).at(-1) ?? null;
}
