import type { Readable } from "node:stream";
import type { Attachment, Message } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Principal } from "../../platform/auth";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { INLINE_SAFE_TYPES } from "../../platform/sniff";
import { openFile } from "../../platform/storage";
import { canDownloadAttachment } from "./attachments.policy";
import { type AttachmentRow, attachmentRowsOf, findAttachmentRow } from "./email.repo";

/** The download URL of an attachment. */
export function attachmentUrl(id: number): string {
  return `/api/v1/attachments/${id}`;
}

function present(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.content_type,
    size: row.size,
    inline: row.inline,
    url: attachmentUrl(row.id),
  };
}

/** The stored attachment rows of some messages, in id order (chat lists them its own way). */
export function attachmentRowsOfMessages(
  db: Executor,
  accountId: number,
  messageIds: number[],
): Promise<AttachmentRow[]> {
  return attachmentRowsOf(db, accountId, messageIds);
}

/** Adds each message's attachments (an empty list for messages without any). */
export async function withAttachments<T extends Pick<Message, "id">>(
  db: Executor,
  accountId: number,
  messages: T[],
): Promise<(T & { attachments: Attachment[] })[]> {
  const rows = await attachmentRowsOf(
    db,
    accountId,
    messages.map((m) => m.id),
  );
  const byMessage = new Map<number, Attachment[]>();
  for (const r of rows) {
    if (r.message_id === null) continue;
    byMessage.set(r.message_id, [...(byMessage.get(r.message_id) ?? []), present(r)]);
  }
  return messages.map((m) => ({ ...m, attachments: byMessage.get(m.id) ?? [] }));
}

/** A file ready to send: its stream and the headers that make a browser handle it safely. */
export interface AttachmentDownload {
  stream: Readable;
  contentType: string;
  size: number;
  disposition: string;
}

// RFC 6266: an ASCII fallback and the UTF-8 name for Arabic filenames.
function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Opens an attachment of the principal's account for download. Only raster
 * images may be shown inline; everything else is a download, so an HTML or
 * SVG file can never run in the app's origin.
 */
export async function downloadAttachment(
  ctx: AppContext,
  principal: Principal,
  id: number,
): Promise<AttachmentDownload> {
  canDownloadAttachment(principal);
  const row = await findAttachmentRow(ctx.db, principal.accountId, id);
  if (!row) throw new AppError("not_found", { resource: "resource.attachment" });
  let stream: Readable;
  try {
    stream = await openFile(ctx.config, row.storage_key);
  } catch {
    throw new AppError("not_found", { resource: "resource.attachment" });
  }
  const inline = INLINE_SAFE_TYPES.has(row.content_type);
  return {
    stream,
    contentType:
      inline || row.content_type === "application/pdf" ? row.content_type : "application/octet-stream",
    size: row.size,
    disposition: contentDisposition(inline ? "inline" : "attachment", row.filename),
  };
}
