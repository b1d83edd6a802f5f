import { DEFAULT_LOCALE, type Locale, SUPPORTED_LOCALES } from "@wangge/core";
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import zhCN from "./locales/zh-CN.json";

/**
 * zh-CN first, English second. The choice is kept per browser. A key with no translation is recorded
 * in `window.__wanggeMissingKeys` (the e2e journeys assert it stays empty) instead of only printing it.
 */
declare global {
  interface Window {
    __wanggeMissingKeys?: string[];
  }
}

export const LOCALE_STORAGE_KEY = "wangge.locale";
export const resources = { "zh-CN": { translation: zhCN }, en: { translation: en } } as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

function initialLocale(): Locale {
  try {
    const stored = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // storage may be disabled (private mode); fall back to the default
  }
  return DEFAULT_LOCALE;
}

export function initI18n(): typeof i18n {
  if (i18n.isInitialized) return i18n;
  window.__wanggeMissingKeys = [];
  void i18n.use(initReactI18next).init({
    resources,
    lng: initialLocale(),
    fallbackLng: false,
    supportedLngs: [...SUPPORTED_LOCALES],
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: true,
    missingKeyHandler: (lngs, _ns, key) => {
      window.__wanggeMissingKeys?.push(`${lngs.join(",")}:${key}`);
    },
  });
  document.documentElement.lang = i18n.language;
  i18n.on("languageChanged", (lng) => {
    document.documentElement.lang = lng;
  });
  return i18n;
}

export async function changeLocale(locale: Locale): Promise<void> {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // not persisted; still switch for this page
  }
  await i18n.changeLanguage(locale);
}
