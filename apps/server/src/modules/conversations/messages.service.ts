import type { Message, MessageKind, Page } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { type Actor, recordEvent } from "../../platform/events";
import { decodeCursor, encodeCursor, PAGE_DEFAULT } from "../../platform/pagination";
import { afterCommit, conversationChanged, messageCreated, transact } from "../../platform/realtime-publish";
import { searchDocument } from "../../platform/text";
import { withAttachments } from "../email/attachments.service";
import { queueEmailReply } from "../email/outbound.service";
import { notifyUsers } from "../notifications/notifications.service";
import { liveMessage, liveSummary } from "../realtime/live-shape";
import { presentMessage, presentSummary } from "./conversations.presenter";
import { type ConversationChanges, findConversation, updateConversationRow } from "./conversations.repo";
import { parseMentions, previewOf } from "./conversations.rules";
import { findMessage, insertMessage, listMessageRows, mentionableUsers } from "./messages.repo";

/** The active users of the account a note mentions, by composer markup or by @localpart. */
export async function resolveMentions(db: Executor, accountId: number, body: string): Promise<number[]> {
  const { ids, localParts } = parseMentions(body);
  const users = await mentionableUsers(db, accountId, ids, localParts);
  return users.map((u) => u.id);
}

/**
 * Adds an agent's reply or internal note to a conversation. A reply moves a
 * new conversation to open and becomes the inbox preview; a note changes
 * neither and notifies the agents it mentions.
 */
export async function addMessage(
  ctx: AppContext,
  actor: Actor,
  conversationId: number,
  input: { body: string; kind: Exclude<MessageKind, "inbound"> },
): Promise<Message> {
  const body = input.body.trim();
  if (!body) throw new AppError("validation_failed", { detail: "validation.blank" });
  return transact(ctx, async (tx) => {
    const row = await findConversation(tx, actor.accountId, conversationId, { forUpdate: true });
    if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
    const at = ctx.clock.now();
    const mentions = input.kind === "note" ? await resolveMentions(tx, actor.accountId, body) : [];
    const messageId = await insertMessage(tx, actor.accountId, {
      conversationId,
      kind: input.kind,
      body,
      authorUserId: actor.userId,
      authorContactId: null,
      mentions,
      search: searchDocument(body),
      at,
    });
    // A reply in an email conversation is sent by a job enqueued in this transaction; notes never leave.
    if (input.kind === "reply") await queueEmailReply(tx, actor.accountId, { conversationId, messageId, at });
    const set: ConversationChanges = { message_count: row.message_count + 1, updated_at: at };
    if (input.kind === "reply") {
      set.preview = previewOf(body);
      set.last_message_at = at;
      if (row.status === "new") {
        set.status = "open";
        set.solved_at = null;
      }
    }
    await updateConversationRow(tx, actor.accountId, conversationId, set);
    await recordEvent(tx, actor, {
      type: "message.created",
      subjectType: "message",
      subjectId: messageId,
      after: { conversationId, kind: input.kind, mentions },
      at,
    });
    if (set.status) {
      await recordEvent(tx, actor, {
        type: "conversation.updated",
        subjectType: "conversation",
        subjectId: conversationId,
        before: { status: row.status },
        after: { status: set.status },
        at,
      });
    }
    await notifyUsers(tx, actor, { kind: "mention", userIds: mentions, conversationId, messageId, at });
    const message = presentMessage(await findMessage(tx, actor.accountId, messageId));
    const fresh = await findConversation(tx, actor.accountId, conversationId);
    afterCommit(tx, messageCreated(actor.accountId, conversationId, liveMessage(message)));
    if (fresh) afterCommit(tx, conversationChanged(actor.accountId, liveSummary(presentSummary(fresh))));
    return message;
  });
}

/** One message of a conversation, as the API shows it; 404 when it is not there. */
export async function getMessage(
  ctx: AppContext,
  actor: Actor,
  conversationId: number,
  messageId: number,
): Promise<Message> {
  const rows = await listMessageRows(ctx.db, actor.accountId, conversationId, {
    afterId: messageId - 1,
    limit: 1,
  });
  const row = rows[0];
  if (!row || row.id !== messageId) throw new AppError("not_found", { resource: "resource.message" });
  const [message] = await withAttachments(ctx.db, actor.accountId, [presentMessage(row)]);
  return message as Message;
}

/** The messages of a conversation, oldest first; 404 when it is not in the account. */
export async function listMessages(
  ctx: AppContext,
  actor: Actor,
  conversationId: number,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Message>> {
  const limit = query.limit ?? PAGE_DEFAULT;
  const afterId = query.cursor ? (decodeCursor(query.cursor, ["n"])[0] as number) : null;
  const row = await findConversation(ctx.db, actor.accountId, conversationId);
  if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
  const rows = await listMessageRows(ctx.db, actor.accountId, conversationId, { afterId, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: await withAttachments(ctx.db, actor.accountId, page.map(presentMessage)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
  };
}

/**
 * Adds a message Khidma writes itself (an automatic acknowledgement, a
 * delivery report) in the caller's transaction. Unlike an agent's message it
 * changes neither the status nor the preview, and mentions nobody.
 */
export async function addSystemMessage(
  tx: Executor,
  accountId: number,
  input: { conversationId: number; kind: "reply" | "note"; body: string; at: Date },
): Promise<number> {
  const row = await findConversation(tx, accountId, input.conversationId, { forUpdate: true });
  if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
  const messageId = await insertMessage(tx, accountId, {
    conversationId: input.conversationId,
    kind: input.kind,
    body: input.body,
    authorUserId: null,
    authorContactId: null,
    mentions: [],
    search: searchDocument(input.body),
    at: input.at,
  });
  await updateConversationRow(tx, accountId, input.conversationId, {
    message_count: row.message_count + 1,
    updated_at: input.at,
  });
  await recordEvent(
    tx,
    { accountId, userId: null },
    {
      type: "message.created",
      subjectType: "message",
      subjectId: messageId,
      after: { conversationId: input.conversationId, kind: input.kind, system: true },
      at: input.at,
    },
  );
  afterCommit(
    tx,
    messageCreated(
      accountId,
      input.conversationId,
      presentMessage(await findMessage(tx, accountId, messageId)),
    ),
  );
  return messageId;
}
