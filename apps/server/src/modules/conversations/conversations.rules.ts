import type { ConversationStatus, Language } from "@khidma/contracts";
import { AppError } from "../../platform/errors";

/** Statuses that still need work; inbox counts and views count these. */
export const UNSOLVED_STATUSES = [
  "new",
  "open",
  "pending",
  "on_hold",
] as const satisfies ConversationStatus[];

/** A conversation carries at most this many tags. */
export const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 50;
const PREVIEW_LENGTH = 140;

const ARABIC_LETTER =
  /[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFC]/;

/** "ar" when the text holds Arabic letters, otherwise "en". */
export function detectLanguage(...parts: string[]): Language {
  return parts.some((p) => ARABIC_LETTER.test(p)) ? "ar" : "en";
}

/** One tag as stored: trimmed, inner spaces collapsed, Latin lower-cased. */
export function normalizeTag(raw: string): string {
  const tag = raw.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
    throw new AppError("validation_failed", { detail: "validation.tag_invalid" });
  }
  return tag;
}

/** Normalised, de-duplicated tags in their first order; 400 past MAX_TAGS. */
export function normalizeTags(raw: readonly string[]): string[] {
  const tags = [...new Set(raw.map(normalizeTag))];
  if (tags.length > MAX_TAGS) throw new AppError("validation_failed", { detail: "validation.too_many_tags" });
  return tags;
}

/** The first characters of a message on one line, for inbox rows. */
export function previewOf(body: string): string {
  // Reads only as far as the preview needs: bodies can be megabytes long.
  const chars: string[] = [];
  let space = false;
  for (const ch of body) {
    if (/\s/.test(ch)) {
      space = chars.length > 0;
      continue;
    }
    if (space) chars.push(" ");
    space = false;
    chars.push(ch);
    if (chars.length > PREVIEW_LENGTH) break;
  }
  return chars.length <= PREVIEW_LENGTH ? chars.join("") : `${chars.slice(0, PREVIEW_LENGTH - 1).join("")}…`;
}

/**
 * When a conversation counts as solved: set on entering solved or closed
 * (kept if it was already set), cleared when it is worked again.
 */
export function solvedAtAfter(status: string, current: Date | null, now: Date): Date | null {
  if (status === "solved" || status === "closed") return current ?? now;
  return null;
}

const MARKUP = /@\[([^\]\n]{1,200})\]\(user:(\d{1,15})\)/g;
// A handle starts after a non-word character, so addresses like a@b.com do not count.
const HANDLE = /(^|[^\p{L}\p{N}_.+\-@])@([\p{L}\p{N}][\p{L}\p{N}._%+-]{0,63})/gu;

/** The user ids and email local parts a note mentions, in their order of first appearance. */
export function parseMentions(body: string): { ids: number[]; localParts: string[] } {
  const ids: number[] = [];
  for (const m of body.matchAll(MARKUP)) {
    const id = Number(m[2]);
    if (Number.isSafeInteger(id) && id > 0 && !ids.includes(id)) ids.push(id);
  }
  const rest = body.replace(MARKUP, " ");
  const localParts: string[] = [];
  for (const m of rest.matchAll(HANDLE)) {
    const handle = (m[2] ?? "").replace(/[._%+-]+$/, "").toLowerCase();
    if (handle && !localParts.includes(handle)) localParts.push(handle);
  }
  return { ids, localParts };
}
