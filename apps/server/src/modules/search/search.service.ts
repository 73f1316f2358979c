import type {
  Channel,
  Contact,
  ConversationStatus,
  ConversationSummary,
  ConversationType,
  Language,
  Priority,
  SearchResults,
} from "@khidma/contracts";
import type { AppContext } from "../../app";
import { AppError } from "../../platform/errors";
import { highlightSnippet, normalizeText, type SearchQuery, searchQuery } from "../../platform/text";
import {
  type ContactHitRow,
  type ConversationHitRow,
  contactIdentifiers,
  type IdentifierRow,
  type SearchFilter,
  searchContactRows,
  searchConversationRows,
} from "./search.repo";
import { SEARCH_LIMIT_DEFAULT, type SearchType } from "./search.schemas";

/** A search as the route passes it. */
export interface SearchInput {
  q: string;
  type?: SearchType | undefined;
  limit?: number | undefined;
}

function presentConversation(
  row: ConversationHitRow,
  query: SearchQuery,
): SearchResults["conversations"][number] {
  const summary: ConversationSummary = {
    id: row.id,
    number: row.number,
    subject: row.subject,
    status: row.status as ConversationStatus,
    priority: row.priority as Priority,
    type: row.type as ConversationType | null,
    channel: row.channel as Channel,
    language: row.language as Language | null,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    tags: row.tags,
    contact: { id: row.contact_id, name: row.contact_name },
    preview: row.preview,
    lastMessageAt: row.last_message_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  return { ...summary, highlight: highlightSnippet(row.matched_text, query) || null };
}

function presentContact(row: ContactHitRow, identifiers: IdentifierRow[]): Contact {
  const mine = identifiers.filter((i) => i.contact_id === row.id);
  return {
    id: row.id,
    name: row.name,
    emails: mine.filter((i) => i.kind === "email").map((i) => i.value),
    phones: mine.filter((i) => i.kind === "phone").map((i) => i.value),
    language: row.language as Language | null,
    company: row.company,
    attributes: (row.attributes ?? {}) as Record<string, unknown>,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Searches the account's conversations (subjects and every message, internal
 * notes included) and contacts. Arabic and English are folded and stemmed the
 * same way the documents were, so «الاسترجاع» finds «بالاسترجاع» and
 * "refunds" finds "refund"; the last word also matches as the start of a
 * longer word, and parts of words, emails and phone numbers as substrings.
 * Whole-word matches come first, then by relevance and recency. 400 when the
 * query has nothing but blanks.
 */
export async function search(ctx: AppContext, accountId: number, input: SearchInput): Promise<SearchResults> {
  if (normalizeText(input.q) === "") {
    throw new AppError("validation_failed", { detail: "validation.search_blank" });
  }
  const type = input.type ?? "all";
  const limit = input.limit ?? SEARCH_LIMIT_DEFAULT;
  const query = searchQuery(input.q);
  const now = ctx.clock.now();
  const filter: SearchFilter = {
    words: query.tsquery,
    prefix: query.prefixTsquery,
    fragments: query.fragments,
  };
  // Only punctuation or symbols: nothing a document is indexed under.
  if (!filter.words && !filter.prefix && filter.fragments.length === 0) {
    return { conversations: [], contacts: [] };
  }

  const [conversationRows, contactRows] = await Promise.all([
    type === "contacts" ? [] : searchConversationRows(ctx.db, accountId, filter, { limit, now }),
    type === "conversations" ? [] : searchContactRows(ctx.db, accountId, filter, { limit }),
  ]);
  const identifiers = await contactIdentifiers(
    ctx.db,
    accountId,
    contactRows.map((c) => c.id),
  );
  return {
    conversations: conversationRows.map((row) => presentConversation(row, query)),
    contacts: contactRows.map((row) => presentContact(row, identifiers)),
  };
}
