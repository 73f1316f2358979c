import type { Readable } from "node:stream";
import type { Contact } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { conversationChanged, publishAfterCommit } from "../../platform/realtime-publish";
import { searchDocument } from "../../platform/text";
import { findOrCreateContact, normalizeContactEmail, presentContactJson } from "../contacts/contacts.service";
import { presentSummary } from "../conversations/conversations.presenter";
import type { ConversationRow } from "../conversations/conversations.repo";
import { detectLanguage, previewOf } from "../conversations/conversations.rules";
import { takeConversationNumber as takeNumberOutside } from "../conversations/conversations.service";
import { liveSummary } from "../realtime/live-shape";
import { routeNewConversation } from "../routing/routing.service";
import { attachmentUrl } from "./attachments.service";
import { handleBounce } from "./bounces";
import { classifyInbound, type InboundClassification } from "./email.classify";
import { type InboundMail, parseMail, RawRefusedError, type RefusalReason, readRaw } from "./email.parse";
import { splitReply, splitReplyHtml } from "./email.reply";
import {
  appendEmailMessage,
  emailMessageExists,
  type InboundContext,
  type InboundEmailMessage,
  type InboxKey,
  inboundContext,
  insertEmailConversationWithMessage,
  setMessageHtml,
  takeConversationNumber,
} from "./email.repo";
import { htmlHasContent, sanitizeEmailHtml } from "./email.sanitize";
import { cidReferences, type SkippedFile, storeMailFiles } from "./email.store-files";
import { afterInboundEmail } from "./loop";

/** A raw message to ingest and where it arrived. */
export interface IngestInput {
  /** The inbox, by id; or by the recipient address (the SMTP receiver's RCPT TO). */
  inboxId?: number;
  accountId?: number;
  recipient?: string;
  raw: Buffer | Readable;
  source: "smtp" | "imap";
  /** The SMTP envelope sender; "" for a null sender (bounces). */
  envelopeFrom?: string | null;
}

/** What became of a message. */
export interface IngestResult {
  status: "stored" | "duplicate" | "rejected";
  conversationId?: number;
  messageId?: number;
  reason?: RefusalReason | "unknown_recipient";
}

const UNIQUE_VIOLATION = "23505";
const UNKNOWN_SENDER = "unknown-sender@sender.invalid";
const SUBJECT_MAX = 500;
// Search indexes the start of a long email: folding a whole megabyte of text
// would hold the message (and the sender's SMTP session) for seconds.
const SEARCH_CHARS = 20_000;
// Past this size a body is kept whole: quote detection is for replies, not for logs pasted in.
const SPLIT_CHARS = 200_000;

/** The largest raw message accepted: room for one attachment at the limit in base64, and headers and text. */
export function messageSizeLimit(config: { attachmentLimit: number }): number {
  return Math.ceil(config.attachmentLimit * 1.4) + 5 * 1024 * 1024;
}

// Where the message was delivered; the inbox itself is read with the rest of the context.
function inboxKey(input: IngestInput): InboxKey | null {
  if (input.inboxId !== undefined) return { id: input.inboxId, accountId: input.accountId };
  if (input.recipient) return { address: input.recipient.trim().toLowerCase() };
  return null;
}

function senderOf(mail: InboundMail): { email: string; name: string } {
  const from = mail.replyTo && !mail.from ? mail.replyTo : mail.from;
  let email = UNKNOWN_SENDER;
  if (from) {
    try {
      email = normalizeContactEmail(from.address);
    } catch {
      email = UNKNOWN_SENDER;
    }
  }
  const name = (from?.name || email.split("@")[0] || "?").slice(0, 200);
  return { email, name };
}

