/** Business hours of a widget: open intervals per weekday in a time zone. */
export interface BusinessHours {
  timezone: string;
  /** day 0 is Sunday; open and close are "HH:MM", close after open. */
  days: { day: number; open: string; close: string }[];
}

/** What the pre-chat form asks for: each field off, optional or required. */
export interface PrechatConfig {
  name: FieldRule;
  email: FieldRule;
  phone: FieldRule;
}
export type FieldRule = "off" | "optional" | "required";

/** Pre-chat form of a new widget: a name, optional; nothing else. */
export const DEFAULT_PRECHAT: PrechatConfig = { name: "optional", email: "off", phone: "off" };

/** Whether a time zone name is known to this runtime's Intl. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/**
 * Whether the widget is within its business hours at `at`. No hours at all
 * means always open; an unknown zone counts as open rather than hiding chat.
 */
export function isOpenAt(hours: BusinessHours | null, at: Date): boolean {
  if (!hours || hours.days.length === 0) return true;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone: hours.timezone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(at);
  } catch {
    return true;
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = WEEKDAYS[get("weekday")] ?? -1;
  const minute = Number(get("hour")) * 60 + Number(get("minute"));
  return hours.days.some((d) => d.day === day && toMinutes(d.open) <= minute && minute < toMinutes(d.close));
}

/** "HH:MM" as minutes after midnight. */
export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** An origin as browsers send it: scheme://host[:port], lower case, no path. */
export function normalizeOrigin(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  const wildcard = /^(https?):\/\/\*\.([a-z0-9.-]+)(:\d{1,5})?$/.exec(value);
  if (wildcard) return value;
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (url.pathname !== "/" || url.search || url.hash || url.username) return null;
    if (value.endsWith("/")) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Whether a page's Origin may use the widget. An empty allow-list admits any
 * origin (a widget just created works at once); `https://*.example.com`
 * admits the subdomains of example.com.
 */
export function originAllowed(allowed: string[], origin: string | undefined): boolean {
  if (allowed.length === 0) return true;
  if (!origin) return false;
  const value = origin.toLowerCase();
  return allowed.some((rule) => {
    if (rule === value) return true;
    const wildcard = /^(https?):\/\/\*\.([a-z0-9.-]+)(:\d{1,5})?$/.exec(rule);
    if (!wildcard) return false;
    const [, scheme, domain, port] = wildcard;
    const match = /^(https?):\/\/([a-z0-9.-]+)(:\d{1,5})?$/.exec(value);
    return (
      !!match &&
      match[1] === scheme &&
      (match[3] ?? "") === (port ?? "") &&
      match[2]?.endsWith(`.${domain}`) === true
    );
  });
}

/** The script tag a site pastes to embed the widget. */
export function embedSnippet(baseUrl: string, key: string): string {
  return `<script src="${baseUrl.replace(/\/$/, "")}/widget.js" data-khidma="${key}" async></script>`;
}
