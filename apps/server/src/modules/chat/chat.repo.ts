import type { Selectable } from "kysely";
import type { Executor } from "../../platform/db";
import type { Database } from "../../platform/db-types";

/** A visitor row. */
export type VisitorRow = Selectable<Database["visitors"]>;

/** Inserts a visitor session. */
export async function insertVisitor(
  db: Executor,
  accountId: number,
  values: { widgetId: number; tokenHash: string; expiresAt: Date; at: Date },
): Promise<VisitorRow> {
  return db
    .insertInto("visitors")
    .values({
      account_id: accountId,
      widget_id: values.widgetId,
      token_hash: values.tokenHash,
      expires_at: values.expiresAt,
      created_at: values.at,
      last_seen_at: values.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The visitor holding a token (expired ones included; the caller decides). */
export async function findVisitorByToken(
  db: Executor,
  accountId: number,
  tokenHash: string,
): Promise<VisitorRow | undefined> {
  return db
    .selectFrom("visitors")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** One visitor by id, optionally locked. */
export async function findVisitor(
  db: Executor,
  accountId: number,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<VisitorRow | undefined> {
  let q = db.selectFrom("visitors").selectAll().where("account_id", "=", accountId).where("id", "=", id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Changes a visitor's columns. */
export async function updateVisitorRow(
  db: Executor,
  accountId: number,
  id: number,
  set: Partial<Pick<VisitorRow, "contact_id" | "conversation_id" | "expires_at" | "last_seen_at">>,
): Promise<void> {
  await db
    .updateTable("visitors")
    .set(set)
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}

/** Raises a visitor's read mark (never lowers it); returns the mark now stored. */
export async function raiseReadMark(
  db: Executor,
  accountId: number,
  id: number,
  column: "last_read_seq" | "agent_read_seq",
  seq: number,
): Promise<number> {
  const row = await db
    .updateTable("visitors")
    .set((eb) => ({ [column]: eb.fn("greatest", [eb.ref(column), eb.val(seq)]) }))
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .returning(column)
    .executeTakeFirst();
  return row ? Number((row as Record<string, unknown>)[column]) : 0;
}

/** Visitors chatting in a conversation (for the agent's read receipts). */
export async function visitorsOfConversation(
  db: Executor,
  accountId: number,
  conversationId: number,
): Promise<VisitorRow[]> {
  return db
    .selectFrom("visitors")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("conversation_id", "=", conversationId)
    .execute();
}

/** The contact a host's user id was verified as. */
export async function findIdentity(
  db: Executor,
  accountId: number,
  externalId: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("chat_identities")
    .select("contact_id")
    .where("account_id", "=", accountId)
    .where("external_id", "=", externalId)
    .executeTakeFirst();
  return row?.contact_id;
}

/** Whether a contact was verified by a host's user id. */
export async function hasIdentity(db: Executor, accountId: number, contactId: number): Promise<boolean> {
  const row = await db
    .selectFrom("chat_identities")
    .select("external_id")
    .where("account_id", "=", accountId)
    .where("contact_id", "=", contactId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Remembers a host's user id as a contact; the first writer wins. */
export async function insertIdentity(
  db: Executor,
  accountId: number,
  externalId: string,
  contactId: number,
): Promise<void> {
  await db
    .insertInto("chat_identities")
    .values({ account_id: accountId, external_id: externalId, contact_id: contactId })
    .onConflict((oc) => oc.columns(["account_id", "external_id"]).doNothing())
    .execute();
}

/** A chat attachment row. */
export interface ChatAttachmentRow {
  id: number;
  conversation_id: number;
  message_id: number | null;
  filename: string;
  content_type: string;
  size: number;
  storage_key: string;
}

const attachmentColumns = [
  "id",
  "conversation_id",
  "message_id",
  "filename",
  "content_type",
  "size",
  "storage_key",
] as const;

/** Stores an uploaded file's row, not yet part of a message. */
export async function insertAttachment(
  db: Executor,
  accountId: number,
  values: {
    conversationId: number;
    filename: string;
    contentType: string;
    size: number;
    sha256: string;
    storageKey: string;
    at: Date;
  },
): Promise<ChatAttachmentRow> {
  return db
    .insertInto("attachments")
    .values({
      account_id: accountId,
      conversation_id: values.conversationId,
      message_id: null,
      filename: values.filename,
      content_type: values.contentType,
      size: values.size,
      sha256: values.sha256,
      storage_key: values.storageKey,
      content_id: null,
      created_at: values.at,
    })
    .returning(attachmentColumns)
    .executeTakeFirstOrThrow();
}

/** One attachment of a conversation. */
export async function findAttachment(
  db: Executor,
  accountId: number,
  conversationId: number,
  id: number,
): Promise<ChatAttachmentRow | undefined> {
  return db
    .selectFrom("attachments")
    .select(attachmentColumns)
    .where("account_id", "=", accountId)
    .where("conversation_id", "=", conversationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Joins unsent uploads of the conversation to a message; returns the ids that were joined. */
export async function linkAttachments(
  db: Executor,
  accountId: number,
  conversationId: number,
  ids: number[],
  messageId: number,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable("attachments")
    .set({ message_id: messageId })
    .where("account_id", "=", accountId)
    .where("conversation_id", "=", conversationId)
    .where("id", "in", ids)
    .where("message_id", "is", null)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Names of unsent uploads of a conversation, for the text of a message that only carries files. */
export async function pendingAttachmentNames(
  db: Executor,
  accountId: number,
  conversationId: number,
  ids: number[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("attachments")
    .select("filename")
    .where("account_id", "=", accountId)
    .where("conversation_id", "=", conversationId)
    .where("id", "in", ids)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.filename);
}
