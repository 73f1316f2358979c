import { sql } from "kysely";
import { type Executor, PREPARED } from "../../platform/db";
import { type ContactJson, contactJsonByIdentifier } from "../contacts/contacts.repo";
import { type ConversationRow, rowColumnsSql } from "../conversations/conversations.repo";

/** The conversation an email belongs to, as threading finds it. */
export interface ThreadRow {
  id: number;
  contact_id: number;
  status: string;
  message_count: number;
}

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

/** The email columns of a message. */
export interface EmailMessageValues {
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

/** The inbox a message was delivered to: by id (within an account when given), or by address. */
export type InboxKey = { id: number; accountId?: number | undefined } | { address: string };

/** What an inbound email needs to know before it is stored, read in one round trip. */
export interface InboundContext {
  /** The active inbox it was delivered to; null when there is none (and nothing else was read). */
  inbox: { account_id: number; id: number; auto_ack: boolean } | null;
  /** The conversation already holding a message with this Message-ID. */
  duplicateOf: number | null;
  /** The conversation it answers: by In-Reply-To/References, else by a [#number] of the same customer. */
  thread: ThreadRow | null;
  /** The sender's contact, when the account knows the address. */
  contact: ContactJson | null;
  /** Whether the account assigns new conversations automatically. */
  autoAssign: boolean;
  /** The new conversation's number, taken when the mail is neither stored already nor threaded. */
  number: number | null;
}

/**
 * Reads, in one statement: the active inbox the mail was delivered to, and
 * in its account whether the Message-ID is already stored, the
 * conversation the references (newest first) or the subject's number point
 * to, the sender's contact and the routing switch; and when the mail is new
 * and unthreaded, takes the next conversation number (as
 * nextConversationNumber does, without waiting for the disk). Call it
 * outside any transaction.
 */
export async function inboundContext(
  db: Executor,
  key: InboxKey,
  v: { messageId: string; references: string[]; email: string; taggedNumber: number | null },
): Promise<InboundContext> {
  const inboxWhere =
    "address" in key
      ? sql`address = ${key.address}::text`
      : key.accountId !== undefined
        ? sql`account_id = ${key.accountId}::int8 and id = ${key.id}::int8`
        : sql`id = ${key.id}::int8`;
  const account = sql<number>`i.account_id`;
  const thread = (where: ReturnType<typeof sql>) => sql`(select json_build_object(
        'id', c.id, 'contact_id', c.contact_id, 'status', c.status, 'message_count', c.message_count) ${where})`;
  const { rows } = await sql<{
    account_id: number;
    id: number;
    auto_ack: boolean;
    duplicate_of: number | null;
    thread: ThreadRow | null;
    contact: ContactJson | null;
    auto_assign: boolean | null;
    number: number | null;
  }>`${sql.raw(PREPARED)}
    with i as (select account_id, id, auto_ack from inboxes where ${inboxWhere} and disabled_at is null),
    ct as (select i.account_id, ${contactJsonByIdentifier(account, v.email, null)} as contact from i),
    d as (select m.conversation_id from i, messages m
           where m.account_id = i.account_id and m.email_message_id = ${v.messageId}::text limit 1),
    t as (
      select coalesce(
               ${thread(sql`from messages m
                 join conversations c on c.account_id = m.account_id and c.id = m.conversation_id
                where m.account_id = ct.account_id and m.email_message_id = any(${v.references}::text[])
                order by m.id desc limit 1`)},
               ${thread(sql`from conversations c
                where c.account_id = ct.account_id and c.number = ${v.taggedNumber}::int8
                  and c.contact_id = (ct.contact->>'id')::int8`)}
             ) as thread
        from ct
    ),
    n as (
      update accounts set conversation_seq = conversation_seq + 1
       where id = (select i.account_id from i) and not exists (select 1 from d) and (select t.thread from t) is null
         and set_config('synchronous_commit', 'off', true) is not null
      returning conversation_seq
    )
    select i.account_id, i.id, i.auto_ack, (select d.conversation_id from d) as duplicate_of, t.thread, ct.contact,
           (select rs.auto_assign from routing_settings rs where rs.account_id = i.account_id) as auto_assign,
           (select n.conversation_seq from n) as number
      from i, ct, t`.execute(db);
  const row = rows[0];
  return {
    inbox: row ? { account_id: row.account_id, id: row.id, auto_ack: row.auto_ack } : null,
    duplicateOf: row?.duplicate_of ?? null,
    thread: row?.thread ?? null,
    contact: row?.contact ?? null,
    autoAssign: row?.auto_assign ?? false,
    number: row?.number ?? null,
  };
}

/** An inbound email message as the combined statements store it. */
export interface InboundEmailMessage extends EmailMessageValues {
  /** Sanitised HTML, when it could be made before the message had an id (no inline images). */
  html: string | null;
  quotedHtml: string | null;
  /** The message.created event's `after`, without the conversation id. */
  eventAfter: Record<string, unknown>;
  /** Its files, already in storage: their rows are inserted by the same statement, in this order. */
  files: Omit<AttachmentRow, "id" | "conversation_id" | "message_id">[];
}

function insertInboundMessage(accountId: number, v: InboundEmailMessage) {
  return sql`insert into messages (account_id, conversation_id, kind, body, author_user_id, author_contact_id,
                                   mentions, search_text, search_tsv, created_at, seq, email_message_id,
                                   email_in_reply_to, email_references, email_meta, quoted_text, html, quoted_html)
      select ${accountId}::int8, c.id, 'inbound', ${v.body}::text, null::int8, ${v.authorContactId}::int8,
             '{}'::int8[], ${v.search.text}::text, to_tsvector('simple', ${v.search.terms}::text),
             ${v.at}::timestamptz, c.last_seq, ${v.messageId}::text, ${v.inReplyTo}::text,
             ${v.references}::text[], ${JSON.stringify(v.meta)}::jsonb, ${v.quotedText}::text,
             ${v.html}::text, ${v.quotedHtml}::text
        from c
      returning id`;
}

// The files' rows, from one JSON array parameter so the statement keeps one shape.
function insertInboundFiles(accountId: number, v: InboundEmailMessage) {
  return sql`insert into attachments (account_id, conversation_id, message_id, filename, content_type, size,
                                      sha256, storage_key, content_id, inline, created_at)
      select ${accountId}::int8, c.id, m.id, f.filename, f.content_type, f.size, f.sha256, f.storage_key,
             f.content_id, f.inline, ${v.at}::timestamptz
        from c, m,
             rows from (jsonb_to_recordset(${JSON.stringify(v.files)}::jsonb)
               as (filename text, content_type text, size int8, sha256 text, storage_key text,
                   content_id text, inline boolean))
             with ordinality as f(filename, content_type, size, sha256, storage_key, content_id, inline, ord)
       order by f.ord
      returning id, content_id`;
}

const STORED_FILES = sql`(select coalesce(json_agg(json_build_object('id', a.id, 'content_id', a.content_id)
                                                    order by a.id), '[]'::json) from a) as files`;

function messageCreatedEvent(accountId: number, v: InboundEmailMessage) {
  return sql`select ${accountId}::int8, null::int8, null::int8, 'message.created', 'message', m.id, null::jsonb,
             ${JSON.stringify(v.eventAfter)}::jsonb || jsonb_build_object('conversationId', c.id),
             ${v.at}::timestamptz
        from c, m`;
}

/** A conversation row (without the contact's name) and the id of the message stored with it. */
export type StoredEmail = Omit<ConversationRow, "contact_name"> & {
  message_id: number;
  /** The ids its files were given, in the order they were passed. */
  files: { id: number; content_id: string | null }[];
};

/**
 * Opens an email conversation with its first message and both events in ONE
 * statement (data-modifying CTEs). A second message with the same Message-ID
 * fails on messages_email_id.
 */
export async function insertEmailConversationWithMessage(
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
    createdAfter: Record<string, unknown>;
    message: InboundEmailMessage;
  },
): Promise<StoredEmail> {
  const { rows } = await sql<StoredEmail>`${sql.raw(PREPARED)}
    with c as (
      insert into conversations (account_id, number, subject, status, priority, type, channel, language,
                                 contact_id, tags, preview, message_count, last_seq, last_message_at,
                                 search_text, search_tsv, created_at, updated_at, inbox_id)
      values (${accountId}, ${v.number}, ${v.subject}, 'new', 'normal', null, 'email', ${v.language},
              ${v.contactId}, '{}', ${v.preview}, 1, 1, ${v.message.at}, ${v.search.text},
              to_tsvector('simple', ${v.search.terms}::text), ${v.message.at}, ${v.message.at}, ${v.inboxId})
      returning *
    ),
    m as (${insertInboundMessage(accountId, v.message)}),
    a as (${insertInboundFiles(accountId, v.message)}),
    e as (
      insert into events (account_id, actor_user_id, actor_token_id, type, subject_type, subject_id, before, after, created_at)
      select ${accountId}::int8, null::int8, null::int8, 'conversation.created', 'conversation', c.id, null::jsonb,
             ${JSON.stringify(v.createdAfter)}::jsonb, ${v.message.at}::timestamptz
        from c
      union all
      ${messageCreatedEvent(accountId, v.message)}
    )
    select ${rowColumnsSql}, m.id as message_id, ${STORED_FILES} from c, m`.execute(db);
  const row = rows[0];
  if (!row) throw new Error("the email conversation was not stored");
  return row;
}

