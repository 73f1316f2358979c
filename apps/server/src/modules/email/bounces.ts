import type { Language } from "@khidma/contracts";
import type { ParsedMail } from "mailparser";
import type { AppContext } from "../../app";
import { recordEvent } from "../../platform/events";
import { t } from "../../platform/i18n";
import { transact } from "../../platform/realtime-publish";
import { addSystemMessage } from "../conversations/messages.service";
import { type DsnRecipient, readDsn } from "./bounces.parse";
import { flagBouncedAddress, messageByEmailIds, setEmailMeta } from "./bounces.repo";
import { markDeliveryFailed } from "./outbound.send";

/** What became of a delivery status notification. */
export interface BounceResult {
  /** The conversation the report was attached to; null when it names no message of ours. */
  conversationId: number | null;
  /** The note that holds the report in that conversation. */
  messageId: number | null;
  /** Contact addresses now flagged as bouncing. */
  flagged: string[];
  /** The same report (by Message-ID) was handled before; nothing was changed. */
  duplicate: boolean;
}

function reasonOf(r: DsnRecipient): string {
  return [r.status, r.diagnostic].filter(Boolean).join(" ").slice(0, 500) || r.action;
}

/**
 * Handles a DSN (multipart/report; report-type=delivery-status). The report
 * is attached, as a note, to the conversation of the message it refers to
 * (by the returned headers' Message-ID, then In-Reply-To and References);
 * every recipient whose Action is "failed" has its contact address flagged
 * (bounced_at, bounce_reason), and our reply that bounced is marked failed.
 * One transaction; a report seen before (same Message-ID) changes nothing.
 */
export async function handleBounce(
  ctx: AppContext,
  input: { accountId: number; parsed: ParsedMail },
): Promise<BounceResult> {
  const { accountId, parsed } = input;
  const report = readDsn(parsed);
  const failed = report.recipients.filter((r) => r.action === "failed");
  const dsnId = parsed.messageId ? parsed.messageId.replace(/^<|>$/g, "").trim() || null : null;
  return transact(ctx, async (tx) => {
    const at = ctx.clock.now();
    if (dsnId && (await messageByEmailIds(tx, accountId, [dsnId]))) {
      return { conversationId: null, messageId: null, flagged: [], duplicate: true };
    }
    const flagged: string[] = [];
    for (const r of failed) {
      const reason = reasonOf(r);
      const contactId = await flagBouncedAddress(tx, accountId, r.address, reason, at);
      if (contactId === undefined) continue;
      flagged.push(r.address);
      await recordEvent(
        tx,
        { accountId, userId: null },
        {
          type: "contact.email_bounced",
          subjectType: "contact",
          subjectId: contactId,
          after: { email: r.address, reason },
          at,
        },
      );
    }
    const original = await messageByEmailIds(tx, accountId, report.originalIds);
    if (!original) return { conversationId: null, messageId: null, flagged, duplicate: false };

    const account = await tx
      .selectFrom("accounts")
      .select("default_language")
      .where("id", "=", accountId)
      .executeTakeFirst();
    const lang: Language = account?.default_language === "en" ? "en" : "ar";
    const lines = (failed.length ? failed : report.recipients).map((r) =>
      t(lang, "email.bounce_note", { address: r.address, reason: reasonOf(r) }),
    );
    const body = lines.length ? lines.join("\n") : t(lang, "email.bounce_note_unknown");
    const noteId = await addSystemMessage(tx, accountId, {
      conversationId: original.conversation_id,
      kind: "note",
      body,
      at,
    });
    await setEmailMeta(tx, accountId, noteId, {
      email_message_id: dsnId,
      email_meta: {
        dsn: { recipients: report.recipients, original: report.originalIds[0] ?? null },
        from: parsed.from?.value[0]?.address ?? null,
        subject: parsed.subject ?? null,
      },
    });
    if (original.kind === "reply" && failed.length && original.delivery_state !== "failed") {
      const reason = `bounced: ${failed.map(reasonOf).join("; ")}`.slice(0, 1000);
      await markDeliveryFailed(tx, accountId, original.id, reason, at);
    }
    return { conversationId: original.conversation_id, messageId: noteId, flagged, duplicate: false };
  });
}
