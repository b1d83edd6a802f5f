import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { PLATFORM_ERROR_CODES } from "@wangge/core";
import { describe, expect, it } from "vitest";
import en from "../src/i18n/locales/en.json";
import zhCN from "../src/i18n/locales/zh-CN.json";
import { ALL_ERROR_CODES } from "../src/lib/error-message.ts";

/** Every screen works in zh-CN and in English: these tests fail on any missing or extra key. */
type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(tsx?|jsx?)$/.test(name) && !/\.test\./.test(name) ? [full] : [];
  });
}

const zh = flatten(zhCN as Tree);
const english = flatten(en as Tree);
const src = path.resolve(import.meta.dirname, "../src");

function keysUsedInSource(): Map<string, string> {
  const used = new Map<string, string>();
  const call = /\bt\(\s*["'`]([A-Za-z0-9_.-]+)["'`]/g;
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(call)) used.set(match[1] as string, path.relative(src, file));
  }
  return used;
}

describe("translations", () => {
  it("have the same keys in zh-CN and English", () => {
    expect([...english.keys()].sort()).toEqual([...zh.keys()].sort());
  });

  it("have no empty text", () => {
    const empty = [...zh, ...english].filter(([, text]) => text.trim() === "").map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it("have the same interpolation variables in both languages", () => {
    const vars = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const mismatched = [...zh].filter(
      ([key, text]) => JSON.stringify(vars(text)) !== JSON.stringify(vars(english.get(key) ?? "")),
    );
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });

  it("write variables as i18next reads them, {{name}} (a single-brace {name} shows as typed)", () => {
    const single = /(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})/;
    const wrong = [...zh, ...english].filter(([, text]) => single.test(text)).map(([key]) => key);
    expect(wrong).toEqual([]);
  });

  it("cover every key the source code asks for", () => {
    const used = keysUsedInSource();
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used]
      .filter(([key]) => !zh.has(key) || !english.has(key))
      .map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it("translate every error code the server or the web app can produce", () => {
    const codes = ALL_ERROR_CODES;
    expect(codes).toEqual(expect.arrayContaining([...PLATFORM_ERROR_CODES]));
    const missing = codes.filter((code) => !zh.has(`errors.${code}`) || !english.has(`errors.${code}`));
    expect(missing).toEqual([]);
  });

  it("keep Chinese text in zh-CN and no Chinese in the English interface text", () => {
    const englishWithHan = [...english]
      .filter(([key]) => key !== "language.zh-CN")
      .filter(([, text]) => /\p{Script=Han}/u.test(text))
      .map(([key]) => key);
    expect(englishWithHan).toEqual([]);
    const chineseShare = [...zh.values()].filter((text) => /\p{Script=Han}/u.test(text)).length / zh.size;
    expect(chineseShare).toBeGreaterThan(0.9);
  });
});
