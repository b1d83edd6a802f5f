import { DomainError } from "@wangge/core";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvParser, type CsvRecord, csvField, csvText, parseCsvText } from "./csv.ts";

/** The text in pieces cut at the given places, as a stream would hand it over. */
function inPieces(text: string, cuts: number[]): CsvRecord[] {
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...parser.push(text.slice(from)), ...parser.end());
  return out;
}

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const codes = (error: unknown) => (error instanceof DomainError ? error.code : String(error));

describe("reading CSV", () => {
  it("reads quoted fields, doubled quotes, line breaks inside quotes, a BOM and every line ending", () => {
    const text = '\uFEFF姓名,备注\r\n"韦, 大爷","他说""好"""\r\n 张三 ,"两行\n文字"\n李四,\r王五,末行';
    // Row numbers as a spreadsheet shows them: the two-line note is one row.
    expect(parseCsvText(text)).toEqual([
      { row: 1, cells: ["姓名", "备注"] },
      { row: 2, cells: ["韦, 大爷", '他说"好"'] },
      { row: 3, cells: ["张三", "两行\n文字"] },
      { row: 4, cells: ["李四", ""] },
      { row: 5, cells: ["王五", "末行"] },
    ]);
  });

  it("trims unquoted fields (full-width spaces too), keeps quoted ones as written, skips blank lines", () => {
    // The blank lines are rows 2 and 3 (they count, as in a spreadsheet, but give no record).
    expect(parseCsvText('\u3000韦大娘\u3000, "  x  " ,\t\n\n   \n,,\n""\n')).toEqual([
      { row: 1, cells: ["韦大娘", "  x  ", ""] },
      { row: 4, cells: ["", "", ""] },
      { row: 5, cells: [""] },
    ]);
  });

  it("gives the same records however the stream cuts the text", () => {
    const text = 'a,"b""\r\nc"\r\n"x",y\r\n\r\nlast,"q"';
    const whole = parseCsvText(text);
    for (let i = 0; i <= text.length; i++)
      for (let j = i; j <= text.length; j += 3) expect(inPieces(text, [i, j])).toEqual(whole);
  });

  it("refuses what would shift the columns of every row after it, naming the record", () => {
    const fails = (text: string) => {
      try {
        parseCsvText(text);
      } catch (error) {
        return [codes(error), (error as Error).message];
      }
      return ["no error"];
    };
    expect(fails('a,b\nc,d "e",f')).toEqual([
      "IMPORT_FILE_INVALID",
      "CSV row 2: a quote inside the unquoted field 2 (a field with quotes must be quoted)",
    ]);
    expect(fails('a\n"b" c,d')).toEqual(["IMPORT_FILE_INVALID", 'CSV row 2: "c,d" after the closing quote of field 1']);
    expect(fails('a\nb\n"open,c\nd')).toEqual([
      "IMPORT_FILE_INVALID",
      "CSV row 3: a quoted field is not closed before the end of the file",
    ]);
  });

  it("reads what csv-parse reads, on thousands of generated files", () => {
    const next = random(20261128);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
    const plain = ["a", "张", "三", "1", " ", "\t", "-", "é", "x y"];
    for (let file = 0; file < 3_000; file++) {
      const eol = pick(["\n", "\r\n", "\r"]);
      const lines: string[] = [];
      for (let r = 0, rows = 1 + Math.floor(next() * 6); r < rows; r++) {
        const fields: string[] = [];
        for (let f = 0, n = 1 + Math.floor(next() * 4); f < n; f++) {
          let value = "";
          for (let k = Math.floor(next() * 5); k > 0; k--) value += pick(plain);
          if (next() < 0.3) {
            let inner = "";
            for (let k = Math.floor(next() * 5); k > 0; k--) inner += pick([...plain, ",", '""', "\n", "\r\n"]);
            value = `${pick(["", " "])}"${inner}"${pick(["", " "])}`;
          }
          fields.push(value);
        }
        lines.push(next() < 0.1 ? pick(["", "  "]) : fields.join(","));
      }
      const text = (next() < 0.2 ? "\uFEFF" : "") + lines.join(eol) + (next() < 0.5 ? eol : "");
      const theirs = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
      const cut = Math.floor(next() * text.length);
      expect(
        inPieces(text, [cut]).map((r) => r.cells),
        JSON.stringify(text),
      ).toEqual(theirs);
    }
  });
});

describe("writing CSV for spreadsheets", () => {
  it.each([
    ["=1+2", "'=1+2"],
    ["+SUM(A1:A9)", "'+SUM(A1:A9)"],
    ["-2+3", "'-2+3"],
    ["@cmd", "'@cmd"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
    ['=HYPERLINK("http://x.invalid","go")', `"'=HYPERLINK(""http://x.invalid"",""go"")"`],
    ["张三", "张三"],
    ["a,b", '"a,b"'],
    ["1980-01-01", "1980-01-01"],
    ["450802************", "450802************"],
  ])("writes %j as %j", (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it("reads back what it wrote, the guard apostrophe included (the import drops it)", () => {
    const rows = [
      ["姓名", "备注"],
      ["=1+2", 'say "hi", then\nleave'],
    ];
    expect(parseCsvText(csvText(rows)).map((r) => r.cells)).toEqual([
      ["姓名", "备注"],
      ["'=1+2", 'say "hi", then\nleave'],
    ]);
  });
});
