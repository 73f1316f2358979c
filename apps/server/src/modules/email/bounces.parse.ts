import type { ParsedMail } from "mailparser";

/** One recipient of a delivery status notification (RFC 3464). */
export interface DsnRecipient {
  address: string;
  action: string;
  status: string | null;
  diagnostic: string | null;
}

/** What a DSN says: its recipients and the Message-IDs it may refer to. */
export interface DsnReport {
  recipients: DsnRecipient[];
  /** Candidate ids (without brackets) of the message that bounced, best first. */
  originalIds: string[];
}

function unfold(text: string): string[] {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/\n[ \t]+/g, " ")
    .split("\n");
}

function afterType(value: string): string {
  // "rfc822; someone@example.net" and "smtp; 550 …": the part after the type.
  const i = value.indexOf(";");
  return (i >= 0 ? value.slice(i + 1) : value).trim();
}

/** The per-recipient fields of a delivery-status body. */
export function parseDeliveryStatus(text: string): DsnRecipient[] {
  const recipients: DsnRecipient[] = [];
  let fields = new Map<string, string>();
  const flush = () => {
    const who = fields.get("final-recipient") ?? fields.get("original-recipient");
    if (who) {
      const address = afterType(who).replace(/^<|>$/g, "").toLowerCase();
      if (address.includes("@")) {
        recipients.push({
          address,
          action: (fields.get("action") ?? "failed").toLowerCase(),
          status: fields.get("status") ?? null,
          diagnostic: fields.has("diagnostic-code") ? afterType(fields.get("diagnostic-code") ?? "") : null,
        });
      }
    }
    fields = new Map();
  };
  for (const line of unfold(text)) {
    if (!line.trim()) {
      flush();
      continue;
    }
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) fields.set(m[1].toLowerCase(), m[2].trim());
  }
  flush();
  // One address may appear in the text part and in the report part.
  const seen = new Set<string>();
  return recipients.filter((r) => !seen.has(r.address) && seen.add(r.address));
}

const MESSAGE_ID = /^(?:message-id|x-original-message-id|original-message-id):\s*<([^>\s]+)>/gim;

function idsIn(text: string): string[] {
  return [...unfold(text).join("\n").matchAll(MESSAGE_ID)].map((m) => m[1] as string);
}

const strip = (id: string) => id.replace(/^<|>$/g, "").trim();

/**
 * Reads a DSN as mailparser gives it: the delivery-status fields end up in
 * the text (or in a message/delivery-status attachment); the returned
 * headers or message come as a text/rfc822-headers or message/rfc822
 * attachment, whose Message-ID names the message that bounced. In-Reply-To
 * and References of the report itself come last.
 */
export function readDsn(parsed: ParsedMail): DsnReport {
  const parts: string[] = [];
  const returned: string[] = [];
  for (const a of parsed.attachments ?? []) {
    const type = a.contentType.toLowerCase();
    const text = a.content.toString("utf8");
    if (type.includes("delivery-status")) parts.push(text);
    else if (type === "text/rfc822-headers" || type === "message/rfc822" || type === "message/global") {
      returned.push(text);
    }
  }
  parts.push(parsed.text ?? "");
  const recipients = parseDeliveryStatus(parts.join("\n\n"));
  const own = parsed.messageId ? strip(parsed.messageId) : null;
  const refs = Array.isArray(parsed.references)
    ? parsed.references
    : parsed.references
      ? [parsed.references]
      : [];
  const candidates = [
    ...returned.flatMap(idsIn),
    ...idsIn(parsed.text ?? ""),
    ...(parsed.inReplyTo ? [parsed.inReplyTo] : []),
    ...refs.reverse(),
  ].map(strip);
  const originalIds = [...new Set(candidates)].filter((id) => id && id !== own);
  return { recipients, originalIds };
}
