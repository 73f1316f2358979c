import type { Executor } from "../../platform/db";

/** The SMTP settings of an inbox, as stored (the password sealed by platform/crypto). */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  passwordEnc: string | null;
}

/** The email inbox of a conversation, when it has one. */
export async function emailInboxOfConversation(
  db: Executor,
  accountId: number,
  conversationId: number,
): Promise<{ inbox_id: number; address: string } | undefined> {
  return db
    .selectFrom("conversations as c")
    .innerJoin("inboxes as i", (j) =>
      j.onRef("i.account_id", "=", "c.account_id").onRef("i.id", "=", "c.inbox_id"),
    )
    .select(["i.id as inbox_id", "i.address"])
    .where("c.account_id", "=", accountId)
    .where("c.id", "=", conversationId)
    .where("i.channel", "=", "email")
    .executeTakeFirst();
}

/** The inbox of a conversation for its header; undefined when the conversation is not in the account. */
export async function conversationInbox(
  db: Executor,
  accountId: number,
  conversationId: number,
): Promise<{ id: number | null; name: string | null; address: string | null; channel: string } | undefined> {
  return db
    .selectFrom("conversations as c")
    .leftJoin("inboxes as i", (j) =>
      j.onRef("i.account_id", "=", "c.account_id").onRef("i.id", "=", "c.inbox_id"),
    )
    .select(["i.id", "i.name", "i.address", "c.channel"])
    .where("c.account_id", "=", accountId)
    .where("c.id", "=", conversationId)
    .executeTakeFirst();
}

/** Everything the send job needs about one outgoing message. */
export interface OutboundRow {
  id: number;
  conversation_id: number;
  kind: string;
  body: string;
  author_user_id: number | null;
  author_name: string | null;
  email_message_id: string | null;
  delivery_state: string | null;
  number: number;
  subject: string;
  language: string | null;
  contact_id: number;
  reply_address: string | null;
  inbox_name: string;
  address: string;
  signature: string | null;
  smtp: unknown;
  inbox_disabled_at: Date | null;
}

/** One outgoing message with its conversation and inbox; undefined when any is gone. */
export async function findOutbound(
  db: Executor,
  accountId: number,
  messageId: number,
): Promise<OutboundRow | undefined> {
  return db
    .selectFrom("messages as m")
    .innerJoin("conversations as c", (j) =>
      j.onRef("c.account_id", "=", "m.account_id").onRef("c.id", "=", "m.conversation_id"),
    )
    .innerJoin("inboxes as i", (j) =>
      j.onRef("i.account_id", "=", "c.account_id").onRef("i.id", "=", "c.inbox_id"),
    )
    .leftJoin("users as u", (j) =>
      j.onRef("u.account_id", "=", "m.account_id").onRef("u.id", "=", "m.author_user_id"),
    )
    .select([
      "m.id",
      "m.conversation_id",
      "m.kind",
      "m.body",
      "m.author_user_id",
      "u.name as author_name",
      "m.email_message_id",
      "m.delivery_state",
      "c.number",
      "c.subject",
      "c.language",
      "c.contact_id",
      "c.reply_address",
      "i.name as inbox_name",
      "i.address",
      "i.signature",
      "i.smtp",
      "i.disabled_at as inbox_disabled_at",
    ])
    .where("m.account_id", "=", accountId)
    .where("m.id", "=", messageId)
    .executeTakeFirst();
}

/** The earlier messages of a conversation that carry a Message-ID, oldest first. */
export async function threadBefore(
  db: Executor,
  accountId: number,
  conversationId: number,
  beforeMessageId: number,
): Promise<{ kind: string; email_message_id: string; email_references: string[] }[]> {
  const rows = await db
    .selectFrom("messages")
    .select(["kind", "email_message_id", "email_references"])
    .where("account_id", "=", accountId)
    .where("conversation_id", "=", conversationId)
    .where("id", "<", beforeMessageId)
    .where("email_message_id", "is not", null)
    .where("kind", "!=", "note")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, email_message_id: r.email_message_id as string }));
}

/** The contact's email addresses, first position first. */
export async function contactEmails(
  db: Executor,
  accountId: number,
  contactId: number,
): Promise<{ value: string; bounced_at: Date | null }[]> {
  return db
    .selectFrom("contact_identifiers")
    .select(["value", "bounced_at"])
    .where("account_id", "=", accountId)
    .where("contact_id", "=", contactId)
    .where("kind", "=", "email")
    .orderBy("position")
    .orderBy("value")
    .execute();
}

/** A message's delivery columns after a change, with its conversation (to announce it). */
export interface DeliveryRow {
  id: number;
  conversation_id: number;
  delivery_state: string | null;
  delivery_error: string | null;
  delivered_at: Date | null;
}

/** Sets the delivery columns of a message; returns them as stored (undefined when the message is gone). */
export async function setDelivery(
  db: Executor,
  accountId: number,
  messageId: number,
  values: {
    delivery_state?: string;
    delivery_error?: string | null;
    delivered_at?: Date | null;
    email_message_id?: string;
    email_in_reply_to?: string | null;
    email_references?: string[];
  },
): Promise<DeliveryRow | undefined> {
  return db
    .updateTable("messages")
    .set(values)
    .where("account_id", "=", accountId)
    .where("id", "=", messageId)
    .returning(["id", "conversation_id", "delivery_state", "delivery_error", "delivered_at"])
    .executeTakeFirst();
}
