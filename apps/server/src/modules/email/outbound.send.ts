import type { DeliveryState } from "@khidma/contracts";
import type Nodemailer from "nodemailer";
import type { AppContext } from "../../app";
import { decryptSecret } from "../../platform/crypto";
import type { Executor } from "../../platform/db";
import { recordEvent } from "../../platform/events";
import { type JobRun, PermanentJobError } from "../../platform/jobs";
import { lazyPackage } from "../../platform/lazy";
import {
  afterCommit,
  messageDeliveryChanged,
  type Outgoing,
  publishAfterCommit,
  transact,
} from "../../platform/realtime-publish";
import { composeReply } from "./outbound.compose";
import {
  contactEmails,
  type DeliveryRow,
  findOutbound,
  type SmtpSettings,
  setDelivery,
  threadBefore,
} from "./outbound.repo";

const nodemailer = lazyPackage<typeof Nodemailer>("nodemailer");

/**
 * Reasons the server itself gives for a failed delivery. They are stored as
 * these codes and translated by the agent app; SMTP errors are stored as the
 * server said them.
 */
export const DELIVERY_REASONS = {
  noSmtp: "no_smtp_settings",
  noRecipient: "no_recipient",
  inboxDisabled: "inbox_disabled",
} as const;

/** The live update of a message's delivery columns as stored (see messageDeliveryChanged). */
export function deliveryChange(accountId: number, row: DeliveryRow): Outgoing {
  return messageDeliveryChanged(accountId, row.conversation_id, {
    messageId: row.id,
    deliveryState: row.delivery_state as DeliveryState | null,
    deliveryError: row.delivery_error,
    deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
  });
}

function smtpOf(value: unknown): SmtpSettings | null {
  if (!value || typeof value !== "object") return null;
  const s = value as Partial<SmtpSettings>;
  if (!s.host || !s.port) return null;
  return {
    host: s.host,
    port: s.port,
    secure: s.secure === true,
    user: s.user ?? null,
    passwordEnc: s.passwordEnc ?? null,
  };
}

function transportFor(ctx: AppContext, smtp: SmtpSettings) {
  const pass = smtp.passwordEnc ? decryptSecret(ctx.config, smtp.passwordEnc) : undefined;
  return nodemailer().createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: pass ?? "" } } : {}),
    // A stalled server must not hold a job past its lease.
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
}

const bracket = (id: string) => `<${id}>`;

/**
 * The send job's work: composes the reply from the thread and sends it over
 * the inbox's SMTP server. Idempotent: a message already sent is skipped, and
 * a retried send carries the same Message-ID, so a receiver that saw the
 * first copy can drop the second. A failure is kept on the message (still
 * queued) and thrown, so the job retries; the last one marks it failed.
 */
export async function deliverEmail(ctx: AppContext, job: JobRun<{ messageId: number }>): Promise<void> {
  const accountId = job.accountId;
  const row = await findOutbound(ctx.db, accountId, job.payload.messageId);
  if (row?.delivery_state !== "queued") return;
  if (row.inbox_disabled_at) throw new PermanentJobError(DELIVERY_REASONS.inboxDisabled);
  const smtp = smtpOf(row.smtp);
  if (!smtp) throw new PermanentJobError(DELIVERY_REASONS.noSmtp);
  // An address the customer left with the message (the widget's offline
  // form) is where they asked to be answered; otherwise the contact's own.
  const emails = row.reply_address
    ? [{ value: row.reply_address, bounced_at: null }]
    : await contactEmails(ctx.db, accountId, row.contact_id);
  const to = emails.find((e) => !e.bounced_at) ?? emails[0];
  if (!to) throw new PermanentJobError(DELIVERY_REASONS.noRecipient);

  const thread = await threadBefore(ctx.db, accountId, row.conversation_id, row.id);
  const composed = composeReply({
    body: row.body,
    subject: row.subject,
    number: row.number,
    signature: row.signature,
    language: row.language === "ar" || row.language === "en" ? row.language : null,
    thread: thread.map((m) => ({
      kind: m.kind,
      emailMessageId: m.email_message_id,
      references: m.email_references,
    })),
  });
  const messageId = row.email_message_id ?? `khidma.${accountId}.${row.id}@${row.address.split("@")[1]}`;
  const automatic = row.author_user_id === null;
  const transport = transportFor(ctx, smtp);
  try {
    await transport.sendMail({
      from: { name: row.author_name ?? row.inbox_name, address: row.address },
      to: to.value,
      subject: composed.subject,
      text: composed.text,
      html: composed.html,
      messageId: bracket(messageId),
      ...(composed.inReplyTo ? { inReplyTo: bracket(composed.inReplyTo) } : {}),
      ...(composed.references.length ? { references: composed.references.map(bracket) } : {}),
      // RFC 3834: an automatic answer says so, so the other side does not answer it in turn.
      headers: {
        "Content-Language": composed.language,
        ...(automatic ? { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" } : {}),
      },
    });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    // Still queued, now with the reason it has not gone yet.
    const stored = await setDelivery(ctx.db, accountId, row.id, { delivery_error: reason });
    if (stored) publishAfterCommit(ctx, [deliveryChange(accountId, stored)]);
    throw err;
  } finally {
    transport.close();
  }
  const now = ctx.clock.now();
  await transact(ctx, async (tx) => {
    const stored = await setDelivery(tx, accountId, row.id, {
      delivery_state: "sent",
      delivered_at: now,
      delivery_error: null,
      email_message_id: messageId,
      email_in_reply_to: composed.inReplyTo,
      email_references: composed.references,
    });
    await recordDelivery(tx, accountId, row.id, { state: "sent", to: to.value }, now);
    if (stored) afterCommit(tx, deliveryChange(accountId, stored));
  });
}

/** Marks a message failed after its last attempt (the send job's onDead). */
export async function markDeliveryFailed(
  tx: Executor,
  accountId: number,
  messageId: number,
  reason: string,
  at: Date,
): Promise<void> {
  const stored = await setDelivery(tx, accountId, messageId, {
    delivery_state: "failed",
    delivery_error: reason,
  });
  await recordDelivery(tx, accountId, messageId, { state: "failed", reason }, at);
  // Announced once the job's transaction commits (the job runner opens it with transact).
  if (stored) afterCommit(tx, deliveryChange(accountId, stored));
}

async function recordDelivery(
  tx: Executor,
  accountId: number,
  messageId: number,
  after: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await recordEvent(
    tx,
    { accountId, userId: null },
    { type: "message.delivery", subjectType: "message", subjectId: messageId, after, at },
  );
}
