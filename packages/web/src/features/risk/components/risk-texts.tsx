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
    .map(
      ([k, v]) =>
        `${t(`risk.param.${k}`)}: ${typeof v === "boolean" ? (v ? t("common.yes") : t("common.no")) : String(v)}`,
    )
    .join(" · ");
}

export const formatTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "—";
