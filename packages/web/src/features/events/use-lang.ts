import { useTranslation } from "react-i18next";

/** The language category names are shown in (categories carry a zh-CN and an English name). */
export type Lang = "zh-CN" | "en";

export function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language === "en" ? "en" : "zh-CN";
}
