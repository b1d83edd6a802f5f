import { describe, expect, it } from "vitest";
import { tileTemplateProblems, tileTemplates } from "./tile-templates.ts";

const TIANDITU = (layer: "vec" | "cva", key = "&tk=0123abcd") =>
  `https://t0.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}${key}`;

describe("tile templates", () => {
  it("reads several templates separated by whitespace, bottom layer first", () => {
    expect(tileTemplates(` ${TIANDITU("vec")}\n  ${TIANDITU("cva")} `)).toEqual([TIANDITU("vec"), TIANDITU("cva")]);
    expect(tileTemplates(null)).toEqual([]);
  });

  it("accepts Tianditu with its key and an intranet XYZ server", () => {
    expect(tileTemplateProblems(`${TIANDITU("vec")} ${TIANDITU("cva")}`)).toEqual([]);
    expect(tileTemplateProblems("http://10.12.0.5:8080/tiles/{z}/{x}/{y}.png")).toEqual([]);
  });

  it("names each problem: Tianditu without tk, a missing placeholder, not http, too many layers", () => {
    expect(tileTemplateProblems(TIANDITU("vec", ""))).toEqual([
      "is a Tianditu URL without its key: add &tk=<your key> (console.tianditu.gov.cn)",
    ]);
    expect(tileTemplateProblems("https://tiles.example/{z}/{x}.png")).toEqual([
      "lacks {y} (the tile's zoom, column and row)",
    ]);
    expect(tileTemplateProblems("https://a.example/{z}/{x}/{y} ftp://b.example/{z}/{x}/{y}")).toEqual([
      "template 2 must be an http(s) URL template such as https://tiles.example.gov.cn/{z}/{x}/{y}.png",
    ]);
    expect(tileTemplateProblems(Array(5).fill("https://a.example/{z}/{x}/{y}").join(" "))[0]).toMatch(/at most 4/);
  });
});
