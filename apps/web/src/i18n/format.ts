import type { Language } from "@khidma/contracts";
import { intlLocale } from "./i18n";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/**
 * "5 min ago" / "قبل 5 دقائق": the age of a timestamp in the UI language,
 * rounded to its largest whole unit.
 */
export function formatRelative(
  iso: string,
  language: Language,
  now: number = Date.now(),
  style: Intl.RelativeTimeFormatStyle = "short",
): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(intlLocale(language), { numeric: "auto", style });
  const abs = Math.abs(seconds);
  for (const [unit, size] of UNITS) {
    if (abs >= size) return rtf.format(Math.trunc(seconds / size), unit);
  }
  return rtf.format(0, "second");
}

/** A full local date and time, for tooltips and the audit log. */
export function formatDateTime(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
}

/** A number in the UI language's digits. */
export function formatNumber(value: number, language: Language): string {
  return new Intl.NumberFormat(intlLocale(language)).format(value);
}

/**
 * Wraps a value (a name, an email, a subject) in Unicode isolates before it
 * goes into a translated sentence, so Arabic in an English sentence, or an
 * email in an Arabic one, keeps its own direction and its neighbours' order.
 */
export function isolate(value: string): string {
  return `\u2068${value}\u2069`;
}
