import type { Executor } from "../../platform/db";

/** A notification row with the conversation number and the actor's name. */
export interface NotificationRow {
  id: number;
  kind: string;
  conversation_id: number;
  conversation_number: number;
  actor_name: string | null;
  read_at: Date | null;
  created_at: Date;
}

/** Inserts one notification per user. */
export async function insertNotifications(
  db: Executor,
  accountId: number,
  rows: {
    userId: number;
    kind: string;
    conversationId: number;
    messageId: number | null;
    actorUserId: number | null;
    at: Date;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("notifications")
    .values(
      rows.map((r) => ({
        account_id: accountId,
        user_id: r.userId,
        kind: r.kind,
        conversation_id: r.conversationId,
        message_id: r.messageId,
        actor_user_id: r.actorUserId,
        read_at: null,
        created_at: r.at,
      })),
    )
    .execute();
}

function selectNotifications(db: Executor, accountId: number, userId: number) {
  return db
    .selectFrom("notifications as n")
    .innerJoin("conversations as c", (j) =>
      j.onRef("c.account_id", "=", "n.account_id").onRef("c.id", "=", "n.conversation_id"),
    )
    .leftJoin("users as u", (j) =>
      j.onRef("u.account_id", "=", "n.account_id").onRef("u.id", "=", "n.actor_user_id"),
    )
    .select([
      "n.id",
      "n.kind",
      "n.conversation_id",
      "c.number as conversation_number",
      "u.name as actor_name",
      "n.read_at",
      "n.created_at",
    ])
    .where("n.account_id", "=", accountId)
    .where("n.user_id", "=", userId);
}

/** A user's notifications, newest first, before the keyset position `beforeId`. */
export async function listNotificationRows(
  db: Executor,
  accountId: number,
  userId: number,
  opts: { beforeId: number | null; limit: number; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  let q = selectNotifications(db, accountId, userId);
  if (opts.beforeId !== null) q = q.where("n.id", "<", opts.beforeId);
  if (opts.unreadOnly) q = q.where("n.read_at", "is", null);
  return q.orderBy("n.id", "desc").limit(opts.limit).execute();
}

/** One of the user's notifications. */
export async function findNotification(
  db: Executor,
  accountId: number,
  userId: number,
  id: number,
): Promise<NotificationRow | undefined> {
  return selectNotifications(db, accountId, userId).where("n.id", "=", id).executeTakeFirst();
}

/** Marks one unread notification of the user read; false when it was read already. */
export async function markRead(
  db: Executor,
  accountId: number,
  userId: number,
  id: number,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("notifications")
    .set({ read_at: at })
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .where("id", "=", id)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Marks every unread notification of the user read; returns how many. */
export async function markAllRead(
  db: Executor,
  accountId: number,
  userId: number,
  at: Date,
): Promise<number> {
  const result = await db
    .updateTable("notifications")
    .set({ read_at: at })
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** How many notifications of the user are unread. */
export async function countUnread(db: Executor, accountId: number, userId: number): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
