import type { TFunction } from "i18next";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { type CategoryName, listCategoryNames } from "../api/risk.ts";

/** Words shared by the risk screens: an alert's or backtest item's one-line summary from its figures. */
export function summaryOf(t: TFunction, kind: string, figures: Record<string, unknown>, records: number): string {
  return t(`risk.summary.${kind}${kind === "major_dispute" ? `_${figures.reason ?? "unsettled"}` : ""}`, {
    ...figures,
    n: records,
    match: figures.match === "address" ? t("risk.match.address") : t("risk.match.parties"),
  });
}

/** The event categories' names in the reader's language, by key (read once per page load). */
export type CategoryNames = Map<string, string>;
let categoriesCache: Promise<CategoryName[]> | undefined;

export interface Categories {
  /** In the reader's language. */
  names: CategoryNames;
  /** In Chinese, as the platform writes them into a default title. */
  zh: CategoryNames;
  list: CategoryName[];
}

export function useCategoryNames(): Categories {
  const { i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const [categories, setCategories] = useState<Categories>({ names: new Map(), zh: new Map(), list: [] });
  useEffect(() => {
    categoriesCache ??= listCategoryNames();
    categoriesCache.then(
      (cats) =>
        setCategories({
          names: new Map(cats.map((c) => [c.key, c.name[lang]])),
          zh: new Map(cats.map((c) => [c.key, c.name["zh-CN"]])),
          list: cats,
        }),
      () => {
        categoriesCache = undefined;
      },
    );
  }, [lang]);
  return categories;
}

/**
 * A rule's category parameter in words: a group prefix ("dispute.") as the group's name and "all",
 * one category by its name; a key the deployment does not have as typed.
 */
export function categoryText(t: TFunction, names: CategoryNames, value: string): string {
  if (value.endsWith(".")) {
    const group = names.get(value.slice(0, -1));
    return group ? t("risk.categoryAll", { name: group }) : value;
  }
  return names.get(value) ?? value;
}

/**
 * An event record's category (in the reader's language) and title (the user's words): a title the
 * platform made from the category's Chinese name (`邻里纠纷 · 一网格`) loses that name, as the
 * category is named before it.
 */
export function eventDetail(
  categories: Categories,
  categoryKey: string | null,
  title: string | null,
): { category: string | null; title: string | null } {
  const zh = categoryKey ? categories.zh.get(categoryKey) : undefined;
  return {
    category: categoryKey ? (categories.names.get(categoryKey) ?? categoryKey) : null,
    title: title && zh && title.startsWith(`${zh} · `) ? title.slice(zh.length + 3) : title,
  };
}

/** A rule's parameters in words: "windowDays: 30 · minCount: 3". */
export function paramsText(t: TFunction, params: Record<string, unknown>, names?: CategoryNames): string {
  return Object.entries(params)
    .map(
      ([k, v]) =>
        `${t(`risk.param.${k}`)}: ${k === "categoryPrefix" && typeof v === "string" && names ? categoryText(t, names, v) : valueText(t, v)}`,
    )
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
