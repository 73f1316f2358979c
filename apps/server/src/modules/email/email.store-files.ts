import type { Attachment as MailAttachment } from "mailparser";
import type { Config } from "../../platform/config";
import { FileTooLargeError, putFile } from "../../platform/storage";
import type { AttachmentRow } from "./email.repo";

/** A file of an inbound message, written to storage before the transaction. */
export type PreparedFile = Omit<AttachmentRow, "id" | "conversation_id" | "message_id">;

/** An attachment that was not kept, and why; agents see it listed. */
export interface SkippedFile {
  filename: string;
  size: number;
  reason: "too_large";
}

const FILENAME_MAX = 255;

function cleanFilename(raw: string | undefined, contentType: string, index: number): string {
  // No path parts, no control characters: the name is shown and offered on download.
  const base = (raw ?? "")
    .replace(/[\\/]/g, "_")
    .split("")
    .filter((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)
    .join("")
    .trim();
  if (base) return Array.from(base).slice(0, FILENAME_MAX).join("");
  const ext =
    contentType
      .split("/")[1]
      ?.replace(/[^a-z0-9]/gi, "")
      .slice(0, 8) || "bin";
  return `attachment-${index + 1}.${ext}`;
}

/**
 * Stores the attachments and inline images of a message on disk (content
 * addressed, so storing one twice is harmless and a failed transaction
 * leaves at most an unreferenced file). Delivery-report parts are data for
 * ingest, not files. Files over the limit are listed as skipped.
 */
export async function storeMailFiles(
  config: Pick<Config, "dataDir" | "attachmentLimit">,
  attachments: MailAttachment[],
  referencedCids: Set<string>,
): Promise<{ files: PreparedFile[]; skipped: SkippedFile[] }> {
  // Written side by side: each write waits for its own fsync, not for the others'.
  const outcomes = await Promise.all(
    attachments.map(async (a, index): Promise<PreparedFile | SkippedFile | null> => {
      const declared = a.contentType.toLowerCase();
      if (declared === "message/delivery-status" || declared === "message/global-delivery-status")
        return null;
      const filename = cleanFilename(a.filename, declared, index);
      try {
        const stored = await putFile(config, a.content, { declaredType: declared, filename });
        const cid = a.contentId ? a.contentId.replace(/^<|>$/g, "").trim().toLowerCase() || null : null;
        const inline =
          cid !== null &&
          stored.contentType.startsWith("image/") &&
          (referencedCids.has(cid) || a.contentDisposition === "inline");
        return {
          filename,
          content_type: stored.contentType,
          size: stored.size,
          sha256: stored.sha256,
          storage_key: stored.storageKey,
          content_id: cid,
          inline,
        };
      } catch (err) {
        if (!(err instanceof FileTooLargeError)) throw err;
        return { filename, size: a.content.length, reason: "too_large" };
      }
    }),
  );
  const files = outcomes.filter((o): o is PreparedFile => o !== null && "storage_key" in o);
  const skipped = outcomes.filter((o): o is SkippedFile => o !== null && "reason" in o);
  return { files, skipped };
}

/** The cid: references of an HTML body, lower case. */
export function cidReferences(html: string | null): Set<string> {
  const found = new Set<string>();
  if (!html) return found;
  for (const m of html.matchAll(/cid:([^"'\s>)]+)/gi)) {
    if (m[1]) found.add(decodeURIComponent(m[1]).replace(/^<|>$/g, "").toLowerCase());
  }
  return found;
}