// "[#123]" in a subject names a conversation of the account; it is trusted
// only for the same customer, so a guessed number cannot drop mail into
// someone else's conversation.
function numberInSubject(subject: string): number | null {
  const m = /\[#(\d{1,12})\]/.exec(subject);
  return m?.[1] ? Number(m[1]) : null;
}

function skippedNote(skipped: SkippedFile[], limit: number): string {
  return skipped
    .map((s) => `[${s.filename}: ${s.size} bytes, over the ${limit}-byte attachment limit; not kept]`)
    .join("\n");
}

/**
 * Ingests one raw email for an inbox: parses it within limits, finds or
 * creates the sender's contact, threads it (In-Reply-To/References, then a
 * [#number] subject tag from the same customer, else a new conversation),
 * separates the reply from quoted history, sanitises HTML, stores files,
 * and commits before it returns. The same Message-ID twice (or by SMTP and
 * IMAP) is stored once. Transient failures (the database) throw; input it
 * cannot accept is answered with status "rejected" and a reason.
 */
export async function ingestRawEmail(ctx: AppContext, input: IngestInput): Promise<IngestResult> {
  const key = inboxKey(input);
  if (!key) {
    // Drain a stream so the sender is not left hanging.
    if (!Buffer.isBuffer(input.raw)) input.raw.resume();
    return { status: "rejected", reason: "unknown_recipient" };
  }
  let mail: InboundMail;
  try {
    mail = await parseMail(await readRaw(input.raw, { maxBytes: messageSizeLimit(ctx.config) }));
  } catch (err) {
    if (err instanceof RawRefusedError) return { status: "rejected", reason: err.reason };
    throw err;
  }
  return storeParsed(ctx, key, mail, input);
}

/**
 * Stores an already parsed message for the inbox it was delivered to. The
 * inbox is read with the duplicate check, threading and the contact; the
 * SMTP receiver has checked the recipient before accepting the data, and an
 * IMAP mailbox belongs to its inbox, so a parse is rarely wasted on an
 * unknown one.
 */
export async function storeParsed(
  ctx: AppContext,
  key: InboxKey,
  mail: InboundMail,
  input: Pick<IngestInput, "source" | "envelopeFrom">,
): Promise<IngestResult> {
  const sender = senderOf(mail);
  const subject = Array.from(mail.subject || "(no subject)")
    .slice(0, SUBJECT_MAX)
    .join("");
  // One read answers the inbox, the duplicate check, threading (In-Reply-To
  // and References newest first, then a [#number] of the same customer),
  // the sender's contact and the routing switch.
  const refs = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references.slice().reverse()];
  const context = await inboundContext(ctx.db, key, {
    messageId: mail.messageId,
    references: refs,
    email: sender.email,
    taggedNumber: numberInSubject(subject),
  });
  const inbox = context.inbox;
  if (!inbox) return { status: "rejected", reason: "unknown_recipient" };
  const accountId = inbox.account_id;
  if (context.duplicateOf !== null) return { status: "duplicate", conversationId: context.duplicateOf };

  const classification = classifyInbound(mail.parsed, input.envelopeFrom);
  if (classification.dsn) {
    // A delivery report about our own mail joins that conversation as a note
    // and flags the address; one that names nothing of ours is stored below.
    const bounce = await handleBounce(ctx, { accountId, parsed: mail.parsed });
    if (bounce.duplicate) return { status: "duplicate" };
    if (bounce.conversationId !== null && bounce.messageId !== null) {
      return { status: "stored", conversationId: bounce.conversationId, messageId: bounce.messageId };
    }
  }
  const split =
    mail.text.length > SPLIT_CHARS ? { visible: mail.text.trim(), quoted: "" } : splitReply(mail.text);
  const htmlSplit = mail.html ? splitReplyHtml(mail.html) : null;
  const cids = cidReferences(mail.html);
  const { files, skipped } = await storeMailFiles(ctx.config, mail.parsed.attachments, cids);
  const note = skipped.length ? skippedNote(skipped, ctx.config.attachmentLimit) : "";
  const body = [split.visible, note].filter(Boolean).join("\n\n");
  const language = detectLanguage(subject, split.visible);
  // HTML that shows no inline image is sanitised now and stored with the
  // message; inline images need their attachments' ids first.
  const inlineImages = htmlSplit !== null && cids.size > 0;
  const html =
    htmlSplit && !inlineImages ? sanitizedHtml(htmlSplit, new Map()) : { html: null, quoted: null };

  const thread = context.thread;
  // A new conversation's number was taken by the context read, in its own short statement, as
  // conversation creation does elsewhere: the account row is not held while the message commits.
  const number = thread ? null : (context.number ?? (await takeNumberOutside(ctx, accountId)));
  const actor = { accountId, userId: null };
  const at = ctx.clock.now();
  const preview = previewOf(body || subject);
  const message: InboundEmailMessage = {
    body,
    authorContactId: null,
    search: searchDocument(body.slice(0, SEARCH_CHARS)),
    at,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    meta: {
      from: mail.from?.address ?? null,
      fromName: mail.from?.name || null,
      to: mail.to.map((a) => a.address),
      cc: mail.cc.map((a) => a.address),
      replyTo: mail.replyTo?.address ?? null,
      subject: mail.subject || null,
      date: mail.parsed.date?.toISOString() ?? null,
      source: input.source,
      inboxId: inbox.id,
      size: mail.size,
      classification,
      ...(skipped.length ? { skipped } : {}),
      ...(mail.hasOwnMessageId ? {} : { generatedMessageId: true }),
    },
    quotedText: split.quoted || null,
    html: html.html,
    quotedHtml: html.quoted,
    eventAfter: eventAfter(inbox.id, input.source, mail, classification, files.length),
    files,
  };

  const store = async (db: Executor, contact: Contact) => {
    const m = { ...message, authorContactId: contact.id };
    if (thread) {
      const appended = await appendEmailMessage(db, accountId, thread.id, { preview, message: m });
      if (appended) return { row: appended, contact, created: false };
    }
    const row = await insertEmailConversationWithMessage(db, accountId, {
      number: number ?? (await takeConversationNumber(db, accountId)),
      subject,
      language,
      contactId: contact.id,
      inboxId: inbox.id,
      preview,
      search: searchDocument(subject),
      createdAfter: {
        subject,
        channel: "email",
        inboxId: inbox.id,
        contactId: contact.id,
        language,
        status: "new",
      },
      message: m,
    });
    return { row, contact, created: true };
  };

  try {
    // A known sender's mail is one statement, atomic on its own, files and
    // all; a new contact, or inline images (their HTML needs the files' ids),
    // take a transaction.
    const known = context.contact ? presentContactJson(context.contact) : null;
    const result =
      known && !inlineImages
        ? await store(ctx.db, known)
        : await ctx.db.transaction().execute(async (tx) => {
            const contact =
              known ??
              (
                await findOrCreateContact(
                  tx,
                  actor,
                  at,
                  { name: sender.name, email: sender.email, language },
                  { lookedUp: true },
                )
              ).contact;
            const stored = await store(tx, contact);
            if (htmlSplit && inlineImages) {
              const cidUrls = new Map(
                stored.row.files
                  .filter((f) => f.content_id)
                  .map((f) => [f.content_id as string, attachmentUrl(f.id)]),
              );
              const withImages = sanitizedHtml(htmlSplit, cidUrls);
              await setMessageHtml(tx, accountId, stored.row.message_id, withImages.html, withImages.quoted);
            }
            return stored;
          });
    const conversationId = result.row.id;
    const messageId = result.row.message_id;
    await announce(
      ctx,
      accountId,
      { ...result.row, contact_name: result.contact.name },
      result.created,
      context,
    );
    // Only a new conversation in an inbox with acknowledgements on can get one.
    if (result.created && inbox.auto_ack)
      await acknowledge(ctx, accountId, { conversationId, messageId, created: true }, classification);
    return { status: "stored", conversationId, messageId };
  } catch (err) {
    // The same Message-ID committed by a concurrent delivery: one message, as promised.
    if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) {
      const winner = await emailMessageExists(ctx.db, accountId, mail.messageId);
      if (winner !== null) return { status: "duplicate", conversationId: winner };
    }
    throw err;
  }
}

