import type { Language } from "@khidma/contracts";
import type { AppContext } from "../../app";
import { t } from "../../platform/i18n";
import { transact } from "../../platform/realtime-publish";
import { detectLanguage } from "../conversations/conversations.rules";
import { addSystemMessage } from "../conversations/messages.service";
import { setEmailMeta } from "./bounces.repo";
import { ackContext, autoRepliesSince, contactAddresses, isInboxAddress } from "./loop.repo";
import { queueEmailReply } from "./outbound.service";

/** At most this many automatic replies go to one contact in an hour. */
export const AUTO_REPLIES_PER_HOUR = 3;

/** The part of the inbound classification loop protection reads. */
export interface LoopClassification {
  /** True for Auto-Submitted, Precedence bulk/list/junk, List-Id, mailer-daemon mail and DSNs. */
  noAutoReply: boolean;
}

/** Why no acknowledgement was sent. */
export type AckSkip = "not_new" | "automatic" | "off" | "own_address" | "rate_limited";

// Senders that are machines by their local part, whatever the headers say.
const MACHINE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|no-?reply|do-?not-?reply|bounces?)([+.-]|@)/i;

/** Whether an address belongs to a machine that must never get an automatic answer. */
export function isMachineAddress(address: string): boolean {
  return MACHINE_SENDER.test(address);
}

function senderOf(meta: unknown): string | null {
  if (!meta || typeof meta !== "object") return null;
  const from = (meta as { from?: unknown }).from;
  if (typeof from === "string") return /<([^>]+)>/.exec(from)?.[1]?.toLowerCase() ?? from.toLowerCase();
  if (from && typeof from === "object" && "address" in from && typeof from.address === "string") {
    return from.address.toLowerCase();
  }
  return null;
}

/**
 * Runs after an inbound email is committed. When it opened a new
 * conversation and its inbox has auto_ack on, it sends the customer an
 * acknowledgement with the conversation number, in the customer's language,
 * through the same durable send job as an agent's reply — unless the email
 * is automatic (classification, or a machine sender), comes from one of our
 * own inbox addresses (a loop between two inboxes), or the contact already
 * had AUTO_REPLIES_PER_HOUR automatic replies in the last hour (counted from
 * the messages table, so the limit holds across processes and restarts).
 */
export async function afterInboundEmail(
  ctx: AppContext,
  input: {
    accountId: number;
    conversationId: number;
    messageId: number;
    created: boolean;
    classification: LoopClassification | null;
  },
): Promise<{ acknowledged: boolean; skipped: AckSkip | null; messageId: number | null }> {
  const skip = (skipped: AckSkip) => ({ acknowledged: false, skipped, messageId: null });
  if (!input.created) return skip("not_new");
  if (input.classification?.noAutoReply) return skip("automatic");
  const { accountId, conversationId } = input;
  return transact(ctx, async (tx) => {
    const info = await ackContext(tx, accountId, conversationId, input.messageId);
    if (!info?.auto_ack) return skip("off");
    const sender =
      senderOf(info.email_meta) ?? (await contactAddresses(tx, accountId, info.contact_id))[0] ?? null;
    if (!sender || isMachineAddress(sender)) return skip("automatic");
    if (sender === info.inbox_address || (await isInboxAddress(tx, sender))) return skip("own_address");
    const at = ctx.clock.now();
    const since = new Date(at.getTime() - 3_600_000);
    if ((await autoRepliesSince(tx, accountId, info.contact_id, since)) >= AUTO_REPLIES_PER_HOUR) {
      return skip("rate_limited");
    }
    const lang: Language =
      info.contact_language === "ar" || info.contact_language === "en"
        ? info.contact_language
        : info.language === "ar" || info.language === "en"
          ? info.language
          : detectLanguage(JSON.stringify(info.email_meta ?? ""));
    const body = t(lang, "email.ack_body", { number: info.number });
    const messageId = await addSystemMessage(tx, accountId, { conversationId, kind: "reply", body, at });
    await setEmailMeta(tx, accountId, messageId, { email_meta: { auto: "ack", language: lang } });
    await queueEmailReply(tx, accountId, { conversationId, messageId, at });
    return { acknowledged: true, skipped: null, messageId };
  });
}
