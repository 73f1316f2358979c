import { sql } from "kysely";
import type { Executor } from "../../platform/db";

/** The conversation an email belongs to, as threading finds it. */
export interface ThreadRow {
  id: number;
  contact_id: number;
  status: string;
  message_count: number;
}

const threadColumns = ["c.id", "c.contact_id", "c.status", "c.message_count"] as const;

/** Whether the account already holds a message with this Message-ID (either direction). */
export async function emailMessageExists(
  db: Executor,
  accountId: number,
  messageId: string,
): Promise<number | null> {
  const row = await db
    .selectFrom("messages")
    .select(["id", "conversation_id"])
    .where("account_id", "=", accountId)
    .where("email_message_id", "=", messageId)
    .executeTakeFirst();
  return row ? row.conversation_id : null;
}

/** The conversation of the newest message whose Message-ID is one of `ids`. */
export async function threadByMessageIds(
  db: Executor,
  accountId: number,
  ids: string[],
): Promise<ThreadRow | undefined> {
  if (ids.length === 0) return undefined;
  return db
    .selectFrom("messages as m")
    .innerJoin("conversations as c", (j) =>
      j.onRef("c.account_id", "=", "m.account_id").onRef("c.id", "=", "m.conversation_id"),
    )
    .select(threadColumns)
    .where("m.account_id", "=", accountId)
    .where("m.email_message_id", "in", ids)
    .orderBy("m.id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** A conversation by its number in the account. */
export async function threadByNumber(
  db: Executor,
  accountId: number,
  number: number,
): Promise<ThreadRow | undefined> {
  return db
    .selectFrom("conversations as c")
    .select(threadColumns)
    .where("c.account_id", "=", accountId)
    .where("c.number", "=", number)
    .executeTakeFirst();
}

/** Locks a conversation for appending and returns its current state. */
export async function lockThread(
  db: Executor,
  accountId: number,
  id: number,
): Promise<ThreadRow | undefined> {
  return db
    .selectFrom("conversations as c")
    .select(threadColumns)
    .where("c.account_id", "=", accountId)
    .where("c.id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** Takes the account's next conversation number (its own short statement). */
export async function takeConversationNumber(db: Executor, accountId: number): Promise<number> {
  const row = await db
    .updateTable("accounts")
    .set((eb) => ({ conversation_seq: eb("conversation_seq", "+", 1) }))
    .where("id", "=", accountId)
    .returning("conversation_seq")
    .executeTakeFirstOrThrow();
  return row.conversation_seq;
}

/** Inserts an email conversation with no messages yet. */
export async function insertEmailConversation(
  db: Executor,
  accountId: number,
  v: {
    number: number;
    subject: string;
    language: string;
    contactId: number;
    inboxId: number;
    preview: string;
    search: { text: string; terms: string };
    at: Date;
  },
): Promise<number> {
  const row = await db
    .insertInto("conversations")
    .values({
      account_id: accountId,
      number: v.number,
      subject: v.subject,
      status: "new",
      priority: "normal",
      type: null,
      channel: "email",
      language: v.language,
      contact_id: v.contactId,
      assignee_id: null,
      team_id: null,
      tags: [],
      preview: v.preview,
      message_count: 0,
      last_message_at: v.at,
      solved_at: null,
      search_text: v.search.text,
      search_tsv: sql<string>`to_tsvector('simple', ${v.search.terms})`,
      created_at: v.at,
      updated_at: v.at,
      inbox_id: v.inboxId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The email columns of a message. */
export interface EmailMessageValues {
  conversationId: number;
  body: string;
  authorContactId: number | null;
  search: { text: string; terms: string };
  at: Date;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  meta: unknown;
  quotedText: string | null;
}

/**
 * Inserts an inbound email message with the conversation's next sequence
 * number; the counter update also locks the conversation row. A second
 * message with the same Message-ID fails on messages_email_id.
 */
export async function insertEmailMessage(
  db: Executor,
  accountId: number,
  v: EmailMessageValues,
): Promise<number> {
  const counter = await db
    .updateTable("conversations")
    .set((eb) => ({ last_seq: eb("last_seq", "+", 1) }))
    .where("account_id", "=", accountId)
    .where("id", "=", v.conversationId)
    .returning("last_seq")
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto("messages")
    .values({
      account_id: accountId,
      conversation_id: v.conversationId,
      kind: "inbound",
      body: v.body,
      author_user_id: null,
      author_contact_id: v.authorContactId,
      mentions: [],
      search_text: v.search.text,
      search_tsv: sql<string>`to_tsvector('simple', ${v.search.terms})`,
      created_at: v.at,
      seq: counter.last_seq,
      email_message_id: v.messageId,
      email_in_reply_to: v.inReplyTo,
      email_references: v.references,
      email_meta: JSON.stringify(v.meta),
      quoted_text: v.quotedText,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Sets the sanitised HTML of a message once its inline images have ids. */
export async function setMessageHtml(
  db: Executor,
  accountId: number,
  id: number,
  html: string | null,
  quotedHtml: string | null,
): Promise<void> {
  await db
    .updateTable("messages")
    .set({ html, quoted_html: quotedHtml })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}

/** Counts an inbound message on its conversation: preview, activity time, status. */
export async function touchThread(
  db: Executor,
  accountId: number,
  id: number,
  v: { messageCount: number; preview: string; at: Date; status?: string },
): Promise<void> {
  await db
    .updateTable("conversations")
    .set({
      message_count: v.messageCount,
      preview: v.preview,
      last_message_at: v.at,
      updated_at: v.at,
      ...(v.status ? { status: v.status, solved_at: null } : {}),
    })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}

/** An attachment row. */
export interface AttachmentRow {
  id: number;
  conversation_id: number;
  message_id: number | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  content_id: string | null;
  inline: boolean;
}

const attachmentColumns = [
  "id",
  "conversation_id",
  "message_id",
  "filename",
  "content_type",
  "size",
  "sha256",
  "storage_key",
  "content_id",
  "inline",
] as const;

/** Inserts the attachments of a message. */
export async function insertAttachmentRows(
  db: Executor,
  accountId: number,
  rows: Omit<AttachmentRow, "id">[],
  at: Date,
): Promise<AttachmentRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto("attachments")
    .values(rows.map((r) => ({ ...r, account_id: accountId, created_at: at })))
    .returning(attachmentColumns)
    .execute();
}

/** The attachments of some messages of the account, in id order. */
export async function attachmentRowsOf(
  db: Executor,
  accountId: number,
  messageIds: number[],
): Promise<AttachmentRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom("attachments")
    .select(attachmentColumns)
    .where("account_id", "=", accountId)
    .where("message_id", "in", messageIds)
    .orderBy("id")
    .execute();
}

/** One attachment of the account. */
export async function findAttachmentRow(
  db: Executor,
  accountId: number,
  id: number,
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom("attachments")
    .select(attachmentColumns)
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirst();
}
