import { DEFAULT_LOCALE, type Locale, SUPPORTED_LOCALES } from "./limits.ts";

/**
 * Messages that reach a person from the server — an import report's reasons, a field's problem — as
 * data: a code and its parameters, put into words in the reader's language only when shown. A
 * catalogue maps each code to a template per language; `{name}` stands for a parameter, and a
 * parameter may itself be a message (a reason inside a reason).
 */
export interface Message {
  code: string;
  params?: Record<string, string | Message>;
}

export type MessageCatalogue = Record<string, Record<Locale, string>>;

export function isMessage(value: unknown): value is Message {
  return typeof value === "object" && value !== null && typeof (value as Message).code === "string";
}

/** The words of a message; a code the catalogue lacks is shown as the code with its parameters. */
export function formatMessage(message: Message, locale: Locale, catalogue: MessageCatalogue): string {
  const template = catalogue[message.code]?.[locale];
  const params = message.params ?? {};
  const param = (name: string): string => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === "string" ? value : formatMessage(value, locale, catalogue);
  };
  if (!template) return [message.code, ...Object.keys(params).map((k) => `${k}=${param(k)}`)].join(" ");
  return template.replace(/\{(\w+)\}/g, (_, name: string) => param(name));
}

/**
 * The reader's language from an Accept-Language header (RFC 9110 §12.5.4): the supported language
 * with the highest weight, any Chinese counting as zh-CN; `fallback` when the header names none.
 */
export function localeFromHeader(header: string | undefined, fallback: Locale = DEFAULT_LOCALE): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...rest] = part.trim().split(";");
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim().toLowerCase(), weight: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.tag && Number.isFinite(r.weight) && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
    const match = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === tag || tag.startsWith(`${l.toLowerCase()}-`));
    if (match) return match;
  }
  return fallback;
}
