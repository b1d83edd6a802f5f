import { SUPPORTED_LOCALES } from "@wangge/core";
import { Segmented } from "antd";
import { useTranslation } from "react-i18next";
import { changeLocale, isLocale } from "../i18n/index.ts";

/** 中文 / English switch for the console and the big screen. */
export function LanguageSwitch({ size = "middle" }: { size?: "small" | "middle" | "large" }) {
  const { t, i18n } = useTranslation();
  return (
    <Segmented
      size={size}
      aria-label={t("language.label")}
      value={i18n.language}
      options={SUPPORTED_LOCALES.map((locale) => ({ label: t(`language.${locale}`), value: locale }))}
      onChange={(value) => {
        if (isLocale(value)) void changeLocale(value);
      }}
    />
  );
}
