import type { Language, Message, VisitorAttachment, VisitorMessage } from "@khidma/contracts";
import type { AppContext } from "../../app";
import { AppError } from "../../platform/errors";
import { conversationRoom } from "../../platform/realtime";
import { publishAfterCommit } from "../../platform/realtime-publish";
import { sniffContentType } from "../../platform/sniff";
import { openFile, putFile } from "../../platform/storage";
import { insertContactIn } from "../contacts/contacts.service";
import {
  addChatMessage,
  answerByEmail,
  chatConversationStatus,
  chatMessagesAfter,
  startChatConversation,
} from "../conversations/chat-messages.service";
import { attachmentRowsOfMessages } from "../email/attachments.service";
import {
  type ChatAttachmentRow,
  findAttachment,
  findVisitor,
  insertAttachment,
  linkAttachments,
  pendingAttachmentNames,
  raiseReadMark,
  updateVisitorRow,
  type VisitorRow,
} from "./chat.repo";
import { CHAT_LIMITS } from "./chat-limits";
import { type VisitorContext, visitorActor } from "./visitors.service";
import { settingsOf } from "./widgets.service";

/** Files a visitor may send: raster images and PDF, recognised by their bytes. */
export const VISITOR_FILE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
]);

/** A message as the visitor sees it. */
export function presentVisitorMessage(
  message: Message,
  attachments: ChatAttachmentRow[] = [],
): VisitorMessage {
  return {
    id: message.id,
    seq: message.seq,
    clientId: message.clientId,
    from: message.kind === "inbound" ? "visitor" : "agent",
    body: message.body,
    authorName: message.kind === "inbound" ? null : message.authorName,
    attachments: attachments.filter((a) => a.message_id === message.id).map(presentAttachment),
    createdAt: message.createdAt,
  };
}

function presentAttachment(row: ChatAttachmentRow): VisitorAttachment {
  return { id: row.id, name: row.filename, contentType: row.content_type, size: row.size };
}

// One visitor's writes run one after another on this node, so a resend racing
// its original cannot open two conversations.
const queues = new Map<string, Promise<unknown>>();
function serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

// The visitor row as stored now: a socket's copy is as old as the socket, and
// the pre-chat form or another tab may have given it a contact or a conversation.
async function current(ctx: AppContext, visitor: VisitorRow): Promise<VisitorRow> {
  return (await findVisitor(ctx.db, visitor.account_id, visitor.id)) ?? visitor;
}

/** Makes the contact of an anonymous visitor: a name, and what the pre-chat form gave. */
async function ensureContact(
  ctx: AppContext,
  visitor: VisitorRow,
  profile: { name?: string | undefined; email?: string | undefined; phone?: string | undefined } = {},
): Promise<VisitorRow> {
  if (visitor.contact_id !== null) return visitor;
  const name = profile.name?.trim() || `Visitor ${visitor.id}`;
  const attributes: Record<string, unknown> = { source: "chat" };
  // Details a visitor typed are not proof of who they are: they are kept on a
  // new contact as attributes, never used to join an existing contact.
  if (profile.email) attributes.email = profile.email.trim();
  if (profile.phone) attributes.phone = profile.phone.trim();
  const contact = await ctx.db
    .transaction()
    .execute((tx) => insertContactIn(tx, visitorActor(visitor), ctx.clock.now(), { name, attributes }));
  await updateVisitorRow(ctx.db, visitor.account_id, visitor.id, { contact_id: contact.id });
  return { ...visitor, contact_id: contact.id };
}

/** The visitor's open conversation, started when there is none (or the last one was closed). */
async function ensureConversation(
  ctx: AppContext,
  visitor: VisitorRow,
  firstLine: string,
  language: Language | null,
): Promise<VisitorRow & { conversation_id: number; contact_id: number }> {
  let current = await ensureContact(ctx, visitor);
  if (current.conversation_id !== null) {
    const status = await chatConversationStatus(ctx, current.account_id, current.conversation_id);
    if (status !== null && status !== "closed") {
      return current as VisitorRow & { conversation_id: number; contact_id: number };
    }
  }
  const subject = firstLine.trim().replace(/\s+/g, " ").slice(0, 80) || "Live chat";
  const conversationId = await startChatConversation(ctx, visitorActor(current), {
    contactId: current.contact_id as number,
    subject,
    language,
  });
  await updateVisitorRow(ctx.db, current.account_id, current.id, { conversation_id: conversationId });
  current = { ...current, conversation_id: conversationId };
  return current as VisitorRow & { conversation_id: number; contact_id: number };
}

/** Saves the pre-chat form; a required field left out is a 400. */
export async function savePrechat(
  ctx: AppContext,
  { widget, visitor }: VisitorContext,
  input: { name?: string | undefined; email?: string | undefined; phone?: string | undefined },
): Promise<VisitorRow> {
  const rules = settingsOf(widget).prechat;
  for (const field of ["name", "email", "phone"] as const) {
    if (rules[field] === "required" && !input[field]?.trim()) {
      throw new AppError("validation_failed", { detail: "validation.blank" });
    }
  }
  return serialize(`${visitor.account_id}:${visitor.id}`, async () =>
    ensureContact(ctx, await current(ctx, visitor), input),
  );
}

/**
 * Stores a visitor's message exactly once per client id and answers with it
 * (and whether it was a resend). Attachments uploaded to the conversation
 * join the message.
 */
