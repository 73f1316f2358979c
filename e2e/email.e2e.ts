import { deflateSync } from "node:zlib";
import { type ParsedMail, simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import type { Browser, Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, screenshot } from "./support/browser";
import { freePort, type RunningServer, startServer } from "./support/server";

if (!chromiumPath) {
  process.stdout.write("CHROMIUM_PATH is not set: skipping the email end-to-end suite in Chromium.\n");
}

/** The outgoing mail server the inbox sends through: a real SMTP server that keeps what it gets. */
async function startOutgoingServer(): Promise<{ port: number; mails: ParsedMail[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (auth, _session, cb) => cb(null, { user: auth.username }),
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A small striped PNG, so the inline image is visible in the screenshots. */
function stripedPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const teal = Math.floor(x / 20) % 2 === 0;
      row.set(teal ? [18, 140, 126] : [250, 210, 80], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe.skipIf(!chromiumPath)("an admin sets up an email inbox and an agent answers an Arabic email", () => {
  let server: RunningServer;
  let outgoing: Awaited<ReturnType<typeof startOutgoingServer>>;
  let smtpPort: number;
  let browser: Browser;

  beforeAll(async () => {
    outgoing = await startOutgoingServer();
    smtpPort = await freePort();
    server = await startServer({ env: { SMTP_PORT: String(smtpPort) } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await outgoing?.close();
  });

  const shot = (page: Page, name: string) => screenshot(page, name);
  const dir = (page: Page) => page.evaluate(() => document.documentElement.dir);

  it("creates the inbox, receives the email, replies, fails without SMTP and retries", async () => {
    const context = await browser.newContext({ locale: "ar-SA", viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const address = "support@shop.example";
    try {
      await page.goto(`${server.url}/login`);
      await page.getByTestId("login-email").fill(server.adminEmail);
      await page.getByTestId("login-password").fill(server.adminPassword);
      await page.getByTestId("login-submit").click();
      await page.getByTestId("inbox-list").waitFor();
      if ((await page.evaluate(() => document.documentElement.lang)) !== "ar") {
        await page.getByTestId("language-switch").first().click();
        await expect.poll(() => dir(page)).toBe("rtl");
      }

      // The admin creates the inbox with its outgoing server.
      await page.getByTestId("nav-admin-inboxes").click();
      await page.getByTestId("inbox-create").click();
      await page.getByTestId("inbox-name").fill("الدعم الفني");
      await page.getByTestId("inbox-address").fill(address);
      await page.getByTestId("inbox-signature").fill("فريق خدمة العملاء\nمتجر المثال");
      await page.getByTestId("smtp-host").fill("127.0.0.1");
      await page.getByTestId("smtp-port").fill(String(outgoing.port));
      await page.getByTestId("smtp-user").fill("mailer");
      await page.getByTestId("smtp-password").fill("outgoing-secret");
      await shot(page, "ar-email-01-new-inbox");
      await page.getByTestId("inbox-save").click();
      await page.getByTestId("inbox-row").filter({ hasText: address }).waitFor();
      expect(await dir(page)).toBe("rtl");
      await shot(page, "ar-email-02-inboxes");

      // A customer writes in Arabic, with a quoted earlier message, an inline image and a file.
      const customerId = `<maryam-${Date.now()}@mail.example.net>`;
      const transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
      });
      await transport.sendMail({
        from: { name: "مريم العتيبي", address: "maryam@example.net" },
        to: address,
        subject: "طلبي رقم ٤٥٢١ لم يصل",
        messageId: customerId,
        text: "السلام عليكم،\nطلبت سماعة قبل أسبوعين ولم تصل حتى الآن.\n\nفي ٣ مايو كتبت:\n> هل يمكن تتبع الشحنة؟",
        html:
          '<div dir="rtl"><p>السلام عليكم،</p><p>طلبت <b>سماعة</b> قبل أسبوعين ولم تصل حتى الآن. هذه صورة الإيصال:</p>' +
          '<p><img src="cid:receipt@maryam" alt="الإيصال"></p></div>' +
          '<blockquote type="cite"><p>هل يمكن تتبع الشحنة؟</p></blockquote>',
        attachments: [
          { filename: "receipt.png", content: stripedPng(240, 60), cid: "receipt@maryam" },
          { filename: "فاتورة.txt", content: "رقم الطلب ٤٥٢١\n" },
        ],
      });
      transport.close();

      await page.goto(`${server.url}/inbox/all`);
      const row = page.getByTestId("conversation-row").filter({ hasText: "طلبي رقم ٤٥٢١" });
      await row.first().waitFor({ timeout: 20_000 });
      await row.first().click();
      const inbound = page.getByTestId("message-item").filter({ has: page.getByTestId("email-html") });
      await inbound.first().waitFor();
      await expect
        .poll(() =>
          inbound
            .first()
            .getByTestId("email-html")
            .evaluate((f) => (f as HTMLIFrameElement).contentDocument?.body.textContent ?? ""),
        )
        .toContain("طلبت سماعة");
      expect(await inbound.first().getByTestId("email-html").getAttribute("sandbox")).not.toContain(
        "allow-scripts",
      );
      await page.getByTestId("conversation-inbox").waitFor();
      expect(await page.getByTestId("conversation-inbox").textContent()).toContain(address);
      expect(await page.getByTestId("attachment-link").filter({ hasText: "فاتورة.txt" }).count()).toBe(1);
      // The visible part and the quoted history were separated; the history opens on demand.
      await page.getByTestId("quoted-toggle").first().click();
      await page.getByTestId("quoted-part").first().waitFor();
      await page.waitForFunction(() => document.getAnimations().length === 0);
      await shot(page, "ar-email-03-conversation");

      // The agent replies; the worker sends it and the state turns to sent.
      const reply = "أهلًا مريم، شُحن طلبك اليوم وسيصلك خلال يومين.";
      await page.getByTestId("composer-mode-reply").click();
      await page.getByTestId("composer-textarea").fill(reply);
      await page.getByTestId("composer-send").click();
      const mine = page.getByTestId("message-item").filter({ hasText: reply });
      await mine.waitFor();
      await expect
        .poll(() => mine.getByTestId("delivery-state").getAttribute("data-state"), { timeout: 30_000 })
        .toBe("sent");
      await shot(page, "ar-email-04-sent");
      await expect.poll(() => outgoing.mails.length, { timeout: 10_000 }).toBe(1);
      const sent = outgoing.mails[0];
      expect(sent?.inReplyTo).toBe(customerId);
      expect(sent?.subject).toMatch(/^Re: طلبي رقم ٤٥٢١ لم يصل \[#\d+\]$/);
      expect(sent?.html).toContain('dir="rtl" lang="ar"');
      expect(sent?.text).toContain("فريق خدمة العملاء");

      // Without an outgoing server the next reply fails at once, with the reason; Retry sends it after the fix.
      const conversationUrl = page.url();
      await page.getByTestId("nav-admin-inboxes").click();
      await page.getByTestId("inbox-row").filter({ hasText: address }).getByTestId("inbox-edit").click();
      await page.getByTestId("smtp-host").fill("");
      await page.getByTestId("inbox-save").click();
      await page.getByTestId("inbox-name").waitFor({ state: "hidden" });
      await page.goto(conversationUrl);
      const second = "سنرسل لك رقم التتبع أيضًا.";
      await page.getByTestId("composer-mode-reply").click();
      await page.getByTestId("composer-textarea").fill(second);
      await page.getByTestId("composer-send").click();
      const failing = page.getByTestId("message-item").filter({ hasText: second });
      await expect
        .poll(() => failing.getByTestId("delivery-state").getAttribute("data-state"), { timeout: 30_000 })
        .toBe("failed");
      expect(await failing.getByTestId("delivery-error").textContent()).toContain("SMTP");
      await shot(page, "ar-email-05-failed");

      await page.getByTestId("nav-admin-inboxes").click();
      await page.getByTestId("inbox-row").filter({ hasText: address }).getByTestId("inbox-edit").click();
      await page.getByTestId("smtp-host").fill("127.0.0.1");
      await page.getByTestId("smtp-port").fill(String(outgoing.port));
      await page.getByTestId("smtp-password").fill("outgoing-secret");
      await page.getByTestId("inbox-save").click();
      await page.getByTestId("inbox-name").waitFor({ state: "hidden" });
      await page.goto(conversationUrl);
      await failing.getByTestId("delivery-retry").click();
      await expect
        .poll(() => failing.getByTestId("delivery-state").getAttribute("data-state"), { timeout: 30_000 })
        .toBe("sent");
      await expect.poll(() => outgoing.mails.length, { timeout: 10_000 }).toBe(2);

      // The same screens in English, left to right.
      await page.getByTestId("language-switch").first().click();
      await expect.poll(() => dir(page)).toBe("ltr");
      await page.getByTestId("message-item").first().waitFor();
      await shot(page, "en-email-06-conversation");
      await page.getByTestId("nav-admin-inboxes").click();
      await page.getByTestId("inbox-row").first().waitFor();
      await shot(page, "en-email-07-inboxes");
      await page.getByTestId("inbox-edit").first().click();
      await page.getByTestId("inbox-name").waitFor();
      await shot(page, "en-email-08-edit-inbox");
    } finally {
      await context.close();
    }
  }, 240_000);
});
