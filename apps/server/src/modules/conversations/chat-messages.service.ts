import type { Language, Message } from "@khidma/contracts";
import type { AppContext } from "../../app";
import { AppError } from "../../platform/errors";
import { type Actor, recordEvent } from "../../platform/events";
import {
  conversationChanged,
  messageCreated,
  type Outgoing,
  publishAfterCommit,
} from "../../platform/realtime-publish";
import { searchDocument } from "../../platform/text";
import { withAttachments } from "../email/attachments.service";
import { liveMessage } from "../realtime/live-shape";
import { routeNewConversation } from "../routing/routing.service";
import {
  insertEmptyConversation,
  lastSeqOf,
  messageIdByClientId,
  setReplyAddress,
  visibleMessagesAfter,
} from "./chat-messages.repo";
import { takeConversationNumber } from "./conversation-numbers";
import { presentMessage, presentSummary } from "./conversations.presenter";
import { type ConversationChanges, findConversation, updateConversationRow } from "./conversations.repo";
import { previewOf } from "./conversations.rules";
import { findMessage, insertMessage } from "./messages.repo";

/**
 * Opens an empty live-chat conversation for a contact; its messages follow
 * through addChatMessage. Returns the conversation id.
 */
export async function startChatConversation(
  ctx: AppContext,
  actor: Actor,
  input: { contactId: number; subject: string; language: Language | null },
): Promise<number> {
  const number = await takeConversationNumber(ctx.db, actor.accountId);
  const { id, outgoing } = await ctx.db.transaction().execute(async (tx) => {
    const at = ctx.clock.now();
    const values = {
      number,
      subject: input.subject,
      channel: "chat",
      language: input.language,
      contactId: input.contactId,
    };
    const id = await insertEmptyConversation(tx, actor.accountId, {
      ...values,
      search: searchDocument(input.subject),
      at,
    });
    await recordEvent(tx, actor, {
      type: "conversation.created",
      subjectType: "conversation",
      subjectId: id,
      after: { ...values, status: "new" },
      at,
    });
    const row = await findConversation(tx, actor.accountId, id);
    if (!row) throw new AppError("internal");
    return {
      id,
      outgoing: conversationChanged(actor.accountId, presentSummary(row), "conversation.created"),
    };
  });
  publishAfterCommit(ctx, [outgoing]);
  // A new chat goes to an online agent when the account assigns automatically.
  await routeNewConversation(ctx, actor.accountId, id);
  return id;
}

/**
 * Stores a customer's chat message exactly once: a message whose client id
 * is already stored in the conversation is answered with the stored one
 * (`duplicate`), so a client may resend whatever it has no ack for. The
 * conversation row's lock orders concurrent sends of one conversation, and
 * the message takes the next sequence number. A pending or solved
 * conversation opens again, since the customer is writing.
 */
export async function addChatMessage(
  ctx: AppContext,
  actor: Actor,
  conversationId: number,
  input: {
    body: string;
    clientId: string;
    contactId: number;
    link?: (tx: AppContext["db"], messageId: number) => Promise<void>;
  },
): Promise<{ message: Message; duplicate: boolean }> {
  const outgoing: Outgoing[] = [];
  const result = await ctx.db.transaction().execute(async (tx) => {
    const row = await findConversation(tx, actor.accountId, conversationId, { forUpdate: true });
    if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
    const existing = await messageIdByClientId(tx, actor.accountId, conversationId, input.clientId);
    if (existing !== undefined) {
      return { message: presentMessage(await findMessage(tx, actor.accountId, existing)), duplicate: true };
    }
    const at = ctx.clock.now();
    const messageId = await insertMessage(tx, actor.accountId, {
      conversationId,
      kind: "inbound",
      body: input.body,
      authorUserId: null,
      authorContactId: input.contactId,
      mentions: [],
      search: searchDocument(input.body),
      at,
      clientId: input.clientId,
    });
    if (input.link) await input.link(tx, messageId);
    const set: ConversationChanges = {
      message_count: row.message_count + 1,
      preview: previewOf(input.body),
      last_message_at: at,
      updated_at: at,
    };
    if (row.status === "pending" || row.status === "solved") {
      set.status = "open";
      set.solved_at = null;
    }
    await updateConversationRow(tx, actor.accountId, conversationId, set);
    await recordEvent(tx, actor, {
      type: "message.created",
      subjectType: "message",
      subjectId: messageId,
      after: { conversationId, kind: "inbound" },
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
    const message = presentMessage(await findMessage(tx, actor.accountId, messageId));
    const fresh = await findConversation(tx, actor.accountId, conversationId);
    // Agents get the message as their messages list shows it, with the visitor's files.
    const [live] = input.link
      ? await withAttachments(tx, actor.accountId, [message])
      : [{ ...message, attachments: [] }];
    outgoing.push(messageCreated(actor.accountId, conversationId, liveMessage(live ?? message)));
    if (fresh) outgoing.push(conversationChanged(actor.accountId, presentSummary(fresh)));
    return { message, duplicate: false };
  });
  publishAfterCommit(ctx, outgoing);
  return result;
}

/** The messages a customer may see (no notes) after a sequence number, and the conversation's last one. */
export async function chatMessagesAfter(
  ctx: AppContext,
  accountId: number,
  conversationId: number,
  afterSeq: number,
  limit: number,
): Promise<{ items: Message[]; lastSeq: number }> {
  const rows = await visibleMessagesAfter(ctx.db, accountId, conversationId, afterSeq, limit);
  return { items: rows.map(presentMessage), lastSeq: await lastSeqOf(ctx.db, accountId, conversationId) };
}

/** The status of a conversation, or null when it is gone. */
export async function chatConversationStatus(
  ctx: AppContext,
  accountId: number,
  conversationId: number,
): Promise<string | null> {
  const row = await findConversation(ctx.db, accountId, conversationId);
  return row?.status ?? null;
}

/**
 * A chat message left outside business hours with an email address: the
 * agents' replies to this conversation go to that address by email, through
 * the widget's reply inbox or else the account's first email inbox (none is
 * sent while the account has none).
 */
export async function answerByEmail(
  ctx: AppContext,
  actor: Actor,
  conversationId: number,
  address: string,
  replyInboxId: number | null,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const at = ctx.clock.now();
    const row = await setReplyAddress(tx, actor.accountId, conversationId, address, at, replyInboxId);
    if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
    await recordEvent(tx, actor, {
      type: "conversation.updated",
      subjectType: "conversation",
      subjectId: conversationId,
      after: { replyAddress: address, inboxId: row.inbox_id },
      at,
    });
  });
}
