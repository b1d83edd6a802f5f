import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { inflateSync } from "node:zlib";
import * as fontkit from "fontkit";

/**
 * Chinese text in generated PDFs: Noto Sans SC (SIL Open Font License 1.1, from the
 * @fontsource/noto-sans-sc package), embedded as subsets, so the documents display on any device
 * and a text extractor reads the characters back. The simplified-Chinese file covers everyday
 * characters, Latin letters and digits; rarer characters come from the numbered subset files whose
 * Unicode ranges the package lists. The WOFF (1.0) files are unpacked once into plain TrueType in
 * memory: fontkit would otherwise inflate the whole glyph table again for every glyph it reads.
 */
export type Weight = 400 | 700;

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve("@fontsource/noto-sans-sc/package.json"));
const fileOf = (subset: string, weight: Weight) =>
  path.join(packageDir, "files", `noto-sans-sc-${subset}-${weight}-normal.woff`);

let numbered: { name: string; ranges: [number, number][] }[] | undefined;
const primaries = new Map<Weight, { file: string; has: (cp: number) => boolean }[]>();

function numberedSubsets() {
  if (!numbered) {
    const table = JSON.parse(readFileSync(path.join(packageDir, "unicode.json"), "utf8")) as Record<string, string>;
    numbered = Object.entries(table).map(([key, ranges]) => ({
      name: key.replace(/[[\]]/g, ""),
      ranges: ranges.split(",").map((r) => {
        const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
        const from = Number.parseInt(a as string, 16);
        return [from, b ? Number.parseInt(b, 16) : from] as [number, number];
      }),
    }));
  }
  return numbered;
}

function primaryFonts(weight: Weight) {
  let list = primaries.get(weight);
  if (!list) {
    list = ["chinese-simplified", "latin"].map((subset) => {
      const file = fileOf(subset, weight);
      const font = fontkit.create(fontData(file)) as fontkit.Font;
      return { file, has: (cp: number) => font.hasGlyphForCodePoint(cp) };
    });
    primaries.set(weight, list);
  }
  return list;
}

/** The font file that draws a character (the primary file when none has it: it draws a blank box). */
export function fontFileFor(codePoint: number, weight: Weight = 400): string {
  const primary = primaryFonts(weight);
  for (const p of primary) if (p.has(codePoint)) return p.file;
  const subset = numberedSubsets().find((s) => s.ranges.some(([a, b]) => codePoint >= a && codePoint <= b));
  return subset ? fileOf(subset.name, weight) : fileOf("chinese-simplified", weight);
}

/** Splits text into runs drawn by one font file each (whitespace joins the run before it). */
export function fontRuns(text: string, weight: Weight = 400): { file: string; text: string }[] {
  const runs: { file: string; text: string }[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const last = runs.at(-1);
    if (last && /\s/.test(ch)) {
      last.text += ch;
      continue;
    }
    const file = fontFileFor(cp, weight);
    if (last && last.file === file) last.text += ch;
    else runs.push({ file, text: ch });
  }
  return runs;
}

const unpacked = new Map<string, Buffer>();

/** The font as TrueType bytes (a WOFF file unpacked once and kept). */
export function fontData(file: string): Buffer {
  let data = unpacked.get(file);
  if (!data) {
    data = sfntOfWoff(readFileSync(file));
    unpacked.set(file, data);
  }
  return data;
}

/** WOFF 1.0 → sfnt: inflate each table and lay them out behind a TrueType table directory. */
export function sfntOfWoff(woff: Buffer): Buffer {
  if (woff.toString("latin1", 0, 4) !== "wOFF") return woff;
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const raw = woff.subarray(offset, offset + compLength);
    tables.push({
      tag: woff.readUInt32BE(at),
      checksum: woff.readUInt32BE(at + 16),
      data: compLength < origLength ? inflateSync(raw) : raw,
    });
  }
  const pow = 2 ** Math.floor(Math.log2(numTables));
  const headerSize = 12 + numTables * 16;
  const size = tables.reduce((n, t) => n + Math.ceil(t.data.length / 4) * 4, headerSize);
  const out = Buffer.alloc(size);
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(pow * 16, 6);
  out.writeUInt16BE(Math.log2(pow), 8);
  out.writeUInt16BE(numTables * 16 - pow * 16, 10);
  let offset = headerSize;
  tables.forEach((t, i) => {
    const at = 12 + i * 16;
    out.writeUInt32BE(t.tag, at);
    out.writeUInt32BE(t.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(out, offset);
    offset += Math.ceil(t.data.length / 4) * 4;
  });
  return out;
}
