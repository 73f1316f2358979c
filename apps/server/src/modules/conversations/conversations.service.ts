import {
  type AuditEvent,
  type Channel,
  CONVERSATION_STATUSES,
  type ConversationCounts,
  type ConversationDetail,
  type ConversationStatus,
  type ConversationSummary,
  type ConversationType,
  type Language,
  type Page,
  type Priority,
} from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import type { Actor } from "../../platform/events";
import { decodeCursor, encodeCursor, PAGE_DEFAULT } from "../../platform/pagination";
import { conversationChanged, messageCreated, publishAfterCommit } from "../../platform/realtime-publish";
import { searchDocument } from "../../platform/text";
import {
  contactIdentity,
  findOrCreateContact,
  getContact,
  newContact,
  presentContactJson,
} from "../contacts/contacts.service";
import { liveMessage, liveSummary } from "../realtime/live-shape";
import { routeNewConversation } from "../routing/routing.service";
import { takeConversationNumber as takeNumber } from "./conversation-numbers";
import { presentDetail, presentEvent, presentMessage, presentSummary } from "./conversations.presenter";
import {
  type ConversationFilters,
  countStatusUpTo,
  countUnsolved,
  findConversation,
  insertConversationWithMessage,
  listConversationRows,
  type NewConversation,
  type StoredConversation,
  subjectEvents,
} from "./conversations.repo";
import {
  detectLanguage,
  normalizeTag,
  normalizeTags,
  previewOf,
  UNSOLVED_STATUSES,
} from "./conversations.rules";
import { CreationBatches } from "./creation-batches";

/** What a new conversation is made of: the customer's first message and who they are. */
export interface CreateConversationInput {
  subject: string;
  contact: { name: string; email?: string | undefined; phone?: string | undefined };
  body: string;
  priority?: Priority | undefined;
  type?: ConversationType | null | undefined;
  language?: Language | undefined;
  tags?: string[] | undefined;
  channel?: Channel | undefined;
}

/** The searchable text of a conversation row. */
export function conversationSearch(subject: string) {
  return searchDocument(subject);
}

/** Loads a conversation with its contact; 404 when it is not in the account. */
export async function getConversation(
  db: Executor,
  accountId: number,
  id: number,
): Promise<ConversationDetail> {
  const row = await findConversation(db, accountId, id);
  if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
  return presentDetail(row, await getContact(db, accountId, row.contact_id));
}

const UNIQUE_VIOLATION = "23505";

// The creation batches of each database (see creation-batches.ts). On
// PostgreSQL, half the pool's connections may be creating at once; the rest
// serve everything else. PGlite runs one statement at a time.
const batchesOf = new WeakMap<object, CreationBatches>();

function creationBatches(ctx: AppContext): CreationBatches {
  let batches = batchesOf.get(ctx.db);
  if (!batches) {
    const concurrency =
      ctx.dbKind === "pglite" ? 1 : Math.max(1, Math.floor(ctx.config.databasePoolSize / 2));
    batches = new CreationBatches(ctx.db, concurrency);
    batchesOf.set(ctx.db, batches);
  }
  return batches;
}

// Customers (account, email, phone) whose conversation this process stored
// recently, least recent first. Only a choice of statement depends on it: a
// stale entry costs one statement more, never a wrong contact.
const knownCustomers = new Set<string>();
const KNOWN_CUSTOMERS_MAX = 20_000;

function rememberCustomer(key: string): void {
  knownCustomers.delete(key);
  knownCustomers.add(key);
  if (knownCustomers.size > KNOWN_CUSTOMERS_MAX) {
    const oldest = knownCustomers.values().next();
    if (!oldest.done) knownCustomers.delete(oldest.value);
  }
}

/**
 * Opens a conversation from a customer's first message: finds the contact by
 * email or phone or creates it, numbers the conversation per account and
 * stores the inbound message, atomically, in one statement; on a busy
 * server, one statement with the other conversations that wait to be
 * stored (creation-batches.ts).
 */
