import type { Message, MessageKind, Page } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { type Actor, recordEvent } from "../../platform/events";
import { decodeCursor, encodeCursor, PAGE_DEFAULT } from "../../platform/pagination";
import {
  afterCommit,
  conversationChanged,
  messageCreated,
  type Outgoing,
  publishAfterCommit,
  transact,
} from "../../platform/realtime-publish";
import { searchDocument } from "../../platform/text";
import { withAttachments } from "../email/attachments.service";
import { queueEmailReply } from "../email/outbound.service";
import { notifyUsers } from "../notifications/notifications.service";
import { liveMessage, liveSummary } from "../realtime/live-shape";
import { presentMessage, presentSummary } from "./conversations.presenter";
import { type ConversationRow, findConversation, updateConversationRow } from "./conversations.repo";
import { parseMentions, previewOf } from "./conversations.rules";
import {
  appendMessage,
  findMessage,
  insertMessage,
  listMessageRows,
  mentionableUsers,
  selectMessages,
} from "./messages.repo";

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
  const { ids, localParts } = input.kind === "note" ? parseMentions(body) : { ids: [], localParts: [] };
  const search = searchDocument(body);
  const values = {
    conversationId,
    kind: input.kind,
    body,
    preview: previewOf(body),
    authorUserId: actor.userId,
    tokenId: actor.tokenId ?? null,
    search,
  };
  const published = (conversation: ConversationRow, message: Message): Outgoing[] => [
    messageCreated(actor.accountId, conversationId, liveMessage(message)),
    conversationChanged(actor.accountId, liveSummary(presentSummary(conversation))),
  ];
  // The common case is one statement, atomic on its own: a note that mentions
  // nobody, or a reply that no email has to carry. Otherwise (or when the
  // statement finds an email conversation) a transaction adds the mentions'
  // notifications or the sending job.
  if (ids.length === 0 && localParts.length === 0) {
    const done = await appendMessage(ctx.db, actor.accountId, {
      ...values,
      mentions: [],
      at: ctx.clock.now(),
      unlessEmailReply: true,
    });
    if (done) {
      const message = presentMessage(done.message);
      publishAfterCommit(ctx, published(done.conversation, message));
      return message;
    }
  }
  return transact(ctx, async (tx) => {
    const at = ctx.clock.now();
    const mentions =
      ids.length > 0 || localParts.length > 0
        ? (await mentionableUsers(tx, actor.accountId, ids, localParts)).map((u) => u.id)
        : [];
    const done = await appendMessage(tx, actor.accountId, { ...values, mentions, at });
    if (!done) throw new AppError("not_found", { resource: "resource.conversation" });
    const messageId = done.message.id;
    let row = done.message;
    // A reply in a conversation with an email inbox (an email, or a chat left
    // with an address) is sent by a job enqueued in this transaction; notes never leave.
    if (input.kind === "reply") {
      if (await queueEmailReply(tx, actor.accountId, { conversationId, messageId, at }))
        row = await findMessage(tx, actor.accountId, messageId);
    }
    if (mentions.length > 0)
      await notifyUsers(tx, actor, { kind: "mention", userIds: mentions, conversationId, messageId, at });
    const message = presentMessage(row);
    afterCommit(tx, ...published(done.conversation, message));
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
  const row = await selectMessages(ctx.db, actor.accountId)
    .where("m.id", "=", messageId)
    .where("m.conversation_id", "=", conversationId)
    .executeTakeFirst();
  if (!row) throw new AppError("not_found", { resource: "resource.message" });
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
  // The cursor holds the last sequence number shown, tagged so that no other cursor passes for it.
  let afterSeq: number | null = null;
  if (query.cursor) {
    const [tag, seq] = decodeCursor(query.cursor, ["s", "n"]);
    if (tag !== "seq") throw new AppError("invalid_cursor");
    afterSeq = seq as number;
  }
  const row = await findConversation(ctx.db, actor.accountId, conversationId);
  if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
  const rows = await listMessageRows(ctx.db, actor.accountId, conversationId, { afterSeq, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: await withAttachments(ctx.db, actor.accountId, page.map(presentMessage)),
    nextCursor: rows.length > limit && last ? encodeCursor(["seq", last.seq]) : null,
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
