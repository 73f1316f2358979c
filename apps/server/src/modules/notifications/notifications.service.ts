import type { Notification, Page } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { type Actor, recordEvent } from "../../platform/events";
import { decodeCursor, encodeCursor, PAGE_DEFAULT } from "../../platform/pagination";
import { afterCommit, toUser } from "../../platform/realtime-publish";
import {
  countUnread,
  findNotification,
  insertNotifications,
  listNotificationRows,
  markAllRead,
  markRead,
  type NotificationRow,
} from "./notifications.repo";

/** Who a notification is about. */
export type NotificationKind = Notification["kind"];

function present(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind as NotificationKind,
    conversationId: row.conversation_id,
    conversationNumber: row.conversation_number,
    actorName: row.actor_name,
    readAt: row.read_at ? row.read_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Notifies users about a conversation, in the caller's transaction. The actor
 * is never notified about their own doing. The change that causes it records
 * the event, so the notification rows need none of their own.
 */
export async function notifyUsers(
  tx: Executor,
  actor: Actor,
  input: {
    kind: NotificationKind;
    userIds: number[];
    conversationId: number;
    messageId?: number | null;
    at: Date;
  },
): Promise<number[]> {
  const userIds = [...new Set(input.userIds)].filter((id) => id !== actor.userId);
  await insertNotifications(
    tx,
    actor.accountId,
    userIds.map((userId) => ({
      userId,
      kind: input.kind,
      conversationId: input.conversationId,
      messageId: input.messageId ?? null,
      actorUserId: actor.userId,
      at: input.at,
    })),
  );
  // Each user's open tabs refetch their bell once this commits.
  for (const userId of userIds) {
    afterCommit(
      tx,
      toUser(actor.accountId, userId, "notification.created", {
        kind: input.kind,
        conversationId: input.conversationId,
      }),
    );
  }
  return userIds;
}

/** The caller's notifications, newest first. */
export async function listNotifications(
  ctx: AppContext,
  actor: Actor & { userId: number },
  query: { cursor?: string | undefined; limit?: number | undefined; unread?: boolean | undefined },
): Promise<Page<Notification>> {
  const limit = query.limit ?? PAGE_DEFAULT;
  const beforeId = query.cursor ? (decodeCursor(query.cursor, ["n"])[0] as number) : null;
  const rows = await listNotificationRows(ctx.db, actor.accountId, actor.userId, {
    beforeId,
    limit: limit + 1,
    unreadOnly: query.unread === true,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
  };
}

/** How many of the caller's notifications are unread. */
export async function unreadNotificationCount(
  ctx: AppContext,
  actor: Actor & { userId: number },
): Promise<{ count: number }> {
  return { count: await countUnread(ctx.db, actor.accountId, actor.userId) };
}

/** Marks one of the caller's notifications read; another user's is a 404. */
export async function readNotification(
  ctx: AppContext,
  actor: Actor & { userId: number },
  id: number,
): Promise<Notification> {
  return ctx.db.transaction().execute(async (tx) => {
    const at = ctx.clock.now();
    if (await markRead(tx, actor.accountId, actor.userId, id, at)) {
      await recordEvent(tx, actor, {
        type: "notification.read",
        subjectType: "notification",
        subjectId: id,
        before: { readAt: null },
        after: { readAt: at.toISOString() },
      });
    }
    const row = await findNotification(tx, actor.accountId, actor.userId, id);
    if (!row) throw new AppError("not_found", { resource: "resource.notification" });
    return present(row);
  });
}

/** Marks all of the caller's notifications read. */
export async function readAllNotifications(
  ctx: AppContext,
  actor: Actor & { userId: number },
): Promise<{ updated: number }> {
  return ctx.db.transaction().execute(async (tx) => {
    const updated = await markAllRead(tx, actor.accountId, actor.userId, ctx.clock.now());
    if (updated > 0) {
      await recordEvent(tx, actor, {
        type: "notification.read_all",
        subjectType: "user",
        subjectId: actor.userId,
        after: { updated },
      });
    }
    return { updated };
  });
}
