import type { TFunction } from "i18next";

/** Words shared by the risk screens: an alert's or backtest item's one-line summary from its figures. */
export function summaryOf(t: TFunction, kind: string, figures: Record<string, unknown>, records: number): string {
  return t(`risk.summary.${kind}${kind === "major_dispute" ? `_${figures.reason ?? "unsettled"}` : ""}`, {
    ...figures,
    n: records,
    match: figures.match === "address" ? t("risk.match.address") : t("risk.match.parties"),
  });
}

/** A rule's parameters in words: "windowDays: 30 · minCount: 3". */
export function paramsText(t: TFunction, params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${t(`risk.param.${k}`)}: ${valueText(t, v)}`)
    .join(" · ");
}

const OPTION_VALUES = new Set(["parties", "address", "county", "township", "village", "grid"]);

function valueText(t: TFunction, v: unknown): string {
  if (typeof v === "boolean") return v ? t("common.yes") : t("common.no");
  if (typeof v === "string" && OPTION_VALUES.has(v)) return t(`risk.option.${v}`);
  return String(v);
}

export const formatTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "—";
