import type { ConversationSummary, DeliveryState, Message } from "@khidma/contracts";
import type { Db, Executor, Tx } from "./db";
import { accountRoom, conversationRoom, type RealtimeHub, type RealtimeMessage, userRoom } from "./realtime";

/** A live update and the rooms it goes to. */
export interface Outgoing {
  rooms: string[];
  message: RealtimeMessage;
}

/** What publishing needs from the app context. */
export interface PublishContext {
  hub: RealtimeHub;
  log?: { warn(obj: object, msg?: string): void } | undefined;
}

/**
 * Publishes live updates of a change that has committed. Call it right after
 * `transaction().execute()` resolves, never inside the transaction: a
 * rolled-back change must not be announced, and sockets that refetch on an
 * event must find the committed row. Publishing never fails the request: a
 * lost live update is repaired by the clients' refetch on reconnect.
 */
export function publishAfterCommit(ctx: PublishContext, outgoing: Outgoing[]): void {
  for (const { rooms, message } of outgoing) {
    for (const room of rooms) {
      ctx.hub.publish(room, message).catch((err: unknown) => {
        ctx.log?.warn({ err, room, type: message.type }, "live update not published");
      });
    }
  }
}

// The live updates queued by each open transaction of transact(), keyed by
// its Transaction object, which Kysely hands unchanged to every helper.
const queued = new WeakMap<object, Outgoing[]>();

/**
 * Runs `fn` in a transaction and, once it has committed, publishes every live
 * update queued on it with afterCommit(). Nothing is published when it rolls
 * back. Use it instead of `ctx.db.transaction().execute(...)` in services
 * whose changes agents see live.
 */
export async function transact<T>(ctx: PublishContext & { db: Db }, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const outgoing: Outgoing[] = [];
  const result = await ctx.db.transaction().execute(async (tx) => {
    queued.set(tx, outgoing);
    return fn(tx);
  });
  publishAfterCommit(ctx, outgoing);
  return result;
}

/**
 * Queues live updates on a transaction opened by transact(), to be published
 * once it commits. In a transaction opened otherwise they are dropped (and
 * false is returned): such callers publish with publishAfterCommit themselves.
 */
export function afterCommit(tx: Executor, ...outgoing: Outgoing[]): boolean {
  const list = queued.get(tx);
  if (!list) return false;
  list.push(...outgoing);
  return true;
}

/** A new message (notes included), to the account and the conversation rooms. */
export function messageCreated(accountId: number, conversationId: number, message: Message): Outgoing {
  return {
    rooms: [accountRoom(accountId), conversationRoom(accountId, conversationId)],
    message: { type: "message.created", accountId, data: { conversationId, message } },
  };
}

/** A new or changed conversation, as the inbox list shows it. */
export function conversationChanged(
  accountId: number,
  conversation: ConversationSummary,
  type: "conversation.created" | "conversation.updated" = "conversation.updated",
): Outgoing {
  return {
    rooms: [accountRoom(accountId), conversationRoom(accountId, conversation.id)],
    message: { type, accountId, data: { conversation } },
  };
}

/** Something for one user only (a notification, a presence change of their own). */
export function toUser(accountId: number, userId: number, type: string, data: unknown): Outgoing {
  return { rooms: [userRoom(accountId, userId)], message: { type, accountId, data } };
}

/** An outgoing email's delivery as a live update carries it. */
export interface DeliveryChange {
  messageId: number;
  deliveryState: DeliveryState | null;
  deliveryError: string | null;
  deliveredAt: string | null;
}

/** An outgoing email was sent, failed, or was queued again: to the agents viewing its conversation. */
export function messageDeliveryChanged(
  accountId: number,
  conversationId: number,
  change: DeliveryChange,
): Outgoing {
  return {
    rooms: [conversationRoom(accountId, conversationId)],
    message: { type: "message.delivery", accountId, data: { conversationId, ...change } },
  };
}
