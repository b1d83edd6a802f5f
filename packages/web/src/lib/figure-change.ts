import type { FigureComparison } from "@wangge/core";
import type { TFunction } from "i18next";

/**
 * The line under a figure: its change, named by what it is compared with — "较昨日" for a day,
 * "较上周同期" for a week so far, "较上月同期" for a month so far, "较上期" otherwise — so nobody
 * reads a week so far against Sunday as "vs last week".
 */
export interface Compared {
  from: string;
  to: string;
  compare: FigureComparison;
}

export const changeSign = (d: number) => (d > 0 ? "+" : d < 0 ? "−" : "±");

export function changeText(t: TFunction, previous: Compared, now: number, before: number): string {
  const d = now - before;
  const values = { sign: changeSign(d), n: Math.abs(d) };
  switch (previous.compare) {
    case "lastWeek":
      return t("figures.changeLastWeek", values);
    case "lastMonth":
      return t("figures.changeLastMonth", values);
    case "preceding":
      return previous.from === previous.to ? t("figures.changeYesterday", values) : t("figures.change", values);
  }
}
