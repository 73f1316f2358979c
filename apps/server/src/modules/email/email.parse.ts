import { createHash } from "node:crypto";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AddressObject, ParsedMail, SimpleParserOptions } from "mailparser";
import { lazyPackage } from "../../platform/lazy";

const mailparser = lazyPackage<typeof import("mailparser")>("mailparser");

/** Why a raw message was refused before it was stored. */
export type RefusalReason = "too_large" | "headers_too_large" | "empty" | "malformed";

/** Thrown by readRaw when a message is refused outright. */
export class RawRefusedError extends Error {
  constructor(readonly reason: RefusalReason) {
    super(reason);
  }
}

/** One address of a header. */
export interface MailAddress {
  address: string;
  name: string;
}

/** A parsed message reduced to what ingest needs. */
export interface InboundMail {
  parsed: ParsedMail;
  /** Message-ID without angle brackets; a stable hash id when the message has none. */
  messageId: string;
  hasOwnMessageId: boolean;
  inReplyTo: string | null;
  references: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress | null;
  subject: string;
  text: string;
  html: string | null;
  size: number;
}

/** Limits of reading one message. */
export interface ParseLimits {
  /** The largest raw message, in bytes. */
  maxBytes: number;
  /** The largest header block, in bytes. */
  maxHeaderBytes?: number;
}

// Below the parser's own limit on one header block, so the refusal is ours and clear.
const HEADER_LIMIT = 768 * 1024;
const ID_MAX = 500;

// Counts bytes as they pass and refuses the message past the limits, so an
// oversized message is stopped while it streams in, not after it is buffered.
class Limiter extends Transform {
  size = 0;
  private headerDone = false;
  private tail = "";

  constructor(private readonly limits: Required<ParseLimits>) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const before = this.size;
    this.size += chunk.length;
    if (this.size > this.limits.maxBytes) {
      done(new RawRefusedError("too_large"));
      return;
    }
    if (!this.headerDone) {
      const seen = this.tail + chunk.toString("latin1");
      const end = seen.search(/\r?\n\r?\n/);
      const headerBytes = end >= 0 ? before - this.tail.length + end : this.size;
      if (headerBytes > this.limits.maxHeaderBytes) {
        done(new RawRefusedError("headers_too_large"));
        return;
      }
      this.headerDone = end >= 0;
      this.tail = seen.slice(-4);
    }
    done(null, chunk);
  }
}

/** Reads a raw message (buffer or stream) within the limits; throws RawRefusedError. */
export async function readRaw(raw: Buffer | Readable, limits: ParseLimits): Promise<Buffer> {
  const limiter = new Limiter({
    maxBytes: limits.maxBytes,
    maxHeaderBytes: limits.maxHeaderBytes ?? HEADER_LIMIT,
  });
  const chunks: Buffer[] = [];
  limiter.on("data", (c: Buffer) => chunks.push(c));
  await pipeline(Buffer.isBuffer(raw) ? Readable.from([raw]) : raw, limiter);
  const data = Buffer.concat(chunks);
  if (data.toString("latin1").trim() === "") throw new RawRefusedError("empty");
  return data;
}

/** A Message-ID as stored: without brackets or spaces, bounded; null when there is none. */
export function normalizeMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const id = raw
    .trim()
    .replace(/^<+|>+$/g, "")
    .replace(/\s+/g, "");
  if (!id || id.length > ID_MAX) return null;
  return id;
}

/** The ids of a References or In-Reply-To value, in order, without duplicates. */
export function messageIdList(raw: string | string[] | null | undefined): string[] {
  const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const ids: string[] = [];
  for (const value of values) {
    const found = value.match(/<[^<>\s]+>/g) ?? value.split(/\s+/);
    for (const f of found) {
      const id = normalizeMessageId(f);
      if (id && !ids.includes(id)) ids.push(id);
    }
  }
  return ids.slice(-50);
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: MailAddress[] = [];
  const walk = (entries: AddressObject["value"]) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ address: e.address.trim().toLowerCase(), name: (e.name ?? "").trim() });
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

// A message without a Message-ID still needs one stable key, the same
// whichever way it arrives (SMTP adds Received lines, IMAP does not), so it
// is taken from what the sender wrote, not from the raw bytes.
function hashId(p: ParsedMail, from: MailAddress | null): string {
  const h = createHash("sha256");
  h.update(from?.address ?? "");
  h.update("\0");
  h.update(p.date ? p.date.toISOString() : "");
  h.update("\0");
  h.update(p.subject ?? "");
  h.update("\0");
  h.update(p.text ?? "");
  h.update("\0");
  h.update(typeof p.html === "string" ? p.html : "");
  for (const a of p.attachments) h.update(`\0${a.checksum ?? ""}`);
  return `${h.digest("hex").slice(0, 40)}@no-message-id.khidma`;
}

/**
 * Parses a raw message with mailparser: charsets (windows-1256, ISO-8859-6,
 * UTF-8 and the rest iconv-lite knows), encoded-word headers and RFC 2231
 * filenames are decoded there. cid: links stay as they are, to be pointed at
 * stored attachments; delivery reports stay attachments, to be read as such.
 */
export async function parseMail(data: Buffer): Promise<InboundMail> {
  const parsed = await mailparser()
    .simpleParser(data, PARSER_OPTIONS)
    .catch((err: unknown) => {
      // A part nested deep in the message can still break the parser (a header
      // block over its limit): the message is refused with a reason, not lost.
      throw Object.assign(new RawRefusedError("malformed"), { cause: err });
    });
  return reduceParsed(parsed, data.length);
}

/** The options ingest parses with: no text-to-HTML or linkify, which it never shows. */
export const PARSER_OPTIONS: SimpleParserOptions = {
  skipImageLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  keepDeliveryStatus: true,
  maxHtmlLengthToParse: 2 * 1024 * 1024,
};

function reduceParsed(parsed: ParsedMail, size: number): InboundMail {
  const from = addresses(parsed.from)[0] ?? null;
  const own = normalizeMessageId(parsed.messageId);
  return {
    parsed,
    messageId: own ?? hashId(parsed, from),
    hasOwnMessageId: own !== null,
    inReplyTo: messageIdList(parsed.inReplyTo)[0] ?? null,
    references: messageIdList(parsed.references),
    from,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo)[0] ?? null,
    subject: (parsed.subject ?? "").replace(/\s+/g, " ").trim(),
    text: (parsed.text ?? "").replace(/\r\n/g, "\n"),
    html: typeof parsed.html === "string" ? parsed.html : null,
    size,
  };
}
