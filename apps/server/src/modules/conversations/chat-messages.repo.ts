import { sql } from "kysely";
import type { Executor } from "../../platform/db";
import { type MessageRow, selectMessages } from "./messages.repo";

/** Inserts a conversation that has no message yet (a live chat opens before its first line). */
export async function insertEmptyConversation(
  db: Executor,
  accountId: number,
  values: {
    number: number;
    subject: string;
    channel: string;
    language: string | null;
    contactId: number;
    search: { text: string; terms: string };
    at: Date;
  },
): Promise<number> {
  const row = await db
    .insertInto("conversations")
    .values({
      account_id: accountId,
      number: values.number,
      subject: values.subject,
      channel: values.channel,
      language: values.language,
      contact_id: values.contactId,
      search_text: values.search.text,
      search_tsv: sql<string>`to_tsvector('simple', ${values.search.terms})`,
      last_message_at: values.at,
      created_at: values.at,
      updated_at: values.at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The id of the message a chat client sent with this client id, if stored. */
export async function messageIdByClientId(
  db: Executor,
  accountId: number,
  conversationId: number,
  clientId: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("messages")
    .select("id")
    .where("account_id", "=", accountId)
    .where("conversation_id", "=", conversationId)
    .where("client_id", "=", clientId)
    .executeTakeFirst();
  return row?.id;
}

/**
 * The customer-visible messages (no notes) of a conversation after a
 * sequence number, in order, with the authors' names.
 */
export async function visibleMessagesAfter(
  db: Executor,
  accountId: number,
  conversationId: number,
  afterSeq: number,
  limit: number,
): Promise<MessageRow[]> {
  return selectMessages(db, accountId)
    .where("m.conversation_id", "=", conversationId)
    .where("m.seq", ">", afterSeq)
    .where("m.kind", "!=", "note")
    .orderBy("m.seq")
    .limit(limit)
    .execute();
}

/** The last sequence number given out in a conversation. */
export async function lastSeqOf(db: Executor, accountId: number, conversationId: number): Promise<number> {
  const row = await db
    .selectFrom("conversations")
    .select("last_seq")
    .where("account_id", "=", accountId)
    .where("id", "=", conversationId)
    .executeTakeFirst();
  return row?.last_seq ?? 0;
}

/**
 * Makes a conversation answerable by email at `address`: keeps it as the
 * reply address and, when the conversation has no inbox yet, gives it the
 * account's first enabled email inbox. Returns the inbox (null when the
 * account has no email inbox), or undefined when the conversation is absent.
 */
export async function setReplyAddress(
  db: Executor,
  accountId: number,
  conversationId: number,
  address: string,
  at: Date,
  /** The inbox to use when it is an enabled email inbox; the account's first otherwise. */
  preferredInboxId: number | null,
): Promise<{ inbox_id: number | null } | undefined> {
  return db
    .updateTable("conversations as c")
    .set((eb) => ({
      reply_address: address,
      updated_at: at,
      inbox_id: eb.fn.coalesce(
        "c.inbox_id",
        eb
          .selectFrom("inboxes as i")
          .select("i.id")
          .where("i.account_id", "=", accountId)
          .where("i.channel", "=", "email")
          .where("i.disabled_at", "is", null)
          // The widget's choice first, then the oldest.
          .orderBy(sql`i.id = ${preferredInboxId ?? 0}`, "desc")
          .orderBy("i.id")
          .limit(1),
      ),
    }))
    .where("c.account_id", "=", accountId)
    .where("c.id", "=", conversationId)
    .returning("c.inbox_id")
    .executeTakeFirst();
}
