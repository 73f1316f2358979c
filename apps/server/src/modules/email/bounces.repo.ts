import type { Executor } from "../../platform/db";

/** The newest message of the account carrying one of these Message-IDs. */
export async function messageByEmailIds(
  db: Executor,
  accountId: number,
  ids: string[],
): Promise<{ id: number; conversation_id: number; kind: string; delivery_state: string | null } | undefined> {
  if (ids.length === 0) return undefined;
  return db
    .selectFrom("messages")
    .select(["id", "conversation_id", "kind", "delivery_state"])
    .where("account_id", "=", accountId)
    .where("email_message_id", "in", ids)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Flags an email address of the account's contacts as bouncing; answers the contact's id. */
export async function flagBouncedAddress(
  db: Executor,
  accountId: number,
  address: string,
  reason: string,
  at: Date,
): Promise<number | undefined> {
  const row = await db
    .updateTable("contact_identifiers")
    .set({ bounced_at: at, bounce_reason: reason })
    .where("account_id", "=", accountId)
    .where("kind", "=", "email")
    .where("value", "=", address)
    .returning("contact_id")
    .executeTakeFirst();
  return row?.contact_id;
}

/** Sets email columns of a message Khidma wrote itself. */
export async function setEmailMeta(
  db: Executor,
  accountId: number,
  messageId: number,
  values: { email_message_id?: string | null; email_meta: unknown },
): Promise<void> {
  await db
    .updateTable("messages")
    .set({
      ...(values.email_message_id !== undefined ? { email_message_id: values.email_message_id } : {}),
      email_meta: JSON.stringify(values.email_meta),
    })
    .where("account_id", "=", accountId)
    .where("id", "=", messageId)
    .execute();
}
