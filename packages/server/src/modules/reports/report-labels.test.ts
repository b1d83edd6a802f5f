import { readFileSync } from "node:fs";
import { REPORT_OVERVIEW_FIGURES } from "@wangge/core";
import { describe, expect, it } from "vitest";
import {
  CARRY_OVER_LABELS,
  FIGURE_LABELS,
  HOTSPOT_KIND_LABELS,
  KIND_TITLES,
  RATE_LABELS,
  STATE_LABELS,
} from "./report-labels.ts";

/**
 * The report files (PDF, XLSX) and the console's report page name each thing with one word: the
 * files' tables hold the very zh-CN texts of the page (a walkthrough found 网格内办结率 on the page
 * and 网格内化解率 in the PDF, 日结 against 日尽结).
 */
const zh = JSON.parse(
  readFileSync(new URL("../../../../web/src/i18n/locales/zh-CN.json", import.meta.url), "utf8"),
) as Record<string, Record<string, unknown>>;
const ns = (path: string) =>
  path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], zh) as Record<string, string>;

describe("report file labels", () => {
  it.each([
    ["figures.name", FIGURE_LABELS],
    ["figures.rate", RATE_LABELS],
    ["events.state", STATE_LABELS],
    ["visits.carryOverReasons", CARRY_OVER_LABELS],
    ["reports.hotspot", HOTSPOT_KIND_LABELS],
  ] as const)("say what the console's %s says", (path, labels) => {
    const page = ns(path);
    for (const [key, word] of Object.entries(labels)) expect([key, page[key]]).toEqual([key, word]);
  });

  it("use the glossary's words: 日尽结 and 村（社区）", () => {
    expect(FIGURE_LABELS.closeOuts).toBe("日尽结");
    expect(RATE_LABELS.settledInCommunity).toBe("村（社区）内化解率");
    expect(KIND_TITLES.daily).toContain("日尽结");
    for (const k of REPORT_OVERVIEW_FIGURES) expect(FIGURE_LABELS[k]).toBe(ns("figures.name")[k]);
  });
});