export async function sendVisitorMessage(
  ctx: AppContext,
  vc: VisitorContext,
  input: { clientId: string; body: string; attachmentIds?: number[] | undefined; language?: Language | null },
): Promise<{ message: VisitorMessage; duplicate: boolean; visitor: VisitorRow }> {
  const text = input.body.trim();
  const ids = [...new Set(input.attachmentIds ?? [])];
  if (!text && ids.length === 0) throw new AppError("validation_failed", { detail: "validation.blank" });
  if (text.length > CHAT_LIMITS.messageChars) {
    throw new AppError("validation_failed", { limit: CHAT_LIMITS.messageChars }, "chat.message_too_long");
  }
  return serialize(`${vc.visitor.account_id}:${vc.visitor.id}`, async () => {
    const visitor = await ensureConversation(
      ctx,
      await current(ctx, vc.visitor),
      text || "Attachment",
      input.language ?? null,
    );
    const accountId = visitor.account_id;
    // A message of files only reads as their names in the inbox.
    const names = text ? [] : await pendingAttachmentNames(ctx.db, accountId, visitor.conversation_id, ids);
    const { message, duplicate } = await addChatMessage(ctx, visitorActor(visitor), visitor.conversation_id, {
      body: text || `📎 ${names.join(", ") || "…"}`,
      clientId: input.clientId,
      contactId: visitor.contact_id,
      link: async (tx, messageId) => {
        await linkAttachments(tx, accountId, visitor.conversation_id, ids, messageId);
      },
    });
    const files = await attachmentRowsOfMessages(ctx.db, accountId, [message.id]);
    return { message: presentVisitorMessage(message, files), duplicate, visitor };
  });
}

/** The visitor's messages after a sequence number (no notes), with their files. */
export async function visitorHistory(
  ctx: AppContext,
  visitor: VisitorRow,
  afterSeq: number,
  limit = 100,
): Promise<{ items: VisitorMessage[]; lastSeq: number; conversationId: number | null }> {
  if (visitor.conversation_id === null) return { items: [], lastSeq: 0, conversationId: null };
  const { items, lastSeq } = await chatMessagesAfter(
    ctx,
    visitor.account_id,
    visitor.conversation_id,
    afterSeq,
    limit,
  );
  const files = await attachmentRowsOfMessages(
    ctx.db,
    visitor.account_id,
    items.map((m) => m.id),
  );
  return {
    items: items.map((m) => presentVisitorMessage(m, files)),
    lastSeq,
    conversationId: visitor.conversation_id,
  };
}

/** Records that the visitor has read up to a sequence number and tells the agents. */
export async function markVisitorRead(ctx: AppContext, visitor: VisitorRow, seq: number): Promise<number> {
  if (visitor.conversation_id === null) return 0;
  const mark = await raiseReadMark(ctx.db, visitor.account_id, visitor.id, "last_read_seq", seq);
  publishAfterCommit(ctx, [
    {
      rooms: [conversationRoom(visitor.account_id, visitor.conversation_id)],
      message: {
        type: "chat.read",
        accountId: visitor.account_id,
        data: { conversationId: visitor.conversation_id, by: "visitor", seq: mark },
      },
    },
  ]);
  return mark;
}

/** Stores a file a visitor uploads (an image or a PDF, by its bytes) in their conversation. */
export async function storeVisitorFile(
  ctx: AppContext,
  vc: VisitorContext,
  input: { data: Buffer; filename: string },
): Promise<VisitorAttachment> {
  if (input.data.length > CHAT_LIMITS.attachmentBytes) {
    throw new AppError(
      "payload_too_large",
      { limit: CHAT_LIMITS.attachmentBytes / 1048576 },
      "chat.attachment_size",
    );
  }
  const type = sniffContentType(input.data, null, input.filename);
  if (!VISITOR_FILE_TYPES.has(type)) throw new AppError("unsupported_media_type", {}, "chat.attachment_type");
  return serialize(`${vc.visitor.account_id}:${vc.visitor.id}`, async () => {
    const visitor = await ensureConversation(ctx, await current(ctx, vc.visitor), input.filename, null);
    const stored = await putFile(
      { dataDir: ctx.config.dataDir, attachmentLimit: CHAT_LIMITS.attachmentBytes },
      input.data,
      { filename: input.filename },
    );
    const row = await insertAttachment(ctx.db, visitor.account_id, {
      conversationId: visitor.conversation_id,
      filename: input.filename,
      contentType: type,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.storageKey,
      at: ctx.clock.now(),
    });
    return presentAttachment(row);
  });
}

/** A file of the visitor's own conversation, to download; 404 for any other. */
export async function openVisitorFile(ctx: AppContext, visitor: VisitorRow, id: number) {
  if (visitor.conversation_id === null) throw new AppError("not_found", { resource: "resource.attachment" });
  const row = await findAttachment(ctx.db, visitor.account_id, visitor.conversation_id, id);
  if (!row) throw new AppError("not_found", { resource: "resource.attachment" });
  return { row, stream: await openFile(ctx.config, row.storage_key) };
}

/**
 * A message left outside business hours: the visitor's name and email go on
 * a new contact (as attributes, unverified) and the message opens a
 * conversation that is answered later by email.
 */
export async function leaveOfflineMessage(
  ctx: AppContext,
  vc: VisitorContext,
  input: { name: string; email: string; body: string; clientId: string },
): Promise<VisitorMessage> {
  const visitor = await savePrechatLoose(ctx, vc, input);
  const sent = await sendVisitorMessage(ctx, { widget: vc.widget, visitor }, input);
  // Answered later by email, at the address the visitor left with the message.
  await answerByEmail(
    ctx,
    visitorActor(sent.visitor),
    sent.visitor.conversation_id as number,
    input.email,
    vc.widget.reply_inbox_id,
  );
  return sent.message;
}

async function savePrechatLoose(
  ctx: AppContext,
  { visitor }: VisitorContext,
  input: { name: string; email: string },
): Promise<VisitorRow> {
  return serialize(`${visitor.account_id}:${visitor.id}`, async () =>
    ensureContact(ctx, await current(ctx, visitor), input),
  );
}
