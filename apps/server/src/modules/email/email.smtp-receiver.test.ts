import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Message, Page } from "@khidma/contracts";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createAccount, createTestApp, type TestApp, testDatabase, unique } from "../../test/harness";
import { type SmtpReceiver, startSmtpReceiver } from "./email.smtp-receiver";
import { createEmailInbox } from "./email.test-support";

const hasPython = spawnSync("python3", ["--version"]).status === 0;
const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

describe(`SMTP receiver (${testDatabase})`, () => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    t = await createTestApp({ config: { attachmentLimit: 32 * 1024 } });
    smtp = await startSmtpReceiver(t.ctx, { port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  const transport = () =>
    nodemailer.createTransport({ host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true });

  it("refuses unknown recipients with 550", async () => {
    const err = await transport()
      .sendMail({ from: "a@customer.test", to: `${unique("nobody")}@example.test`, subject: "x", text: "x" })
      .catch((e: { responseCode?: number; response?: string }) => e);
    expect((err as { responseCode?: number }).responseCode).toBe(550);
    expect((err as { response?: string }).response).toContain("no such mailbox");
  });

  it("refuses a message over the size limit with 552 and stores nothing", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const err = await transport()
      .sendMail({
        from: "a@customer.test",
        to: inbox.address,
        subject: "big",
        text: "x".repeat(6 * 1024 * 1024),
      })
      .catch((e: { responseCode?: number }) => e);
    expect((err as { responseCode?: number }).responseCode).toBe(552);
    const rows = await t.ctx.db
      .selectFrom("conversations")
      .select("id")
      .where("account_id", "=", owner.accountId)
      .execute();
    expect(rows).toEqual([]);
  });

  it("answers 451 when the database is unavailable, so the sender retries", async () => {
    const broken = await createTestApp();
    const owner = await createAccount(broken.ctx);
    const inbox = await createEmailInbox(broken, owner);
    const receiver = await startSmtpReceiver(broken.ctx, { port: 0, host: "127.0.0.1" });
    await broken.ctx.db.destroy();
    try {
      const err = await nodemailer
        .createTransport({ host: "127.0.0.1", port: receiver.port, ignoreTLS: true })
        .sendMail({ from: "a@customer.test", to: inbox.address, subject: "x", text: "x" })
        .catch((e: { responseCode?: number }) => e);
      expect((err as { responseCode?: number }).responseCode).toBe(451);
    } finally {
      await receiver.close();
      await broken.app.close();
    }
  });

  it("accepts mail from nodemailer and answers 250 once it is stored", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const info = await transport().sendMail({
      from: '"سارة" <sara@customer.test>',
      to: inbox.address,
      subject: "مرحبا",
      text: "أين طلبي؟",
    });
    expect(info.response).toMatch(/^250 /);
    const conv = await t.ctx.db
      .selectFrom("conversations")
      .select(["id", "channel"])
      .where("account_id", "=", owner.accountId)
      .executeTakeFirstOrThrow();
    expect(conv.channel).toBe("email");
    const page = await call<Page<Message>>(t.app, {
      method: "GET",
      url: `/api/v1/conversations/${conv.id}/messages`,
      headers: owner.headers,
    });
    expect(page.body.items.map((m) => m.body)).toEqual(["أين طلبي؟"]);
  });

  it("offers no STARTTLS without a certificate of its own", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const err = await nodemailer
      .createTransport({ host: "127.0.0.1", port: smtp.port, requireTLS: true })
      .sendMail({ from: "a@customer.test", to: inbox.address, subject: "x", text: "x" })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/STARTTLS/i);
  });

  it.skipIf(!hasOpenssl)(
    "offers STARTTLS with a key and certificate, and stores the encrypted mail",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-smtp-tls-"));
      const keyFile = path.join(dir, "key.pem");
      const certFile = path.join(dir, "cert.pem");
      const made = spawnSync("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=mx.khidma.test",
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ]);
      expect(made.status).toBe(0);
      const secure = await startSmtpReceiver(t.ctx, {
        port: 0,
        host: "127.0.0.1",
        tls: { keyFile, certFile },
      });
      try {
        const owner = await createAccount(t.ctx);
        const inbox = await createEmailInbox(t, owner);
        const info = await nodemailer
          .createTransport({
            host: "127.0.0.1",
            port: secure.port,
            requireTLS: true,
            tls: { rejectUnauthorized: false, servername: "mx.khidma.test" },
          })
          .sendMail({ from: "lina@customer.test", to: inbox.address, subject: "مشفّر", text: "وصلت؟" });
        expect(info.response).toMatch(/^250 /);
        const row = await t.ctx.db
          .selectFrom("messages")
          .select("body")
          .where("account_id", "=", owner.accountId)
          .executeTakeFirstOrThrow();
        expect(row.body).toBe("وصلت؟");
        await expect(
          startSmtpReceiver(t.ctx, { port: 0, tls: { keyFile: path.join(dir, "missing.pem"), certFile } }),
        ).rejects.toThrow(/cannot read the TLS key/);
      } finally {
        await secure.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!hasPython)("accepts mail from Python's smtplib", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const script = [
      "import smtplib, sys",
      "from email.message import EmailMessage",
      "m = EmailMessage()",
      "m['From'] = 'Omar <omar@customer.test>'",
      "m['To'] = sys.argv[2]",
      "m['Subject'] = 'طلب استرجاع'",
      "m['Message-ID'] = '<' + sys.argv[3] + '@customer.test>'",
      "m.set_content('أريد إرجاع المنتج', charset='utf-8')",
      "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]))",
      "refused = s.send_message(m)",
      "print('refused', refused)",
      "s.quit()",
    ].join("\n");
    const id = unique("py");
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn("python3", ["-c", script, String(smtp.port), inbox.address, id]);
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("close", (code) => resolve({ code, out }));
    });
    expect(run.out).toContain("refused {}");
    expect(run.code).toBe(0);
    const row = await t.ctx.db
      .selectFrom("messages")
      .select(["body", "email_message_id"])
      .where("account_id", "=", owner.accountId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ body: "أريد إرجاع المنتج", email_message_id: `${id}@customer.test` });
  });
});
if (!hasPython) console.log("python3 not found: the smtplib test is skipped");
if (!hasOpenssl) console.log("openssl not found: the STARTTLS test is skipped");
