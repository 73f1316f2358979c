import { randomBytes } from "node:crypto";
import { detectLanguage } from "../conversations/conversations.rules";

/** What an outgoing email is made of, before it is handed to SMTP. */
export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
  inReplyTo: string | null;
  references: string[];
  language: "ar" | "en";
}

// Subject prefixes of replies and forwards in the languages customers write in,
// so "Re: RE: رد: Order" does not grow with every round trip.
const PREFIX = /^\s*((re|aw|sv|fw|fwd|tr|رد|ر|إعادة توجيه)\s*(\[\d+\])?\s*[:：]\s*)+/iu;
const NUMBER_TAG = /\s*\[#\d+\]\s*/g;

/** "Re: <subject> [#number]", with earlier reply prefixes and number tags removed. */
export function replySubject(subject: string, number: number): string {
  let base = subject.replace(NUMBER_TAG, " ");
  base = base.replace(PREFIX, "").replace(/\s+/g, " ").trim();
  return `Re: ${base ? `${base} ` : ""}[#${number}]`;
}

/** A new Message-ID (without angle brackets) on the inbox's domain. */
export function newMessageId(address: string, accountId: number, messageId: number): string {
  const domain = address.split("@")[1] || "khidma.local";
  return `khidma.${accountId}.${messageId}.${randomBytes(6).toString("hex")}@${domain}`;
}

/** An earlier message of the thread that carries a Message-ID. */
export interface ThreadMessage {
  kind: string;
  emailMessageId: string;
  references: string[];
}

// Long threads would make References grow without bound; RFC 5322 lets a
// writer drop middle entries as long as the first one (the root) is kept.
const MAX_REFERENCES = 20;

/**
 * In-Reply-To and References for a reply: the parent is the customer's latest
 * email (or, failing that, the latest email of the thread), and References is
 * the parent's References followed by the parent's id.
 */
export function threadHeaders(thread: ThreadMessage[]): { inReplyTo: string | null; references: string[] } {
  const parent = thread.findLast((m) => m.kind === "inbound") ?? thread.at(-1);
  if (!parent) return { inReplyTo: null, references: [] };
  const chain = parent.references.length ? parent.references : thread.map((m) => m.emailMessageId);
  const refs = [...new Set([...chain.filter((id) => id !== parent.emailMessageId), parent.emailMessageId])];
  const kept =
    refs.length > MAX_REFERENCES ? [refs[0] as string, ...refs.slice(-(MAX_REFERENCES - 1))] : refs;
  return { inReplyTo: parent.emailMessageId, references: kept };
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 1em">${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

/**
 * The text and HTML parts of a reply. Arabic replies are right-to-left: the
 * HTML carries dir="rtl" lang="ar" on the document and on the body's block,
 * so mail clients that drop <html> attributes still lay it out right. The
 * signature follows the standard "-- " separator and takes its own direction.
 */
export function composeReply(input: {
  body: string;
  subject: string;
  number: number;
  signature: string | null;
  language?: "ar" | "en" | null;
  thread: ThreadMessage[];
}): ComposedEmail {
  const language = detectLanguage(input.body) === "ar" ? "ar" : (input.language ?? "en");
  const dir = language === "ar" ? "rtl" : "ltr";
  const align = dir === "rtl" ? "right" : "left";
  const signature = input.signature?.trim() || null;
  const text = signature ? `${input.body.trim()}\n\n-- \n${signature}\n` : `${input.body.trim()}\n`;
  const signatureHtml = signature
    ? `\n<div dir="auto" style="margin-top:1.5em;color:#555">-- <br>${escapeHtml(signature).replace(/\n/g, "<br>")}</div>`
    : "";
  const html =
    `<!doctype html>\n<html dir="${dir}" lang="${language}"><head><meta charset="utf-8"></head>\n` +
    `<body dir="${dir}" lang="${language}">\n` +
    `<div dir="${dir}" lang="${language}" style="direction:${dir};text-align:${align};font-family:Tahoma,Arial,sans-serif;font-size:14px;line-height:1.6">\n` +
    `${paragraphs(input.body)}${signatureHtml}\n</div>\n</body></html>\n`;
  return {
    subject: replySubject(input.subject, input.number),
    text,
    html,
    ...threadHeaders(input.thread),
    language,
  };
}
