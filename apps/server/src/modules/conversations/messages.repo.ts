import { sql } from "kysely";
import { type Executor, PREPARED } from "../../platform/db";
import type { ConversationRow } from "./conversations.repo";

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

/** Messages of a conversation, oldest first, after the sequence number `afterSeq` (messages_seq serves it). */
export async function listMessageRows(
  db: Executor,
  accountId: number,
  conversationId: number,
  opts: { afterSeq: number | null; limit: number },
): Promise<MessageRow[]> {
  let q = selectMessages(db, accountId).where("m.conversation_id", "=", conversationId);
  if (opts.afterSeq !== null) q = q.where("m.seq", ">", opts.afterSeq);
  return q.orderBy("m.seq").limit(opts.limit).execute();
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

/** What appendMessage returns: the conversation after the change, its status before, and the new message. */
export interface AppendedMessage {
  conversation: ConversationRow;
  statusBefore: string;
  message: MessageRow;
}

/**
 * An agent's reply or note in ONE statement (data-modifying CTEs): locks the
 * conversation, takes its next sequence number, stores the message, updates
 * the counters (and, for a reply, the preview and a new conversation's status)
 * and writes the message.created event, plus conversation.updated when the
 * status changed. Returns undefined when the conversation is not in the account
 * (or, with `unlessEmailReply`, this is a reply and the conversation has an inbox).
 */
export async function appendMessage(
  db: Executor,
  accountId: number,
  values: {
    conversationId: number;
    kind: "reply" | "note";
    body: string;
    preview: string;
    authorUserId: number | null;
    tokenId: number | null;
    mentions: number[];
    search: { text: string; terms: string };
    at: Date;
    /** Find nothing (and change nothing) when this is a reply that may go out by email (the conversation has an inbox). */
    unlessEmailReply?: boolean;
  },
): Promise<AppendedMessage | undefined> {
  const reply = values.kind === "reply";
  const { rows } = await sql<
    AppendedMessage["conversation"] & {
      status_before: string;
      m_id: number;
      m_seq: number;
      m_created_at: Date;
      author_name: string | null;
    }
  >`${sql.raw(PREPARED)}with old as (
      select id, status from conversations
       where account_id = ${accountId} and id = ${values.conversationId}
         and not (${values.unlessEmailReply === true && reply} and (channel = 'email' or inbox_id is not null))
       for update
    ),
    c as (
      update conversations cv
         set last_seq = cv.last_seq + 1,
             message_count = cv.message_count + 1,
             updated_at = ${values.at}::timestamptz,
             preview = case when ${reply} then ${values.preview}::text else cv.preview end,
             last_message_at = case when ${reply} then ${values.at}::timestamptz else cv.last_message_at end,
             status = case when ${reply} and old.status = 'new' then 'open' else cv.status end,
             solved_at = case when ${reply} and old.status = 'new' then null else cv.solved_at end
        from old
       where cv.account_id = ${accountId} and cv.id = old.id
      returning cv.*, old.status as status_before
    ),
    m as (
      insert into messages (account_id, conversation_id, kind, body, author_user_id, author_contact_id,
                            mentions, search_text, search_tsv, created_at, seq)
      select ${accountId}::int8, c.id, ${values.kind}::text, ${values.body}::text, ${values.authorUserId}::int8, null::int8,
             ${values.mentions}::int8[], ${values.search.text}::text, to_tsvector('simple', ${values.search.terms}::text),
             ${values.at}::timestamptz, c.last_seq
        from c
      returning id, seq, created_at
    ),
    e as (
      insert into events (account_id, actor_user_id, actor_token_id, type, subject_type, subject_id, before, after, created_at)
      select ${accountId}::int8, ${values.authorUserId}::int8, ${values.tokenId}::int8, 'message.created', 'message', m.id, null::jsonb,
             jsonb_build_object('conversationId', ${values.conversationId}::int8, 'kind', ${values.kind}::text,
                                'mentions', ${JSON.stringify(values.mentions)}::jsonb),
             ${values.at}::timestamptz
        from m
      union all
      select ${accountId}::int8, ${values.authorUserId}::int8, ${values.tokenId}::int8, 'conversation.updated', 'conversation', c.id,
             jsonb_build_object('status', c.status_before), jsonb_build_object('status', c.status), ${values.at}::timestamptz
        from c where c.status is distinct from c.status_before
    )
    select c.id, c.number, c.subject, c.status, c.priority, c.type, c.channel, c.language, c.contact_id,
           (select ct.name from contacts ct where ct.account_id = c.account_id and ct.id = c.contact_id) as contact_name,
           c.assignee_id, c.team_id, c.tags, c.preview, c.message_count, c.last_message_at, c.solved_at,
           c.created_at, c.updated_at, c.status_before,
           m.id as m_id, m.seq as m_seq, m.created_at as m_created_at,
           (select u.name from users u where u.account_id = ${accountId}::int8 and u.id = ${values.authorUserId}::int8) as author_name
      from c, m`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { status_before, m_id, m_seq, m_created_at, author_name, ...conversation } = row;
  return {
    conversation,
    statusBefore: status_before,
    message: {
      id: m_id,
      conversation_id: conversation.id,
      kind: values.kind,
      body: values.body,
      author_user_id: values.authorUserId,
      author_contact_id: null,
      author_name,
      mentions: values.mentions,
      created_at: m_created_at,
      seq: m_seq,
      client_id: null,
    },
  };
}
