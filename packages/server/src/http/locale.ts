import {
  ALL_FIELD_MESSAGES,
  ERROR_TEXTS,
  type FieldIssue,
  formatMessage,
  ID_NUMBER_MESSAGES,
  IMPORT_ROW_MESSAGES,
  type Locale,
  localeFromHeader,
  type Message,
  type MessageCatalogue,
} from "@wangge/core";
import type { FastifyRequest } from "fastify";
import { z } from "zod";

/**
 * The language of the person asking: the web apps send theirs as Accept-Language (the language the
 * user chose in the app), browsers their own. A caller that names none (a script, an integration)
 * gets English, the language of the codes and of the OpenAPI document. Codes never change with it.
 */
export function requestLocale(request: Pick<FastifyRequest, "headers">): Locale {
  const header = request.headers["accept-language"];
  return localeFromHeader(Array.isArray(header) ? header.join(",") : header, "en");
}

/** Every message the server can say in either language. */
export const SERVER_MESSAGES: MessageCatalogue = {
  ...ID_NUMBER_MESSAGES,
  ...IMPORT_ROW_MESSAGES,
  ...ALL_FIELD_MESSAGES,
};

export function sayMessage(message: Message, locale: Locale): string {
  return formatMessage(message, locale, SERVER_MESSAGES);
}

/**
 * A problem's `detail` in the reader's language: in English the specific message thrown with the
 * code; in Chinese what the code means (ERROR_TEXTS), or the English message for a code without text.
 */
export function problemDetail(code: string, detail: string, locale: Locale): string {
  if (locale === "en") return detail;
  return ERROR_TEXTS[code]?.[locale] ?? detail;
}

/** Rows or features of a report whose field issues are said in the reader's language (an import's outcome). */
export function sayRowIssues<T extends object>(rows: readonly T[], locale: Locale): T[] {
  return rows.map((row) => {
    const errors = (row as { errors?: FieldIssue[] }).errors;
    return Array.isArray(errors) ? { ...row, errors: sayIssues(errors, locale) } : row;
  });
}

/** Field issues as sent: each message in the reader's language when it was given as data. */
export function sayIssues(issues: readonly FieldIssue[], locale: Locale): FieldIssue[] {
  return issues.map(({ said, schemaIssue, ...issue }) => {
    if (said) return { ...issue, message: sayMessage(said, locale) };
    if (schemaIssue) return { ...issue, message: sayZodIssue(schemaIssue, issue.message, locale) };
    return issue;
  });
}

const zodLocales = { "zh-CN": z.locales.zhCN(), en: z.locales.en() } as const;

/** A schema validation issue (zod's) in the reader's language. */
export function sayZodIssue(issue: unknown, fallback: string, locale: Locale): string {
  if (locale === "en" || !issue || typeof issue !== "object") return fallback;
  const said = zodLocales[locale].localeError(issue as Parameters<(typeof zodLocales)["en"]["localeError"]>[0]);
  const text = typeof said === "string" ? said : said?.message;
  return text || fallback;
}
