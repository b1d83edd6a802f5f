import { DEFAULT_LOCALE, type Locale, SUPPORTED_LOCALES } from "@wangge/core";
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
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

/**
 * zh-CN comes with every app; English (~12 KB gzip) is fetched when it is chosen, so a phone on the
 * default language does not download it (the phone apps' first-load budgets, e2e weight.spec.ts).
 */
const LOADERS: Record<Locale, () => Promise<Record<string, unknown>>> = {
  "zh-CN": async () => zhCN,
  en: () => import("./locales/en.json").then((m) => m.default),
};

async function loadLocale(locale: Locale): Promise<void> {
  if (i18n.hasResourceBundle(locale, "translation")) return;
  i18n.addResourceBundle(locale, "translation", await LOADERS[locale]());
}

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

/** Starts i18next in the browser's chosen language, once its texts are here. */
export async function initI18n(): Promise<typeof i18n> {
  if (i18n.isInitialized) return i18n;
  window.__wanggeMissingKeys = [];
  const lng = initialLocale();
  void i18n.use(initReactI18next).init({
    resources: { "zh-CN": { translation: zhCN } },
    partialBundledLanguages: true,
    lng,
    fallbackLng: false,
    supportedLngs: [...SUPPORTED_LOCALES],
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: true,
    missingKeyHandler: (lngs, _ns, key) => {
      window.__wanggeMissingKeys?.push(`${lngs.join(",")}:${key}`);
    },
  });
  await loadLocale(lng);
  // Drawn in the chosen language from the first frame (changeLanguage once its texts have arrived).
  if (i18n.language !== lng) await i18n.changeLanguage(lng);
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
  await loadLocale(locale);
  await i18n.changeLanguage(locale);
}
