import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { AppContext } from "../../app";
import { lazyPackage } from "../../platform/lazy";
import { inboxByAddress } from "../inboxes/inboxes.service";
import { ingestRawEmail, messageSizeLimit } from "./email.ingest";
import { RawRefusedError, readRaw } from "./email.parse";

/** Where the receiver logs: a pino-like logger. */
interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A running SMTP receiver. */
export interface SmtpReceiver {
  port: number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

const REFUSALS: Record<string, [number, string]> = {
  too_large: [552, "5.3.4 Message too big for this system"],
  headers_too_large: [552, "5.3.4 Message header block too big"],
  empty: [554, "5.6.0 Empty message refused"],
  malformed: [554, "5.6.0 Message could not be parsed as MIME"],
  unknown_recipient: [550, "5.1.1 No such mailbox here"],
};

/**
 * Starts the built-in SMTP receiver for self-hosters whose MX points at
 * Khidma. It accepts mail only for the addresses of active inboxes (550
 * otherwise) and answers 250 only after the message is committed; a
 * failure that may pass (the database is down) answers 451, so the sending
 * server tries again later; input that can never be stored gets a 5xx
 * reason. No AUTH: it is a receiving MX, not a relay. With a key and a
 * certificate (SMTP_TLS_KEY, SMTP_TLS_CERT) it offers STARTTLS, so sending
 * servers can encrypt the mail on its way in; without them it offers none
 * rather than a certificate nobody issued.
 */
export async function startSmtpReceiver(
  ctx: AppContext,
  opts: { port: number; host?: string; log?: Log; tls?: { keyFile: string; certFile: string } | null },
): Promise<SmtpReceiver> {
  const limit = messageSizeLimit(ctx.config);
  const log = opts.log;
  const tls = opts.tls ? readTls(opts.tls) : null;
  const { SMTPServer } = lazyPackage<typeof import("smtp-server")>("smtp-server")();
  const server = new SMTPServer({
    banner: "Khidma",
    size: limit,
    authOptional: true,
    disabledCommands: tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(tls ?? {}),
    logger: false,
    // A slow client must not hold a connection forever; a normal one finishes well within.
    socketTimeout: 120_000,
    onRcptTo(address, _session, callback) {
      inboxByAddress(ctx.db, address.address)
        .then((inbox) =>
          callback(inbox ? null : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)),
        )
        .catch((err: unknown) => {
          log?.error({ err }, "smtp: recipient lookup failed");
          callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
        });
    },
    onData(stream, session, callback) {
      receive(ctx, stream, session, limit, log).then(
        (message) => callback(null, message),
        (err: Error) => callback(err),
      );
    },
  });
  server.on("error", (err) => log?.warn({ err }, "smtp: connection error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  log?.info({ port }, "SMTP receiver listening");
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function readTls(files: { keyFile: string; certFile: string }): { key: Buffer; cert: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`SMTP receiver: cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { key: read(files.keyFile, "key"), cert: read(files.certFile, "certificate") };
}

async function receive(
  ctx: AppContext,
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  limit: number,
  log?: Log,
): Promise<string> {
  let raw: Buffer;
  try {
    raw = await readRaw(stream, { maxBytes: limit });
  } catch (err) {
    stream.resume();
    if (err instanceof RawRefusedError) throw smtpError(...(REFUSALS[err.reason] ?? [554, "5.6.0 Refused"]));
    throw err;
  }
  if (stream.sizeExceeded) throw smtpError(...(REFUSALS.too_large as [number, string]));
  const from = session.envelope.mailFrom;
  const envelopeFrom = from ? from.address : "";
  const stored: string[] = [];
  for (const rcpt of session.envelope.rcptTo) {
    try {
      const result = await ingestRawEmail(ctx, {
        recipient: rcpt.address,
        raw,
        source: "smtp",
        envelopeFrom,
      });
      if (result.status === "rejected") {
        throw smtpError(...(REFUSALS[result.reason ?? ""] ?? [554, "5.6.0 Refused"]));
      }
      stored.push(result.messageId ? `#${result.messageId}` : result.status);
    } catch (err) {
      if ((err as { responseCode?: number }).responseCode) throw err;
      // Every recipient is tried again on the retry; the ones stored already are deduplicated.
      log?.error({ err, recipient: rcpt.address }, "smtp: message not stored");
      throw smtpError(451, "4.3.0 Temporary failure storing the message, try again later");
    }
  }
  return `OK stored ${stored.join(" ")}`.trim();
}
