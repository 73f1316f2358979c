import type { ConversationDetail, Message, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createAccount, createTestApp, type TestApp, testDatabase, unique } from "../../test/harness";
import { ingestRawEmail } from "./email.ingest";
import { composeMail, createEmailInbox, rawMail } from "./email.test-support";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

describe(`inbound email (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { attachmentLimit: 64 * 1024 } });
  });
  afterAll(() => t.close());

  const get = <T>(url: string, headers: Record<string, string>) =>
    call<T>(t.app, { method: "GET", url: `/api/v1${url}`, headers });
  const messagesOf = async (conversationId: number, headers: Record<string, string>) =>
    (await get<Page<Message>>(`/conversations/${conversationId}/messages`, headers)).body.items;

  it("refuses mail for an unknown address, empty mail and mail over the size limit", async () => {
    const unknown = await ingestRawEmail(t.ctx, {
      recipient: `${unique("nobody")}@example.test`,
      raw: rawMail({ From: "a@example.test", Subject: "x" }, "hello"),
      source: "smtp",
    });
    expect(unknown).toEqual({ status: "rejected", reason: "unknown_recipient" });
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    // An inbox of another account, or one that was removed, takes nothing.
    const other = await createAccount(t.ctx);
    const hello = () => rawMail({ From: "a@example.test", Subject: "x" }, "hello");
    expect(
      await ingestRawEmail(t.ctx, {
        accountId: other.accountId,
        inboxId: inbox.id,
        raw: hello(),
        source: "imap",
      }),
    ).toEqual({ status: "rejected", reason: "unknown_recipient" });
    const gone = await createEmailInbox(t, owner);
    const removed = await call(t.app, {
      method: "DELETE",
      url: `/api/v1/inboxes/${gone.id}`,
      headers: owner.headers,
    });
    expect(removed.status).toBe(204);
    expect(await ingestRawEmail(t.ctx, { inboxId: gone.id, raw: hello(), source: "imap" })).toEqual({
      status: "rejected",
      reason: "unknown_recipient",
    });
    expect(await ingestRawEmail(t.ctx, { recipient: gone.address, raw: hello(), source: "smtp" })).toEqual({
      status: "rejected",
      reason: "unknown_recipient",
    });
    const empty = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: Buffer.from("\r\n\r\n"),
      source: "smtp",
    });
    expect(empty).toEqual({ status: "rejected", reason: "empty" });
    const huge = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: rawMail({ From: "a@example.test" }, "x".repeat(6 * 1024 * 1024)),
      source: "smtp",
    });
    expect(huge).toEqual({ status: "rejected", reason: "too_large" });
    const giantHeader = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: rawMail({ From: "a@example.test", "X-Big": "y".repeat(1100 * 1024) }, "hi"),
      source: "smtp",
    });
    expect(giantHeader).toEqual({ status: "rejected", reason: "headers_too_large" });
  });

  it("opens a conversation with the visible reply, sanitised HTML, inline image and attachment", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const raw = await composeMail({
      from: '"أحمد العلي" <Ahmed@Customer.test>',
      to: inbox.address,
      subject: "استفسار عن الطلب ٤٥٦٧",
      messageId: `<${unique("m")}@customer.test>`,
      text: "مرحباً، لم يصلني الطلب.\n\n-- \nأحمد",
      html: '<div dir="rtl">مرحباً، لم يصلني الطلب.<img src="cid:logo@customer"><img src="https://tracker.test/p.gif"><script>alert(1)</script><a href="javascript:x()" onclick="y()">x</a></div>',
      attachments: [
        { filename: "شعار.png", content: PNG, cid: "logo@customer" },
        {
          filename: "فاتورة ٤٥٦٧.pdf",
          content: Buffer.from("%PDF-1.4\n%EOF\n"),
          contentType: "application/pdf",
        },
      ],
    });
    const result = await ingestRawEmail(t.ctx, {
      recipient: inbox.address.toUpperCase(),
      raw,
      source: "smtp",
    });
    expect(result.status).toBe("stored");
    const conversation = await get<ConversationDetail>(
      `/conversations/${result.conversationId}`,
      owner.headers,
    );
    expect(conversation.body).toMatchObject({
      channel: "email",
      subject: "استفسار عن الطلب ٤٥٦٧",
      status: "new",
    });
    expect(conversation.body.contactDetail).toMatchObject({
      name: "أحمد العلي",
      emails: ["ahmed@customer.test"],
    });
    const [message] = await messagesOf(result.conversationId as number, owner.headers);
    expect(message).toMatchObject({
      kind: "inbound",
      body: "مرحباً، لم يصلني الطلب.",
      quotedText: "--\nأحمد",
    });
    expect(message?.email).toMatchObject({ from: "ahmed@customer.test", to: [inbox.address] });
    const html = message?.html ?? "";
    expect(html).not.toMatch(/script|onclick|javascript| src="https:/);
    expect(html).toContain('data-blocked-src="https://tracker.test/p.gif"');
    const files = message?.attachments ?? [];
    expect(files.map((f) => [f.filename, f.contentType, f.inline])).toEqual([
      ["شعار.png", "image/png", true],
      ["فاتورة ٤٥٦٧.pdf", "application/pdf", false],
    ]);
    const logo = files[0];
    expect(html).toContain(`src="${logo?.url}"`);
    const row = await t.ctx.db
      .selectFrom("conversations")
      .select("inbox_id")
      .where("id", "=", result.conversationId as number)
      .executeTakeFirstOrThrow();
    expect(row.inbox_id).toBe(inbox.id);
  });

  it("serves attachments only to agents of the account, safely", async () => {
    const owner = await createAccount(t.ctx);
    const other = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const raw = await composeMail({
      from: "c@customer.test",
      to: inbox.address,
      subject: "files",
      text: "see files",
      attachments: [
        {
          filename: "evil.html",
          content: "<html><script>alert(1)</script></html>",
          contentType: "image/png",
        },
        { filename: "pic.png", content: PNG },
      ],
    });
    const result = await ingestRawEmail(t.ctx, { recipient: inbox.address, raw, source: "imap" });
    const [message] = await messagesOf(result.conversationId as number, owner.headers);
    const [evil, pic] = message?.attachments ?? [];
    expect((await call(t.app, { method: "GET", url: evil?.url as string })).status).toBe(401);
    const foreign = await call<{ error: { message: string } }>(t.app, {
      method: "GET",
      url: evil?.url as string,
      headers: other.headers,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe("The attachment was not found.");
    const html = await t.app.inject({ method: "GET", url: evil?.url as string, headers: owner.headers });
    expect(html.statusCode).toBe(200);
    expect(html.headers["content-type"]).toBe("application/octet-stream");
    expect(html.headers["content-disposition"]).toMatch(/^attachment;/);
    expect(html.headers["x-content-type-options"]).toBe("nosniff");
    expect(html.body).toContain("<script>");
    const image = await t.app.inject({ method: "GET", url: pic?.url as string, headers: owner.headers });
    expect(image.headers["content-type"]).toBe("image/png");
    expect(image.headers["content-disposition"]).toMatch(/^inline;/);
    expect(image.rawPayload.equals(PNG)).toBe(true);

    // A known sender's files are stored by the same single statement as the message, in order.
    const again = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "c@customer.test",
        to: inbox.address,
        subject: "more files",
        text: "two more",
        attachments: [
          { filename: "b.txt", content: "second file" },
          { filename: "a.txt", content: "first file?" },
        ],
      }),
      source: "smtp",
    });
    expect(again.status).toBe("stored");
    const [next] = await messagesOf(again.conversationId as number, owner.headers);
    expect(next?.attachments?.map((f) => f.filename)).toEqual(["b.txt", "a.txt"]);
    const second = await t.app.inject({
      method: "GET",
      url: next?.attachments?.[1]?.url as string,
      headers: owner.headers,
    });
    expect(second.body).toBe("first file?");
  });

  it("threads by In-Reply-To and References, then by [#number] from the same customer only", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const firstId = `<${unique("first")}@customer.test>`;
    const first = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "s@customer.test",
        to: inbox.address,
        subject: "Help",
        messageId: firstId,
        text: "one",
      }),
      source: "smtp",
    });
    const byHeader = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "s@customer.test",
        to: inbox.address,
        subject: "Re: Help",
        inReplyTo: firstId,
        references: [firstId],
        text: "two\n\nOn Mon, 1 Jan 2024 at 10:00, Support <help@example.test> wrote:\n> one",
      }),
      source: "smtp",
    });
    expect(byHeader.conversationId).toBe(first.conversationId);
    const number = (await get<ConversationDetail>(`/conversations/${first.conversationId}`, owner.headers))
      .body.number;
    const byNumber = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "s@customer.test",
        to: inbox.address,
        subject: `Re: Help [#${number}]`,
        text: "three",
      }),
      source: "smtp",
    });
    expect(byNumber.conversationId).toBe(first.conversationId);
    const stranger = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "x@other.test",
        to: inbox.address,
        subject: `Re: Help [#${number}]`,
        text: "four",
      }),
      source: "smtp",
    });
    expect(stranger.conversationId).not.toBe(first.conversationId);
    const messages = await messagesOf(first.conversationId as number, owner.headers);
    expect(messages.map((m) => m.body)).toEqual(["one", "two", "three"]);
    expect(messages[1]?.quotedText).toContain("> one");
  });

  it("reopens a solved conversation when the customer writes again", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const id = `<${unique("s")}@customer.test>`;
    const first = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "r@customer.test",
        to: inbox.address,
        subject: "x",
        messageId: id,
        text: "a",
      }),
      source: "smtp",
    });
    const solved = await call(t.app, {
      method: "PATCH",
      url: `/api/v1/conversations/${first.conversationId}`,
      headers: owner.headers,
      payload: { status: "solved" },
    });
    expect(solved.status).toBe(200);
    await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "r@customer.test",
        to: inbox.address,
        subject: "Re: x",
        inReplyTo: id,
        text: "b",
      }),
      source: "smtp",
    });
    const after = await get<ConversationDetail>(`/conversations/${first.conversationId}`, owner.headers);
    expect(after.body.status).toBe("open");
  });

  it("stores the same Message-ID once, and a message without one once, whichever path it takes", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const raw = await composeMail({
      from: "d@customer.test",
      to: inbox.address,
      subject: "dup",
      messageId: `<${unique("d")}@customer.test>`,
      text: "once",
    });
    const one = await ingestRawEmail(t.ctx, { recipient: inbox.address, raw, source: "smtp" });
    const two = await ingestRawEmail(t.ctx, { inboxId: inbox.id, raw, source: "imap" });
    expect(one.status).toBe("stored");
    expect(two).toEqual({ status: "duplicate", conversationId: one.conversationId });
    const bare = rawMail(
      {
        From: "d@customer.test",
        To: inbox.address,
        Subject: "no id",
        Date: "Mon, 1 Jan 2024 10:00:00 +0000",
      },
      "no message id here",
    );
    const withReceived = Buffer.concat([Buffer.from("Received: from relay.test by mx.test\r\n"), bare]);
    const a = await ingestRawEmail(t.ctx, { recipient: inbox.address, raw: bare, source: "imap" });
    const b = await ingestRawEmail(t.ctx, { recipient: inbox.address, raw: withReceived, source: "smtp" });
    expect(a.status).toBe("stored");
    expect(b.status).toBe("duplicate");
    const concurrent = await composeMail({
      from: "d@customer.test",
      to: inbox.address,
      subject: "race",
      messageId: `<${unique("r")}@customer.test>`,
      text: "race",
    });
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        ingestRawEmail(t.ctx, { recipient: inbox.address, raw: concurrent, source: "smtp" }),
      ),
    );
    expect(results.filter((r) => r.status === "stored")).toHaveLength(1);
  });

  it("classifies automatic mail and stores the classification in the message event", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const result = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: rawMail(
        {
          From: "news@list.test",
          To: inbox.address,
          Subject: "Weekly",
          "Message-ID": `<${unique("l")}@list.test>`,
          "Auto-Submitted": "auto-generated",
          Precedence: "bulk",
          "List-Id": "<weekly.list.test>",
        },
        "news",
      ),
      source: "smtp",
    });
    const event = await t.ctx.db
      .selectFrom("events")
      .select("after")
      .where("account_id", "=", owner.accountId)
      .where("type", "=", "message.created")
      .where("subject_id", "=", result.messageId as number)
      .executeTakeFirstOrThrow();
    expect((event.after as { classification: object }).classification).toMatchObject({
      autoSubmitted: "auto-generated",
      precedence: "bulk",
      listId: "<weekly.list.test>",
      noAutoReply: true,
    });
  });

  it("keeps what it can of an oversized attachment: the message, and a note of the file it dropped", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const result = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "big@customer.test",
        to: inbox.address,
        subject: "big",
        text: "see attached",
        attachments: [{ filename: "big.bin", content: Buffer.alloc(100 * 1024, 1) }],
      }),
      source: "smtp",
    });
    expect(result.status).toBe("stored");
    const [message] = await messagesOf(result.conversationId as number, owner.headers);
    expect(message?.attachments).toEqual([]);
    expect(message?.body).toContain("big.bin");
  });

  it("hands a delivery report to bounce handling: it joins the conversation it reports on", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const originalId = `${unique("orig")}@customer.test`;
    const first = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: await composeMail({
        from: "b@customer.test",
        to: inbox.address,
        subject: "x",
        messageId: `<${originalId}>`,
        text: "a",
      }),
      source: "smtp",
    });
    const boundary = "dsn-boundary";
    const dsn = rawMail(
      {
        From: "MAILER-DAEMON@mx.example.test",
        To: inbox.address,
        Subject: "Undelivered Mail Returned to Sender",
        "Message-ID": `<${unique("dsn")}@mx.example.test>`,
        "MIME-Version": "1.0",
        "Content-Type": `multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      },
      [
        `--${boundary}`,
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        `--${boundary}`,
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.test",
        "",
        "Final-Recipient: rfc822; gone@customer.test",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 no such user",
        "",
        `--${boundary}`,
        "Content-Type: text/rfc822-headers",
        "",
        `Message-ID: <${originalId}>`,
        "Subject: x",
        "",
        `--${boundary}--`,
      ].join("\n"),
    );
    const result = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: dsn,
      source: "smtp",
      envelopeFrom: "",
    });
    expect(result.status).toBe("stored");
    expect(result.conversationId).toBe(first.conversationId);
    const again = await ingestRawEmail(t.ctx, { recipient: inbox.address, raw: dsn, source: "imap" });
    expect(again.status).toBe("duplicate");
    const stray = await ingestRawEmail(t.ctx, {
      recipient: inbox.address,
      raw: Buffer.from(
        dsn
          .toString("utf8")
          .replace(originalId, "unknown@elsewhere.test")
          .replace(/<dsn[^>]+>/, `<${unique("d2")}@mx>`),
      ),
      source: "smtp",
    });
    expect(stray.status).toBe("stored");
    expect(stray.conversationId).not.toBe(first.conversationId);
  });
});
