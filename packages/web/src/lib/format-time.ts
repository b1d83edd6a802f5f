import { useTranslation } from "react-i18next";
import { useClientConfig } from "./use-client-config.ts";

/**
 * Times are shown in the deployment's time zone (WANGGE_TIMEZONE in the client config), never the
 * browser's: an event at 15:11 in Guangxi reads 15:11 on a laptop left on UTC too (DESIGN.md, "Time").
 * Every app formats instants through these, so the console, the field app, the resident pages and
 * the big screen agree. Until the config has arrived the default zone stands in.
 */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

export type TimeStyle = "dateTime" | "date" | "time";

const OPTIONS: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  dateTime: {
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  },
  date: { year: "numeric", month: "numeric", day: "numeric" },
  time: { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
};

const formats = new Map<string, Intl.DateTimeFormat>();

/** An instant (ISO 8601 or a Date) as the reader's language writes it, in the given zone; "" for none. */
export function formatInstant(
  at: string | Date | null | undefined,
  options: { lang: string; timeZone: string; style?: TimeStyle },
): string {
  if (at == null || at === "") return "";
  const date = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return "";
  const style = options.style ?? "dateTime";
  const key = `${options.lang}|${options.timeZone}|${style}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(options.lang, { ...OPTIONS[style], timeZone: options.timeZone });
    formats.set(key, f);
  }
  return f.format(date);
}

/** The formatters of the current reader: their language, the deployment's zone. */
export function useTimeFormat(): {
  timeZone: string;
  dateTime: (at: string | Date | null | undefined) => string;
  date: (at: string | Date | null | undefined) => string;
  time: (at: string | Date | null | undefined) => string;
} {
  const { i18n } = useTranslation();
  const { config } = useClientConfig();
  const timeZone = config?.timezone ?? DEFAULT_TIME_ZONE;
  const lang = i18n.language;
  return {
    timeZone,
    dateTime: (at) => formatInstant(at, { lang, timeZone, style: "dateTime" }),
    date: (at) => formatInstant(at, { lang, timeZone, style: "date" }),
    time: (at) => formatInstant(at, { lang, timeZone, style: "time" }),
  };
}