export async function createConversation(
  ctx: AppContext,
  actor: Actor,
  input: CreateConversationInput,
): Promise<ConversationDetail> {
  const subject = input.subject.trim();
  const body = input.body.trim();
  const tags = normalizeTags(input.tags ?? []);
  const language = input.language ?? detectLanguage(subject, body);
  if (!subject || !body) throw new AppError("validation_failed", { detail: "validation.blank" });
  // The number is taken apart from the creating statement (usually from a
  // block this process reserved): holding the account row's lock until the
  // conversation commits would let only one conversation per account be
  // created at a time. A creation that then fails leaves a gap in the
  // numbers, as a database sequence would. A returning customer is found by
  // the creating statement itself, so their conversation is one statement.
  const number = await takeNumber(ctx.db, actor.accountId);
  const at = ctx.clock.now();
  const values = {
    number,
    subject,
    priority: input.priority ?? "normal",
    type: input.type ?? null,
    channel: input.channel ?? "api",
    language,
    tags,
  };
  const unstored = {
    ...values,
    preview: previewOf(body),
    search: conversationSearch(subject),
    at,
    message: { kind: "inbound", body, authorUserId: null, search: searchDocument(body) },
    actor: { userId: actor.userId, tokenId: actor.tokenId ?? null },
    createdAfter: { ...values, status: "new" },
  };
  const conversation = (contact: NewConversation["contact"]): NewConversation => ({ ...unstored, contact });
  const batches = creationBatches(ctx);
  const store = (contact: NewConversation["contact"]) =>
    batches.store(actor.accountId, conversation(contact));
  // The customer is found by their email or phone, or created with their
  // identifiers and event, by the statement that stores the conversation. A
  // customer this process has seen recently is only looked up, which is the cheaper
  // statement; when the lookup finds no one after all (the contact was
  // deleted), the creating statement runs. When another request stores the
  // same email or phone at that moment, that statement fails whole and the
  // transaction below finds the other request's contact.
  const identity = contactIdentity(input.contact);
  const customerKey = `${actor.accountId} ${identity.email ?? ""} ${identity.phone ?? ""}`;
  let stored: StoredConversation | null = knownCustomers.has(customerKey) ? await store(identity) : null;
  if (!stored?.row) {
    stored = await store({
      ...identity,
      orCreate: newContact(input.contact, identity, language, at),
    }).catch((err: unknown) => {
      if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) return null;
      throw err;
    });
  }
  rememberCustomer(customerKey);
  let contact = stored?.contact ? presentContactJson(stored.contact) : null;
  if (!stored?.row) {
    ({ stored, contact } = await ctx.db.transaction().execute(async (tx) => {
      const { contact } = await findOrCreateContact(tx, actor, at, { ...input.contact, language });
      const stored = await insertConversationWithMessage(
        tx,
        actor.accountId,
        conversation({ id: contact.id }),
      );
      return { stored, contact };
    }));
  }
  if (stored.row === null || !contact) throw new AppError("internal");
  const detail = presentDetail({ ...stored.row, contact_name: contact.name }, contact);
  const messageId = stored.messageId;
  // Committed either way (one statement, or the transaction above): announce it.
  // The first message as the messages route reads it back, without reading it back.
  const message = presentMessage({
    id: messageId,
    conversation_id: detail.id,
    kind: "inbound",
    body,
    author_user_id: null,
    author_contact_id: contact.id,
    author_name: contact.name,
    mentions: [],
    created_at: at,
    seq: 1,
    client_id: null,
  });
  const { contactDetail: _contact, ...summary } = detail;
  publishAfterCommit(ctx, [
    conversationChanged(actor.accountId, liveSummary(summary), "conversation.created"),
    messageCreated(actor.accountId, detail.id, liveMessage(message)),
  ]);
  // Automatic assignment runs once the conversation is committed, in its own
  // transaction, so a routing failure never loses the customer's message.
  return (await routeNewConversation(ctx, actor.accountId, detail.id, stored.autoAssign)) ?? detail;
}

/** A conversation row locked for update in the caller's transaction (automatic assignment); null when absent. */
export async function lockConversationRow(tx: Executor, accountId: number, id: number) {
  return findConversation(tx, accountId, id, { forUpdate: true });
}

/**
 * The account's next conversation number, for a channel that opens
 * conversations itself. Call it outside any transaction (see
 * conversation-numbers.ts).
 */
