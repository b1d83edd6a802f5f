import type { TFunction } from "i18next";

/** How long until (or since) a deadline, in the user's language, and whether it has passed. */
export function dueSpan(t: TFunction, dueAt: string, now = Date.now()): { overdue: boolean; text: string } {
  const minutes = Math.round((new Date(dueAt).getTime() - now) / 60_000);
  const abs = Math.abs(minutes);
  const span =
    abs >= 1440
      ? t("events.days", { n: Math.round(abs / 1440) })
      : abs >= 60
        ? t("events.hours", { n: Math.round(abs / 60) })
        : t("events.minutes", { n: abs });
  return minutes < 0
    ? { overdue: true, text: t("events.overdueBy", { span }) }
    : { overdue: false, text: t("events.dueIn", { span }) };
}
