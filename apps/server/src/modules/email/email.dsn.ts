import type { ParsedMail } from "mailparser";
import { messageIdList, normalizeMessageId } from "./email.parse";

/** One recipient of a delivery status notification. */
export interface DsnRecipient {
  address: string;
  /** failed, delayed, delivered, relayed, expanded */
  action: string | null;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string | null;
  diagnostic: string | null;
}

/** What a delivery report says: the recipients and the message it reports on. */
export interface DsnReport {
  recipients: DsnRecipient[];
  /** Message-ID of the message that bounced, from the returned headers. */
  originalMessageId: string | null;
}

function fields(block: string): Map<string, string> {
  const map = new Map<string, string>();
  // Unfold continuation lines first (RFC 5322 folding).
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) map.set(m[1].toLowerCase(), m[2].trim());
  }
  return map;
}

function stripType(value: string | undefined): string | null {
  if (!value) return null;
  const i = value.indexOf(";");
  return (i >= 0 ? value.slice(i + 1) : value).trim() || null;
}

/** Reads the machine-readable part of a delivery report (RFC 3464) and the returned message's id. */
export function readDsn(parsed: ParsedMail): DsnReport {
  const recipients: DsnRecipient[] = [];
  let originalMessageId: string | null = null;
  for (const a of parsed.attachments) {
    const type = a.contentType.toLowerCase();
    const text = a.content.toString("utf8");
    if (type === "message/delivery-status" || type === "message/global-delivery-status") {
      // The first block is about the message, each next one about a recipient.
      const blocks = text.split(/\r?\n\s*\r?\n/).slice(1);
      for (const block of blocks) {
        const f = fields(block);
        const address = stripType(f.get("final-recipient") ?? f.get("original-recipient"));
        if (!address) continue;
        recipients.push({
          address: address.replace(/^<|>$/g, "").toLowerCase(),
          action: f.get("action")?.toLowerCase() ?? null,
          status: f.get("status") ?? null,
          diagnostic: stripType(f.get("diagnostic-code"))?.slice(0, 1000) ?? null,
        });
      }
    } else if (
      !originalMessageId &&
      (type === "message/rfc822" || type === "text/rfc822-headers" || type === "message/global-headers")
    ) {
      const headerPart = text.split(/\r?\n\r?\n/)[0] ?? "";
      const id = fields(headerPart).get("message-id");
      originalMessageId = normalizeMessageId(id ?? null);
    }
  }
  if (!originalMessageId) {
    originalMessageId = messageIdList(parsed.inReplyTo)[0] ?? messageIdList(parsed.references).at(-1) ?? null;
  }
  return { recipients, originalMessageId };
}
