import { sql } from "kysely";
import type { Executor } from "../../platform/db";

/** A message row with its author's name. */
export interface MessageRow {
  id: number;
  conversation_id: number;
  kind: string;
  body: string;
  author_user_id: number | null;
  author_contact_id: number | null;
  author_name: string | null;
  mentions: number[];
  created_at: Date;
  /** Outgoing email only; other readers of messages may leave them out. */
  delivery_state?: string | null;
  delivery_error?: string | null;
  delivered_at?: Date | null;
  /** Email only: sanitised HTML, the quoted history cut from the reply, the envelope. */
  html?: string | null;
  quoted_text?: string | null;
  quoted_html?: string | null;
  email_message_id?: string | null;
  email_in_reply_to?: string | null;
  email_meta?: unknown;
  seq: number;
  client_id: string | null;
}

/**
 * Inserts a message and returns its id. It takes the conversation's next
 * sequence number in the same transaction (the counter's row lock orders
 * concurrent writers), so every message, notes included, gets one.
 */
export async function insertMessage(
  db: Executor,
  accountId: number,
  values: {
    conversationId: number;
    kind: string;
    body: string;
    authorUserId: number | null;
    authorContactId: number | null;
    mentions: number[];
    search: { text: string; terms: string };
    at: Date;
    clientId?: string | null | undefined;
  },
): Promise<number> {
  const counter = await db
    .updateTable("conversations")
    .set((eb) => ({ last_seq: eb("last_seq", "+", 1) }))
    .where("account_id", "=", accountId)
    .where("id", "=", values.conversationId)
    .returning("last_seq")
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto("messages")
    .values({
      account_id: accountId,
      conversation_id: values.conversationId,
      kind: values.kind,
      body: values.body,
      author_user_id: values.authorUserId,
      author_contact_id: values.authorContactId,
      mentions: values.mentions,
      search_text: values.search.text,
      search_tsv: sql<string>`to_tsvector('simple', ${values.search.terms})`,
      created_at: values.at,
      seq: counter.last_seq,
      client_id: values.clientId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The select of messages with their authors' names, scoped to the account. */
export function selectMessages(db: Executor, accountId: number) {
  return db
    .selectFrom("messages as m")
    .leftJoin("users as u", (j) =>
      j.onRef("u.account_id", "=", "m.account_id").onRef("u.id", "=", "m.author_user_id"),
    )
    .leftJoin("contacts as ct", (j) =>
      j.onRef("ct.account_id", "=", "m.account_id").onRef("ct.id", "=", "m.author_contact_id"),
    )
    .select((eb) => [
      "m.id",
      "m.conversation_id",
      "m.kind",
      "m.body",
      "m.author_user_id",
      "m.author_contact_id",
      eb.fn.coalesce("u.name", "ct.name").as("author_name"),
      "m.mentions",
      "m.created_at",
      "m.delivery_state",
      "m.delivery_error",
      "m.delivered_at",
      "m.html",
      "m.quoted_text",
      "m.quoted_html",
      "m.email_message_id",
      "m.email_in_reply_to",
      "m.email_meta",
      "m.seq",
      "m.client_id",
    ])
    .where("m.account_id", "=", accountId);
}

/** One message by id. */
export async function findMessage(db: Executor, accountId: number, id: number): Promise<MessageRow> {
  return selectMessages(db, accountId).where("m.id", "=", id).executeTakeFirstOrThrow();
}

/** Messages of a conversation, oldest first, after the keyset position `afterId`. */
export async function listMessageRows(
  db: Executor,
  accountId: number,
  conversationId: number,
  opts: { afterId: number | null; limit: number },
): Promise<MessageRow[]> {
  let q = selectMessages(db, accountId).where("m.conversation_id", "=", conversationId);
  if (opts.afterId !== null) q = q.where("m.id", ">", opts.afterId);
  return q.orderBy("m.id").limit(opts.limit).execute();
}

/**
 * Active users of the account named by a mention: by id (composer markup) or
 * by the part of their email before the @.
 */
export async function mentionableUsers(
  db: Executor,
  accountId: number,
  ids: number[],
  localParts: string[],
): Promise<{ id: number; local_part: string }[]> {
  if (ids.length === 0 && localParts.length === 0) return [];
  const localPart = sql<string>`split_part(lower(email), '@', 1)`;
  return db
    .selectFrom("users")
    .select(["id", localPart.as("local_part")])
    .where("account_id", "=", accountId)
    .where("disabled_at", "is", null)
    .where((eb) => {
      const ors = [];
      if (ids.length > 0) ors.push(eb("id", "in", ids));
      if (localParts.length > 0) ors.push(eb(localPart, "in", localParts));
      return eb.or(ors);
    })
    .orderBy("id")
    .execute();
}