export function takeConversationNumber(ctx: AppContext, accountId: number): Promise<number> {
  return takeNumber(ctx.db, accountId);
}

/** Query of the inbox list. */
export interface ListConversationsInput {
  view?: "mine" | "unassigned" | "all" | undefined;
  status?: ConversationStatus | undefined;
  assigneeId?: number | undefined;
  teamId?: number | undefined;
  tag?: string | undefined;
  contactId?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

const EMPTY_PAGE: Page<ConversationSummary> = { items: [], nextCursor: null };

/** A page of the inbox, newest activity first; views and filters combine. */
export async function listConversations(
  ctx: AppContext,
  actor: Actor,
  query: ListConversationsInput,
): Promise<Page<ConversationSummary>> {
  const limit = query.limit ?? PAGE_DEFAULT;
  let after: { at: Date; id: number } | null = null;
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, ["t", "n"]) as [string, number];
    after = { at: new Date(at), id };
  }
  const filters: ConversationFilters = {};
  if (query.assigneeId !== undefined) filters.assigneeId = query.assigneeId;
  if (query.view === "mine") {
    if (actor.userId === null) throw new AppError("forbidden");
    // "Mine" together with another assignee, or "unassigned" with any, matches nothing.
    if (query.assigneeId !== undefined && query.assigneeId !== actor.userId) return EMPTY_PAGE;
    filters.assigneeId = actor.userId;
  }
  if (query.view === "unassigned") {
    if (query.assigneeId !== undefined) return EMPTY_PAGE;
    filters.assigneeId = null;
  }
  if (query.status !== undefined) filters.status = query.status;
  if (query.teamId !== undefined) filters.teamId = query.teamId;
  if (query.contactId !== undefined) filters.contactId = query.contactId;
  if (query.tag !== undefined) filters.tag = normalizeTag(query.tag);
  const rows = await listConversationRows(ctx.db, actor.accountId, filters, { after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(presentSummary),
    nextCursor:
      rows.length > limit && last ? encodeCursor([last.last_message_at.toISOString(), last.id]) : null,
  };
}

/** The conversations of one contact, newest activity first; 404 for a contact not in the account. */
export async function listContactConversations(
  ctx: AppContext,
  actor: Actor,
  contactId: number,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<ConversationSummary>> {
  await getContact(ctx.db, actor.accountId, contactId);
  return listConversations(ctx, actor, { ...query, contactId });
}

/** Solved and closed conversations are counted up to this many. */
export const COUNT_CAP = 10_000;

/**
 * Inbox badge numbers: unsolved conversations that are mine, unassigned and
 * all, and every status. Unsolved statuses are exact; solved and closed are
 * counted up to COUNT_CAP (a value equal to `cap` means at least that many).
 */
export async function conversationCounts(
  ctx: AppContext,
  actor: Actor & { userId: number },
): Promise<ConversationCounts> {
  const unsolved = await countUnsolved(ctx.db, actor.accountId, actor.userId, UNSOLVED_STATUSES);
  const byStatus = Object.fromEntries(CONVERSATION_STATUSES.map((s) => [s, 0])) as Record<
    ConversationStatus,
    number
  >;
  let mine = 0;
  let unassigned = 0;
  for (const row of unsolved) {
    byStatus[row.status as ConversationStatus] = row.all;
    mine += row.mine;
    unassigned += row.unassigned;
  }
  for (const status of ["solved", "closed"] as const) {
    byStatus[status] = await countStatusUpTo(ctx.db, actor.accountId, status, COUNT_CAP);
  }
  const all = UNSOLVED_STATUSES.reduce((sum, s) => sum + byStatus[s], 0);
  return { mine, unassigned, all, byStatus, cap: COUNT_CAP };
}

/** The timeline of a conversation: its events oldest first, with the actors' names. */
export async function conversationEvents(
  ctx: AppContext,
  actor: Actor,
  id: number,
): Promise<{ items: AuditEvent[] }> {
  const row = await findConversation(ctx.db, actor.accountId, id);
  if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
  const rows = await subjectEvents(ctx.db, actor.accountId, "conversation", id, 500);
  return { items: rows.map(presentEvent) };
}
