import { describe, expect, it } from "vitest";
import { AUTH_ERROR_CODES } from "../auth/auth.errors.ts";
import { DISCLOSURE_ERROR_CODES } from "../disclosures/disclosures.errors.ts";
import { DISCLOSURE_FIELD_MESSAGES } from "../disclosures/disclosures.messages.ts";
import { EVENT_ERROR_CODES } from "../events/events.errors.ts";
import { EVENT_FIELD_MESSAGES } from "../events/events.messages.ts";
import { FIGURE_FIELD_MESSAGES } from "../figures/figures.messages.ts";
import { GEO_MESSAGES } from "../geo/geo.messages.ts";
import { NOTICE_FIELD_MESSAGES } from "../notices/notices.messages.ts";
import { PROJECT_ERROR_CODES } from "../projects/projects.errors.ts";
import { PROJECT_FIELD_MESSAGES } from "../projects/projects.messages.ts";
import { checkIdNumber } from "../registry/id-number.ts";
import { REGISTRY_ERROR_CODES } from "../registry/registry.errors.ts";
import { ID_NUMBER_MESSAGES, IMPORT_ROW_MESSAGES, REGISTRY_FIELD_MESSAGES } from "../registry/registry.messages.ts";
import { REPORT_FIELD_MESSAGES } from "../reports/reports.messages.ts";
import { RISK_FIELD_MESSAGES } from "../risk/risk.messages.ts";
import { SUBSIDY_FIELD_MESSAGES } from "../subsidies/subsidies.messages.ts";
import { VISIT_FIELD_MESSAGES } from "../visits/visits.messages.ts";
import { ERROR_TEXTS } from "./error-texts.ts";
import { ALL_FIELD_MESSAGES, FIELD_MESSAGES } from "./field.messages.ts";
import { formatMessage, localeFromHeader } from "./messages.ts";
import { PLATFORM_ERROR_CODES } from "./platform.errors.ts";

const catalogues = [
  ID_NUMBER_MESSAGES,
  IMPORT_ROW_MESSAGES,
  FIELD_MESSAGES,
  GEO_MESSAGES,
  EVENT_FIELD_MESSAGES,
  FIGURE_FIELD_MESSAGES,
  REGISTRY_FIELD_MESSAGES,
  VISIT_FIELD_MESSAGES,
  SUBSIDY_FIELD_MESSAGES,
  NOTICE_FIELD_MESSAGES,
  RISK_FIELD_MESSAGES,
  DISCLOSURE_FIELD_MESSAGES,
  REPORT_FIELD_MESSAGES,
  PROJECT_FIELD_MESSAGES,
];
const catalogue = { ...ID_NUMBER_MESSAGES, ...IMPORT_ROW_MESSAGES, ...ALL_FIELD_MESSAGES };
/** Messages whose Chinese is only their parameters (a reason inside a reason, words given in both languages). */
const PARAMETERS_ONLY = [
  "IMPORT_ROW_INVALID",
  "IMPORT_ROW_TEXT",
  "IMPORT_JOB_TEXT",
  "FIELD_WORDS",
  "FIELD_ROW_REFUSED",
];
/** English that quotes the Chinese a file may hold (the values a column accepts). */
const ENGLISH_QUOTING_CHINESE = [
  "IMPORT_ROW_GENDER_INVALID",
  "IMPORT_ROW_RESIDENCE_INVALID",
  "IMPORT_ROW_PARTY_INVALID",
  "IMPORT_ROW_HOUSEHOLD_KIND_INVALID",
  "DISCLOSURE_FIELD_DIRECTION",
  "FIELD_STAFF_ROLE",
];

describe("formatMessage", () => {
  it("says a message in either language, with its parameters and a nested reason", () => {
    const id = checkIdNumber("resident_id", "110105194912310021");
    if (id.ok) throw new Error("should fail");
    const row = { code: "IMPORT_ROW_INVALID", params: { column: "证件号码", reason: id.message } };
    expect(formatMessage(row, "zh-CN", catalogue)).toBe("证件号码：校验码应为 X，而不是 1");
    expect(formatMessage({ ...row, params: { ...row.params, column: "id number" } }, "en", catalogue)).toBe(
      "id number: check digit should be X, not 1",
    );
    expect(formatMessage({ code: "NO_SUCH", params: { a: "1" } }, "en", catalogue)).toBe("NO_SUCH a=1");
  });

  it("has every message in both languages with the same parameters", () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [code, texts] of Object.entries(catalogue)) {
      if (!PARAMETERS_ONLY.includes(code)) expect(texts["zh-CN"], code).toMatch(/\p{Script=Han}/u);
      if (!ENGLISH_QUOTING_CHINESE.includes(code)) expect(texts.en, code).not.toMatch(/\p{Script=Han}/u);
      if (code !== "FIELD_WORDS") expect(names(texts["zh-CN"]), code).toEqual(names(texts.en));
    }
  });

  it("gives each message code one meaning across the catalogues the server merges", () => {
    const seen = new Map<string, number>();
    for (const c of catalogues) for (const code of Object.keys(c)) seen.set(code, (seen.get(code) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
  });
});

describe("ERROR_TEXTS", () => {
  it("says every error code of every catalogue in Chinese and English", () => {
    const codes = [
      ...PLATFORM_ERROR_CODES,
      ...AUTH_ERROR_CODES,
      ...REGISTRY_ERROR_CODES,
      ...EVENT_ERROR_CODES,
      ...DISCLOSURE_ERROR_CODES,
      ...PROJECT_ERROR_CODES,
    ];
    const missing = codes.filter((c) => !ERROR_TEXTS[c]?.["zh-CN"] || !ERROR_TEXTS[c]?.en);
    expect(missing).toEqual([]);
  });
});

describe("localeFromHeader", () => {
  it.each([
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["en-US,en;q=0.9", "en"],
    ["zh-TW", "zh-CN"],
    ["fr-FR, en;q=0.5, zh;q=0.4", "en"],
    ["en;q=0.2, zh-CN;q=0.8", "zh-CN"],
    ["fr", "en"],
    [undefined, "en"],
    ["*", "en"],
  ] as const)("reads %s as %s (falling back to English)", (header, locale) => {
    expect(localeFromHeader(header, "en")).toBe(locale);
  });
});
