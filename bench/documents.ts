import { createHash } from "node:crypto";
import { previewOf } from "../apps/server/src/modules/conversations/conversations.rules";
import { conversationSearch } from "../apps/server/src/modules/conversations/conversations.service";
import { searchDocument } from "../apps/server/src/platform/text";

/**
 * The search documents and previews the application stores for each kind of
 * row, computed by the server's own functions, so seeded rows are the rows
 * the application would have written.
 */

/** A message is searched by its body. */
export function messageDocument(body: string): { text: string; terms: string } {
  return searchDocument(body);
}

/** A conversation is searched by its subject (as the conversations service does). */
export function conversationDocument(subject: string): { text: string; terms: string } {
  return conversationSearch(subject);
}

/** A contact is searched by name, emails, phones and company (as the contacts service does). */
export function contactDocument(
  name: string,
  emails: string[],
  phones: string[],
  company: string | null = null,
): { text: string; terms: string } {
  return searchDocument(name, emails.join(" "), phones.join(" "), company);
}

/** The inbox preview of a conversation from its message. */
export function inboxPreview(body: string): string {
  return previewOf(body);
}

/**
 * A short fingerprint of how text is folded and previewed today. The seeded
 * database records it, so a change to the folding makes the next run reseed
 * instead of measuring against stale search columns.
 */
export function documentsFingerprint(): string {
  const probes = [
    "أَحمد العلي ahmad.alali123@example.com +966500000123",
    "ما زلت أنتظر بطاقتي؟ ٣٤٥ Refunds for 1 234 cards; «الاسترجاع» بالبطاقة",
    "What can I do if my card still hasn't arrived after 2 weeks?",
  ];
  const out = probes.map((p) => [
    messageDocument(p),
    conversationDocument(p),
    contactDocument(p, [p], [p]),
    inboxPreview(p),
  ]);
  return createHash("sha256").update(JSON.stringify(out)).digest("hex").slice(0, 8);
}