/** The sanitised visible and quoted HTML of a message, inline images pointing at their attachments. */
function sanitizedHtml(
  split: { visible: string; quoted: string | null },
  cidUrls: Map<string, string>,
): { html: string | null; quoted: string | null } {
  const visible = sanitizeEmailHtml(split.visible, { cidUrls });
  const quoted = split.quoted ? sanitizeEmailHtml(split.quoted, { cidUrls }) : null;
  return { html: htmlHasContent(visible) ? visible : null, quoted: quoted || null };
}

function eventAfter(
  inboxId: number,
  source: string,
  mail: InboundMail,
  classification: InboundClassification,
  attachments: number,
) {
  return {
    kind: "inbound",
    channel: "email",
    inboxId,
    source,
    emailMessageId: mail.messageId,
    attachments,
    classification,
  };
}

async function announce(
  ctx: AppContext,
  accountId: number,
  row: ConversationRow,
  created: boolean,
  context: InboundContext,
) {
  try {
    publishAfterCommit(ctx, [
      conversationChanged(
        accountId,
        liveSummary(presentSummary(row)),
        created ? "conversation.created" : "conversation.updated",
      ),
    ]);
    // A new conversation goes to an online agent when the account assigns automatically.
    if (created) await routeNewConversation(ctx, accountId, row.id, context.autoAssign);
  } catch {
    // A live update is a courtesy: clients refetch on reconnect.
  }
}

// The acknowledgement is its own step after the commit: the message is
// already safe, so a failure here must not turn into a refusal of the mail.
async function acknowledge(
  ctx: AppContext,
  accountId: number,
  result: { conversationId: number; messageId: number; created: boolean },
  classification: InboundClassification,
) {
  try {
    await afterInboundEmail(ctx, { accountId, ...result, classification });
  } catch {
    // Not sending an automatic reply is always safe.
  }
}
