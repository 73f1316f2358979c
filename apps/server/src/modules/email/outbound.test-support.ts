import type { ConversationDetail } from "@khidma/contracts";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { encryptSecret } from "../../platform/crypto";
import type { TestApp, TestUser } from "../../test/harness";
import { unique } from "../../test/harness";
import { openConversation } from "../conversations/conversations.fixtures";

/** A real SMTP server on a loopback port that keeps what it is sent. */
export interface CaptureSmtp {
  port: number;
  mails: ParsedMail[];
  logins: { user: string; pass: string }[];
  /** While set, every message is refused with this SMTP reply. */
  refuse: { code: number; text: string } | null;
  close(): Promise<void>;
}

/** Starts a capturing SMTP server on a free port between 20000 and 32000. */
export async function startCaptureSmtp(): Promise<CaptureSmtp> {
  const capture: Omit<CaptureSmtp, "port" | "close"> = { mails: [], logins: [], refuse: null };
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      capture.logins.push({ user: auth.username ?? "", pass: auth.password ?? "" });
      cb(null, { user: auth.username });
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (capture.refuse) {
          const err = new Error(capture.refuse.text) as Error & { responseCode: number };
          err.responseCode = capture.refuse.code;
          cb(err);
          return;
        }
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            capture.mails.push(mail);
            cb();
          })
          .catch((err: Error) => cb(err));
      });
    },
  });
  // SMTPServer re-emits its socket server's errors on itself, and an error
  // with no listener there throws: a port another program holds must only
  // make us try the next one.
  let onError: (() => void) | null = null;
  server.on("error", () => onError?.());
  for (let i = 0; i < 50; i += 1) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise<boolean>((resolve) => {
      onError = () => resolve(false);
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    onError = null;
    if (ok) {
      return Object.assign(capture as CaptureSmtp, {
        port,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      });
    }
  }
  throw new Error("no free port for the test SMTP server");
}

/** Adds an email inbox to an account directly; smtp null leaves it without an outgoing server. */
export async function insertEmailInbox(
  t: TestApp,
  accountId: number,
  opts: { smtpPort?: number | null; signature?: string | null; autoAck?: boolean; name?: string } = {},
): Promise<{ id: number; address: string }> {
  const address = `${unique("support")}@shop.example`.toLowerCase();
  const smtp =
    opts.smtpPort === undefined || opts.smtpPort === null
      ? null
      : {
          host: "127.0.0.1",
          port: opts.smtpPort,
          secure: false,
          user: "mailer",
          passwordEnc: encryptSecret(t.ctx.config, "s3cret-pass"),
        };
  const row = await t.ctx.db
    .insertInto("inboxes")
    .values({
      account_id: accountId,
      channel: "email",
      name: opts.name ?? "Support",
      address,
      signature: opts.signature ?? null,
      auto_ack: opts.autoAck ?? false,
      smtp: smtp ? JSON.stringify(smtp) : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, address };
}

/**
 * Opens a conversation through the API and makes it an email conversation of
 * the inbox, its first message the customer's email with the given Message-ID.
 */
export async function openEmailConversation(
  t: TestApp,
  user: TestUser,
  inboxId: number,
  opts: { subject?: string; body?: string; messageId?: string; references?: string[]; email?: string } = {},
): Promise<ConversationDetail & { customerMessageId: string; email: string }> {
  const email = opts.email ?? `${unique("cust")}@example.net`.toLowerCase();
  const c = await openConversation(t, user, {
    subject: opts.subject ?? "Order 1234 has not arrived",
    body: opts.body ?? "Where is my order?",
    contact: { name: "Customer", email },
  });
  const customerMessageId = opts.messageId ?? `${unique("cust")}@mail.example.net`;
  await t.ctx.db
    .updateTable("conversations")
    .set({ inbox_id: inboxId, channel: "email" })
    .where("account_id", "=", user.accountId)
    .where("id", "=", c.id)
    .execute();
  await t.ctx.db
    .updateTable("messages")
    .set({ email_message_id: customerMessageId, email_references: opts.references ?? [] })
    .where("account_id", "=", user.accountId)
    .where("conversation_id", "=", c.id)
    .where("kind", "=", "inbound")
    .execute();
  return { ...c, customerMessageId, email };
}
