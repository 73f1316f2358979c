import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { type Actor, recordEvent } from "../../platform/events";
import { enqueueJob } from "../../platform/jobs";
import { afterCommit, transact } from "../../platform/realtime-publish";
import { sendEmailJob } from "./email.jobs";
import { newMessageId } from "./outbound.compose";
import { conversationInbox, emailInboxOfConversation, setDelivery } from "./outbound.repo";
import { deliveryChange } from "./outbound.send";

/**
 * When the conversation belongs to an email inbox, marks a new reply queued,
 * gives it its Message-ID and enqueues its send job, all in the caller's
 * transaction: the email goes out only if the reply is committed. Answers
 * whether the reply will be emailed.
 */
export async function queueEmailReply(
  tx: Executor,
  accountId: number,
  input: { conversationId: number; messageId: number; at: Date },
): Promise<boolean> {
  const inbox = await emailInboxOfConversation(tx, accountId, input.conversationId);
  if (!inbox) return false;
  await setDelivery(tx, accountId, input.messageId, {
    delivery_state: "queued",
    delivery_error: null,
    email_message_id: newMessageId(inbox.address, accountId, input.messageId),
  });
  await enqueueSend(tx, accountId, input.messageId, input.at);
  return true;
}

function enqueueSend(tx: Executor, accountId: number, messageId: number, now: Date) {
  return enqueueJob(tx, sendEmailJob, {
    accountId,
    payload: { messageId },
    now,
    singletonKey: `message:${messageId}`,
  });
}

/**
 * Queues a failed email again (POST …/messages/{id}/retry). 404 when the
 * message is not in this conversation of the account; 409 unless it failed.
 */
export async function retryDelivery(
  ctx: AppContext,
  actor: Actor,
  conversationId: number,
  messageId: number,
): Promise<void> {
  await transact(ctx, async (tx) => {
    const row = await tx
      .selectFrom("messages")
      .select(["id", "delivery_state", "delivery_error"])
      .where("account_id", "=", actor.accountId)
      .where("conversation_id", "=", conversationId)
      .where("id", "=", messageId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new AppError("not_found", { resource: "resource.message" });
    if (row.delivery_state !== "failed") throw new AppError("conflict", { detail: "conflict.not_failed" });
    const at = ctx.clock.now();
    const queued = await setDelivery(tx, actor.accountId, messageId, {
      delivery_state: "queued",
      delivery_error: null,
    });
    if (queued) afterCommit(tx, deliveryChange(actor.accountId, queued));
    await enqueueSend(tx, actor.accountId, messageId, at);
    await recordEvent(tx, actor, {
      type: "message.delivery",
      subjectType: "message",
      subjectId: messageId,
      before: { state: "failed", reason: row.delivery_error },
      after: { state: "queued" },
      at,
    });
  });
}

/** The inbox a conversation came in by (GET …/inbox); 404 when the conversation is not in the account. */
export async function inboxOfConversation(
  ctx: AppContext,
  actor: Actor,
  conversationId: number,
): Promise<{ channel: string; inbox: { id: number; name: string; address: string } | null }> {
  const row = await conversationInbox(ctx.db, actor.accountId, conversationId);
  if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
  const inbox =
    row.id !== null && row.name !== null && row.address !== null
      ? { id: row.id, name: row.name, address: row.address }
      : null;
  return { channel: row.channel, inbox };
}
