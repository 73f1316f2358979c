import { sql } from "kysely";
import type { Executor } from "../../platform/db";

/** What deciding on an acknowledgement needs about a new email conversation. */
export interface AckContext {
  number: number;
  language: string | null;
  contact_id: number;
  contact_language: string | null;
  auto_ack: boolean;
  inbox_address: string;
  email_meta: unknown;
}

/** The conversation, its inbox, its contact and the inbound message; locks the contact row. */
export async function ackContext(
  db: Executor,
  accountId: number,
  conversationId: number,
  messageId: number,
): Promise<AckContext | undefined> {
  const row = await db
    .selectFrom("conversations as c")
    .innerJoin("inboxes as i", (j) =>
      j.onRef("i.account_id", "=", "c.account_id").onRef("i.id", "=", "c.inbox_id"),
    )
    .innerJoin("contacts as ct", (j) =>
      j.onRef("ct.account_id", "=", "c.account_id").onRef("ct.id", "=", "c.contact_id"),
    )
    .innerJoin("messages as m", (j) =>
      j.onRef("m.account_id", "=", "c.account_id").onRef("m.conversation_id", "=", "c.id"),
    )
    .select([
      "c.number",
      "c.language",
      "c.contact_id",
      "ct.language as contact_language",
      "i.auto_ack",
      "i.address as inbox_address",
      "m.email_meta",
    ])
    .where("c.account_id", "=", accountId)
    .where("c.id", "=", conversationId)
    .where("m.id", "=", messageId)
    .where("i.disabled_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  // Two emails of one customer arriving together must not both slip under the limit.
  await db
    .selectFrom("contacts")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", "=", row.contact_id)
    .forUpdate()
    .execute();
  return row;
}

/** The contact's email addresses. */
export async function contactAddresses(
  db: Executor,
  accountId: number,
  contactId: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom("contact_identifiers")
    .select("value")
    .where("account_id", "=", accountId)
    .where("contact_id", "=", contactId)
    .where("kind", "=", "email")
    .orderBy("position")
    .execute();
  return rows.map((r) => r.value);
}

/** Whether an address is the support address of an active inbox (of any account). */
export async function isInboxAddress(db: Executor, address: string): Promise<boolean> {
  const row = await db
    .selectFrom("inboxes")
    .select("id")
    .where("address", "=", address)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  return Boolean(row);
}

/** Automatic replies Khidma wrote to a contact since a time, read from the messages table. */
export async function autoRepliesSince(
  db: Executor,
  accountId: number,
  contactId: number,
  since: Date,
): Promise<number> {
  const row = await db
    .selectFrom("messages as m")
    .innerJoin("conversations as c", (j) =>
      j.onRef("c.account_id", "=", "m.account_id").onRef("c.id", "=", "m.conversation_id"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("c.account_id", "=", accountId)
    .where("c.contact_id", "=", contactId)
    .where("m.kind", "=", "reply")
    .where("m.author_user_id", "is", null)
    .where("m.created_at", ">", since)
    .where(sql<boolean>`m.email_meta->>'auto' is not null`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
