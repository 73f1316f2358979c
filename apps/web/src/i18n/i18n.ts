import type { Language } from "@khidma/contracts";
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import ar from "./ar.json";
import en from "./en.json";

/** Where a visitor's language choice is kept before they sign in. */
const STORAGE_KEY = "khidma.language";

/** The UI languages, each with its writing direction. */
export const UI_LANGUAGES: Record<Language, { dir: "rtl" | "ltr"; label: string; short: string }> = {
  ar: { dir: "rtl", label: "العربية", short: "ع" },
  en: { dir: "ltr", label: "English", short: "EN" },
};

/** Text direction of a UI language. */
export function directionOf(language: Language): "rtl" | "ltr" {
  return UI_LANGUAGES[language].dir;
}

/** Narrows any string to a UI language, defaulting to English. */
export function asLanguage(value: string | null | undefined): Language {
  return value?.toLowerCase().startsWith("ar") ? "ar" : "en";
}

/** The language to start with: the last choice on this device, else the browser's. */
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === "ar" || stored === "en") return stored;
  } catch {
    // Storage can be blocked; the browser language still works.
  }
  const preferred = typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of preferred) {
    if (tag.toLowerCase().startsWith("ar")) return "ar";
    if (tag.toLowerCase().startsWith("en")) return "en";
  }
  return "en";
}

/** Remembers the language on this device, so the sign-in page opens in it next time. */
export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembering is harmless.
  }
}

/** BCP 47 tag for Intl formatters; Arabic keeps Latin digits. */
export function intlLocale(language: Language): string {
  return language === "ar" ? "ar-u-nu-latn" : "en";
}

/** Starts i18next with both catalogs bundled (they are small) and plural rules from Intl. */
export function initI18n(language: Language) {
  void i18next.use(initReactI18next).init({
    resources: { ar: { translation: ar }, en: { translation: en } },
    lng: language,
    fallbackLng: "en",
    supportedLngs: ["ar", "en"],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

export { i18next };