/**
 * Appends an inbound email to its conversation in ONE statement: locks it,
 * takes the next sequence number, stores the message, counts it, reopens a
 * solved, closed, pending or on-hold conversation, and writes the events.
 * Returns undefined when the conversation is gone.
 */
export async function appendEmailMessage(
  db: Executor,
  accountId: number,
  conversationId: number,
  v: { preview: string; message: InboundEmailMessage },
): Promise<(StoredEmail & { status_before: string }) | undefined> {
  const at = v.message.at;
  const { rows } = await sql<StoredEmail & { status_before: string }>`${sql.raw(PREPARED)}
    with old as (
      select id, status from conversations
       where account_id = ${accountId} and id = ${conversationId}
       for update
    ),
    c as (
      update conversations cv
         set last_seq = cv.last_seq + 1,
             message_count = cv.message_count + 1,
             preview = ${v.preview}::text,
             last_message_at = ${at}::timestamptz,
             updated_at = ${at}::timestamptz,
             status = case when old.status in ('solved', 'closed', 'pending', 'on_hold') then 'open' else cv.status end,
             solved_at = case when old.status in ('solved', 'closed', 'pending', 'on_hold') then null else cv.solved_at end
        from old
       where cv.account_id = ${accountId} and cv.id = old.id
      returning cv.*, old.status as status_before
    ),
    m as (${insertInboundMessage(accountId, v.message)}),
    a as (${insertInboundFiles(accountId, v.message)}),
    e as (
      insert into events (account_id, actor_user_id, actor_token_id, type, subject_type, subject_id, before, after, created_at)
      ${messageCreatedEvent(accountId, v.message)}
      union all
      select ${accountId}::int8, null::int8, null::int8, 'conversation.updated', 'conversation', c.id,
             jsonb_build_object('status', c.status_before), jsonb_build_object('status', c.status), ${at}::timestamptz
        from c where c.status is distinct from c.status_before
    )
    select ${rowColumnsSql}, c.status_before, m.id as message_id, ${STORED_FILES}
      from c, m`.execute(db);
  return rows[0];
}
