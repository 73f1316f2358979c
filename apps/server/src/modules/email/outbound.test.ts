import type { Message } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import { jobRegistry, runDueJobs } from "../../platform/jobs";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
  unique,
} from "../../test/harness";
import { makeWidget, startSession } from "../chat/chat.test-support";
import { type ErrorBody, openConversation, postMessage } from "../conversations/conversations.fixtures";
import { ingestRawEmail } from "./email.ingest";
import { emailJobs } from "./email.jobs";
import {
  type CaptureSmtp,
  insertEmailInbox,
  openEmailConversation,
  startCaptureSmtp,
} from "./outbound.test-support";

const registry = jobRegistry(emailJobs);

describe(`outbound email (${testDatabase})`, () => {
  let t: TestApp;
  let smtp: CaptureSmtp;
  // An epoch of its own, so workers of other suites on a shared database never find these jobs due.
  const clock = new ManualClock(new Date("2025-02-01T10:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    smtp = await startCaptureSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  const jobsOf = (accountId: number) =>
    t.ctx.db
      .selectFrom("jobs")
      .select(["name", "state", "attempts", "payload", "last_error"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
  const messageRow = (accountId: number, id: number) =>
    t.ctx.db
      .selectFrom("messages")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  const retry = (
    headers: Record<string, string>,
    conversationId: number | string,
    messageId: number | string,
  ) =>
    call<Message & ErrorBody>(t.app, {
      method: "POST",
      url: `/api/v1/conversations/${conversationId}/messages/${messageId}/retry`,
      headers,
    });
  const mailTo = (address: string) =>
    smtp.mails.filter((m) => m.to && JSON.stringify(m.to).includes(address));

  describe("retry route, unhappy paths", () => {
    it("answers 401, 404 for another account, 400 for bad ids, 404 for a missing message, 409 unless failed", async () => {
      const a = await createAccount(t.ctx);
      const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: null });
      const c = await openEmailConversation(t, a, inbox.id);
      const reply = await postMessage(t, a, c.id, { body: "We are on it.", kind: "reply" });
      expect(reply.status).toBe(201);

      expect((await retry({}, c.id, reply.body.id)).status).toBe(401);

      const other = await createAccount(t.ctx);
      const foreign = await retry(other.headers, c.id, reply.body.id);
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe("not_found");

      const bad = await retry(a.headers, c.id, "abc");
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain("messageId");
      expect((await retry(a.headers, 0, reply.body.id)).status).toBe(400);

      const missing = await retry({ ...a.headers, "accept-language": "ar" }, c.id, 999_999_999);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe("لم يتم العثور على الرسالة.");
      const elsewhere = await openConversation(t, a);
      expect((await retry(a.headers, elsewhere.id, reply.body.id)).status).toBe(404);

      // Still queued: there is nothing to retry yet.
      const early = await retry(a.headers, c.id, reply.body.id);
      expect(early.status).toBe(409);
      expect(early.body.error.message).toContain("only an email whose delivery failed");
    });
  });

  describe("conversation inbox route", () => {
    it("answers 401, 404 for another account, 400 for a bad id, then the channel and inbox", async () => {
      const a = await createAccount(t.ctx);
      const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: null, name: "الدعم" });
      const c = await openEmailConversation(t, a, inbox.id);
      const get = (headers: Record<string, string>, id: number | string) =>
        call<{ channel: string; inbox: unknown } & ErrorBody>(t.app, {
          method: "GET",
          url: `/api/v1/conversations/${id}/inbox`,
          headers,
        });
      expect((await get({}, c.id)).status).toBe(401);
      const other = await createAccount(t.ctx);
      expect((await get(other.headers, c.id)).status).toBe(404);
      const bad = await get(a.headers, "x1");
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe("validation_failed");
      const agent = await createUser(t.ctx, a.accountId, "agent");
      const ok = await get(agent.headers, c.id);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({
        channel: "email",
        inbox: { id: inbox.id, name: "الدعم", address: inbox.address },
      });
      const plain = await openConversation(t, a);
      expect((await get(a.headers, plain.id)).body).toEqual({ channel: "api", inbox: null });
    });
  });

  describe("sending", () => {
    it("queues a reply in the same transaction and sends a threaded, multipart, right-to-left email", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent", { name: "سارة أحمد" });
      const inbox = await insertEmailInbox(t, a.accountId, {
        smtpPort: smtp.port,
        signature: "فريق الدعم\nمتجر المثال",
      });
      const c = await openEmailConversation(t, a, inbox.id, {
        subject: "RE: Re: طلبي لم يصل [#77]",
        references: ["root-1@mail.example.net"],
      });

      const reply = await postMessage(t, agent, c.id, {
        body: "مرحبًا،\nتم شحن طلبك اليوم.\n\nشكرًا لصبرك.",
        kind: "reply",
      });
      expect(reply.status).toBe(201);
      expect(reply.body.deliveryState).toBe("queued");
      expect(reply.body.deliveryError).toBeNull();
      const note = await postMessage(t, agent, c.id, {
        body: "internal: customer called twice",
        kind: "note",
      });
      expect(note.body.deliveryState).toBeNull();
      const jobs = await jobsOf(a.accountId);
      expect(jobs).toEqual([
        {
          name: "email.send",
          state: "queued",
          attempts: 0,
          payload: { messageId: reply.body.id },
          last_error: null,
        },
      ]);
      const queued = await messageRow(a.accountId, reply.body.id);
      expect(queued.email_message_id).toMatch(/^khidma\.\d+\.\d+\.[0-9a-f]+@shop\.example$/);

      expect(await runDueJobs(t.ctx, registry)).toMatchObject({ done: 1 });
      const sent = await messageRow(a.accountId, reply.body.id);
      expect(sent.delivery_state).toBe("sent");
      expect(sent.delivered_at?.getTime()).toBe(clock.now().getTime());
      expect(sent.email_in_reply_to).toBe(c.customerMessageId);
      expect(sent.email_references).toEqual(["root-1@mail.example.net", c.customerMessageId]);

      const [mail] = mailTo(c.email);
      expect(mail).toBeDefined();
      if (!mail) return;
      expect(mail.messageId).toBe(`<${queued.email_message_id}>`);
      expect(mail.inReplyTo).toBe(`<${c.customerMessageId}>`);
      expect(mail.references).toEqual(["<root-1@mail.example.net>", `<${c.customerMessageId}>`]);
      expect(mail.subject).toBe(`Re: طلبي لم يصل [#${c.number}]`);
      expect(mail.from?.value).toEqual([{ name: "سارة أحمد", address: inbox.address }]);
      expect(mail.text).toContain("تم شحن طلبك اليوم.");
      expect(mail.text).toContain("-- \nفريق الدعم\nمتجر المثال");
      expect(mail.html).toContain('<html dir="rtl" lang="ar">');
      expect(mail.html).toContain('<div dir="rtl" lang="ar"');
      expect(mail.html).toContain("مرحبًا،<br>تم شحن طلبك اليوم.");
      expect(mail.html).toContain("فريق الدعم<br>متجر المثال");
      expect(mail.headers.get("auto-submitted")).toBeUndefined();
      expect(smtp.logins.at(-1)).toEqual({ user: "mailer", pass: "s3cret-pass" });
      expect(mailTo(c.email)).toHaveLength(1);

      // The job is done and idempotent: running again sends nothing more.
      expect(await runDueJobs(t.ctx, registry)).toEqual({ done: 0, retry: 0, dead: 0 });
      const list = await call<{ items: Message[] }>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/messages`,
        headers: a.headers,
      });
      expect(list.body.items.find((m) => m.id === reply.body.id)).toMatchObject({
        deliveryState: "sent",
        deliveryError: null,
        deliveredAt: clock.now().toISOString(),
      });
      const events = await t.ctx.db
        .selectFrom("events")
        .select(["type", "after"])
        .where("account_id", "=", a.accountId)
        .where("type", "=", "message.delivery")
        .execute();
      expect(events).toEqual([{ type: "message.delivery", after: { state: "sent", to: c.email } }]);
    });

    it("writes an English reply left-to-right and threads the second reply after the first", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent", { name: "Sam Lee" });
      const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port });
      const c = await openEmailConversation(t, a, inbox.id, { subject: "Refund <please>" });
      const first = await postMessage(t, agent, c.id, { body: "Hello & welcome <b>back</b>", kind: "reply" });
      await runDueJobs(t.ctx, registry);
      const second = await postMessage(t, agent, c.id, { body: "One more thing.", kind: "reply" });
      await runDueJobs(t.ctx, registry);
      const mails = mailTo(c.email);
      expect(mails.map((m) => m.subject)).toEqual([
        `Re: Refund <please> [#${c.number}]`,
        `Re: Refund <please> [#${c.number}]`,
      ]);
      expect(mails[0]?.html).toContain('<html dir="ltr" lang="en">');
      expect(mails[0]?.html).toContain("Hello &amp; welcome &lt;b&gt;back&lt;/b&gt;");
      expect(mails[0]?.text).toBe("Hello & welcome <b>back</b>\n");
      // Both answer the customer's email: the parent is the customer's latest message.
      expect(mails[1]?.inReplyTo).toBe(`<${c.customerMessageId}>`);
      const firstRow = await messageRow(a.accountId, first.body.id);
      expect(mails[0]?.messageId).toBe(`<${firstRow.email_message_id}>`);
      expect((await messageRow(a.accountId, second.body.id)).delivery_state).toBe("sent");
    });

    it("answers a chat message left offline by email, at the address the visitor gave, and threads the answer back", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent", { name: "Mona" });
      await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port });
      const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port });
      const w = await makeWidget(t, a, {
        businessHours: { timezone: "Asia/Riyadh", days: [] },
        prechat: { name: "required", email: "optional", phone: "off" },
      });
      // The widget answers through its own inbox, not the account's first; only an email inbox of the account will do.
      const other = await createAccount(t.ctx);
      const foreign = await insertEmailInbox(t, other.accountId, { smtpPort: null });
      const refused = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: `/api/v1/widgets/${w.id}`,
        headers: { ...a.headers, "accept-language": "ar" },
        payload: { replyInboxId: foreign.id },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain("replyInboxId");
      const chosen = await call<{ replyInboxId: number | null }>(t.app, {
        method: "PATCH",
        url: `/api/v1/widgets/${w.id}`,
        headers: a.headers,
        payload: { replyInboxId: inbox.id },
      });
      expect(chosen.body.replyInboxId).toBe(inbox.id);
      const token = await startSession(t, w.key);
      const address = `${unique("offline")}@example.test`;
      const left = await call(t.app, {
        method: "POST",
        url: "/api/v1/widget/offline",
        payload: {
          key: w.key,
          token,
          clientId: "offline-1",
          name: "Ali",
          email: address,
          body: "متى يصل طلبي؟",
        },
      });
      expect(left.body).not.toHaveProperty("error");
      expect(left.status).toBe(200);
      const session = await call<{ conversationId: number }>(t.app, {
        method: "POST",
        url: "/api/v1/widget/session",
        payload: { key: w.key, token },
      });
      const conversationId = session.body.conversationId;
      const reply = await postMessage(t, agent, conversationId, { body: "يصل طلبك غدًا.", kind: "reply" });
      expect(reply.status).toBe(201);
      expect(reply.body.deliveryState).toBe("queued");
      await runDueJobs(t.ctx, registry);
      const [mail] = mailTo(address);
      expect(mail?.subject).toMatch(/\[#\d+\]$/);
      expect(mail?.text).toContain("يصل طلبك غدًا.");
      expect(JSON.stringify(mail?.from)).toContain(inbox.address);
      expect((await messageRow(a.accountId, reply.body.id)).delivery_state).toBe("sent");
      // The customer answers the email: it joins the same conversation.
      const raw = Buffer.from(
        [
          `From: Ali <${address}>`,
          `To: ${inbox.address}`,
          `Subject: Re: ${mail?.subject}`,
          `Message-ID: <${unique("answer")}@example.test>`,
          `In-Reply-To: ${mail?.messageId}`,
          "Content-Type: text/plain; charset=utf-8",
          "",
          "شكرًا لكم",
          "",
        ].join("\r\n"),
      );
      const stored = await ingestRawEmail(t.ctx, {
        accountId: a.accountId,
        inboxId: inbox.id,
        raw,
        source: "smtp",
      });
      expect(stored).toMatchObject({ status: "stored", conversationId });
      // A visitor who never left an address is not emailed.
      const quiet = await startSession(t, w.key);
      await call(t.app, {
        method: "POST",
        url: "/api/v1/widget/messages",
        payload: { key: w.key, token: quiet, clientId: "quiet-01", body: "hello" },
      });
      const quietSession = await call<{ conversationId: number }>(t.app, {
        method: "POST",
        url: "/api/v1/widget/session",
        payload: { key: w.key, token: quiet },
      });
      const chatReply = await postMessage(t, agent, quietSession.body.conversationId, {
        body: "Hi!",
        kind: "reply",
      });
      expect(chatReply.body.deliveryState).toBeNull();
    });

    it("leaves replies of conversations without an email inbox alone", async () => {
      const a = await createAccount(t.ctx);
      const c = await openConversation(t, a);
      const reply = await postMessage(t, a, c.id, { body: "Answered in the app.", kind: "reply" });
      expect(reply.body.deliveryState).toBeNull();
      expect(await jobsOf(a.accountId)).toEqual([]);
    });

    it("retries with backoff while the server refuses, marks the reply failed, and sends it on retry", async () => {
      const a = await createAccount(t.ctx);
      const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port });
      const c = await openEmailConversation(t, a, inbox.id);
      const reply = await postMessage(t, a, c.id, { body: "Your refund is on its way.", kind: "reply" });
      // What agents viewing the conversation see live, as each change commits.
      const live: { type: string; data: Record<string, unknown> }[] = [];
      const stopListening = t.ctx.hub.subscribe(`conversation:${a.accountId}:${c.id}`, (m) => {
        if (m.type === "message.delivery")
          live.push({ type: m.type, data: m.data as Record<string, unknown> });
      });
      smtp.refuse = { code: 550, text: "Mailbox unavailable for this test" };
      try {
        const delays: number[] = [];
        for (let attempt = 1; attempt <= 6; attempt += 1) {
          const outcome = await runDueJobs(t.ctx, registry);
          const row = await messageRow(a.accountId, reply.body.id);
          if (attempt < 6) {
            expect(outcome).toEqual({ done: 0, retry: 1, dead: 0 });
            expect(row.delivery_state).toBe("queued");
            expect(row.delivery_error).toContain("Mailbox unavailable");
            const job = await t.ctx.db
              .selectFrom("jobs")
              .select("run_at")
              .where("account_id", "=", a.accountId)
              .executeTakeFirstOrThrow();
            const delay = job.run_at.getTime() - clock.now().getTime();
            delays.push(delay);
            clock.advance(delay);
          } else {
            expect(outcome).toEqual({ done: 0, retry: 0, dead: 1 });
            expect(row.delivery_state).toBe("failed");
            expect(row.delivery_error).toContain("550");
          }
        }
        expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 960_000]);
      } finally {
        smtp.refuse = null;
      }
      expect(mailTo(c.email)).toHaveLength(0);
      const failed = await call<{ items: Message[] }>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/messages`,
        headers: a.headers,
      });
      expect(failed.body.items.find((m) => m.id === reply.body.id)?.deliveryState).toBe("failed");

      const again = await retry(a.headers, c.id, reply.body.id);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: reply.body.id, deliveryState: "queued", deliveryError: null });
      expect(await runDueJobs(t.ctx, registry)).toMatchObject({ done: 1 });
      expect((await messageRow(a.accountId, reply.body.id)).delivery_state).toBe("sent");
      expect(mailTo(c.email)).toHaveLength(1);
      const states = await t.ctx.db
        .selectFrom("events")
        .select(["actor_user_id", "after"])
        .where("account_id", "=", a.accountId)
        .where("type", "=", "message.delivery")
        .orderBy("id")
        .execute();
      expect(states.map((e) => (e.after as { state: string }).state)).toEqual(["failed", "queued", "sent"]);
      expect(states[1]?.actor_user_id).toBe(a.userId);

      await new Promise((r) => setTimeout(r, 50));
      stopListening();
      // Six refusals, each announced with its reason while still queued; then failed after
      // the last attempt, queued again by the retry, and sent.
      expect(live.map((f) => f.data.deliveryState)).toEqual([
        "queued",
        "queued",
        "queued",
        "queued",
        "queued",
        "queued",
        "failed",
        "queued",
        "sent",
      ]);
      for (const f of live) expect(f.data).toMatchObject({ conversationId: c.id, messageId: reply.body.id });
      expect(live[0]?.data.deliveryError).toContain("Mailbox unavailable");
      expect(live[6]?.data.deliveryError).toContain("550");
      expect(live[8]?.data).toMatchObject({ deliveryError: null, deliveredAt: expect.any(String) });
    });

    it("fails at once with a clear reason when the inbox has no SMTP server", async () => {
      const a = await createAccount(t.ctx);
      const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: null });
      const c = await openEmailConversation(t, a, inbox.id);
      const reply = await postMessage(t, a, c.id, { body: "Hello", kind: "reply" });
      expect(await runDueJobs(t.ctx, registry)).toMatchObject({ dead: 1 });
      const row = await messageRow(a.accountId, reply.body.id);
      expect(row.delivery_state).toBe("failed");
      expect(row.delivery_error).toBe("no_smtp_settings");
    });
  });
});
