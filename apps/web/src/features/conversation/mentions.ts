/** `@[Display Name](user:ID)`: the markup the composer inserts for a mention. */
export const MENTION_PATTERN = /@\[([^\]\n]{1,200})\]\(user:(\d+)\)/g;

/** A piece of message text: plain text or a mention. */
export type MentionPart = { kind: "text"; text: string } | { kind: "mention"; name: string; userId: number };

/** Splits text into plain parts and mentions. */
export function splitMentions(text: string): MentionPart[] {
  const parts: MentionPart[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const index = match.index ?? 0;
    if (index > last) parts.push({ kind: "text", text: text.slice(last, index) });
    parts.push({ kind: "mention", name: match[1] ?? "", userId: Number(match[2]) });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}

/** Text with each mention shown as "@Name" (for previews and notifications). */
export function plainMentions(text: string): string {
  return text.replace(MENTION_PATTERN, (_all, name: string) => `@${name}`);
}

/** The markup for mentioning a user; brackets in names are dropped so the markup stays parseable. */
export function mentionMarkup(name: string, userId: number): string {
  const safe =
    name
      .replace(/[[\]()]/g, " ")
      .replace(/\s+/g, " ")
      .trim() || `user ${userId}`;
  return `@[${safe}](user:${userId})`;
}

/**
 * The "@query" being typed just before the caret, if any: an "@" at the start
 * or after whitespace, followed by no whitespace.
 */
export function activeMentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(before);
  if (!match) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query };
}
