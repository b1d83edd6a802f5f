import { SUPPORTED_LOCALES } from "@wangge/core";
import { Selector } from "antd-mobile";
import { useTranslation } from "react-i18next";
import { changeLocale } from "../i18n/index.ts";

/** 中文 / English switch for the field and resident apps. */
export function MobileLanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Selector
      aria-label={t("language.label")}
      columns={2}
      value={[i18n.language]}
      options={SUPPORTED_LOCALES.map((locale) => ({ label: t(`language.${locale}`), value: locale }))}
      onChange={(values) => {
        const [locale] = values;
        if (locale) void changeLocale(locale as (typeof SUPPORTED_LOCALES)[number]);
      }}
    />
  );
}
