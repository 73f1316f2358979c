import type { Message } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import { jobRegistry, runDueJobs } from "../../platform/jobs";
import {
  call,
  createAccount,
  createTestApp,
  type TestApp,
  type TestUser,
  testDatabase,
} from "../../test/harness";
import { emailJobs } from "./email.jobs";
import { AUTO_REPLIES_PER_HOUR, afterInboundEmail, isMachineAddress } from "./loop";
import {
  type CaptureSmtp,
  insertEmailInbox,
  openEmailConversation,
  startCaptureSmtp,
} from "./outbound.test-support";

const registry = jobRegistry(emailJobs);
const human = { noAutoReply: false };

describe(`loop protection and acknowledgements (${testDatabase})`, () => {
  let t: TestApp;
  let smtp: CaptureSmtp;
  const clock = new ManualClock(new Date("2025-06-01T10:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    smtp = await startCaptureSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  /** An inbound email conversation whose first message came from `from`. */
  async function inbound(
    a: TestUser,
    inboxId: number,
    opts: { from?: string; email?: string; body?: string; subject?: string } = {},
  ) {
    const c = await openEmailConversation(t, a, inboxId, opts);
    const message = await t.ctx.db
      .updateTable("messages")
      .set({ email_meta: JSON.stringify({ from: opts.from ?? `Customer <${c.email}>` }) })
      .where("account_id", "=", a.accountId)
      .where("conversation_id", "=", c.id)
      .where("kind", "=", "inbound")
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ...c, messageId: message.id };
  }
  const ack = (a: TestUser, c: { id: number; messageId: number }, classification = human, created = true) =>
    afterInboundEmail(t.ctx, {
      accountId: a.accountId,
      conversationId: c.id,
      messageId: c.messageId,
      created,
      classification,
    });
  const messagesOf = async (a: TestUser, conversationId: number) =>
    (
      await call<{ items: Message[] }>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${conversationId}/messages`,
        headers: a.headers,
      })
    ).body.items;

  it("recognises machine senders by their address", () => {
    for (const address of [
      "MAILER-DAEMON@mx.example",
      "postmaster@shop.example",
      "no-reply@bank.example",
      "noreply@x.example",
      "bounces+123@list.example",
    ]) {
      expect(isMachineAddress(address), address).toBe(true);
    }
    for (const address of ["maryam@example.net", "replies@shop.example", "postmistress@example.net"]) {
      expect(isMachineAddress(address), address).toBe(false);
    }
  });

  it("sends an Arabic acknowledgement with the number, automatic, through the send job", async () => {
    const a = await createAccount(t.ctx);
    const inbox = await insertEmailInbox(t, a.accountId, {
      smtpPort: smtp.port,
      autoAck: true,
      name: "دعم المتجر",
    });
    const c = await inbound(a, inbox.id, { subject: "استفسار عن الطلب", body: "أين طلبي؟" });
    const result = await ack(a, c);
    expect(result).toMatchObject({ acknowledged: true, skipped: null });
    const items = await messagesOf(a, c.id);
    const sent = items.find((m) => m.id === result.messageId);
    expect(sent).toMatchObject({ kind: "reply", authorUserId: null, deliveryState: "queued" });
    expect(sent?.body).toContain(`[#${c.number}]`);
    expect(sent?.body).toContain("شكرًا لتواصلك معنا");
    // The acknowledgement neither opens the conversation nor becomes its preview.
    const detail = await call<{ status: string; preview: string }>(t.app, {
      method: "GET",
      url: `/api/v1/conversations/${c.id}`,
      headers: a.headers,
    });
    expect(detail.body.status).toBe("new");
    expect(detail.body.preview).toBe("أين طلبي؟");

    expect(await runDueJobs(t.ctx, registry)).toMatchObject({ done: 1 });
    const mail = smtp.mails.find((m) => JSON.stringify(m.to).includes(c.email));
    expect(mail?.headers.get("auto-submitted")).toBe("auto-replied");
    expect(mail?.from?.value[0]).toEqual({ name: "دعم المتجر", address: inbox.address });
    expect(mail?.subject).toBe(`Re: استفسار عن الطلب [#${c.number}]`);
    expect(mail?.inReplyTo).toBe(`<${c.customerMessageId}>`);
    expect(mail?.html).toContain('dir="rtl" lang="ar"');
  });

  it("answers an English customer in English", async () => {
    const a = await createAccount(t.ctx);
    const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port, autoAck: true });
    const c = await inbound(a, inbox.id, { subject: "Question", body: "Where is my parcel?" });
    const result = await ack(a, c);
    const sent = (await messagesOf(a, c.id)).find((m) => m.id === result.messageId);
    expect(sent?.body).toContain(`We have received your message as request [#${c.number}]`);
  });

  it("does not answer automatic, machine, own-address, old-conversation or switched-off mail", async () => {
    const a = await createAccount(t.ctx);
    const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port, autoAck: true });
    const quiet = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port, autoAck: false });

    const auto = await inbound(a, inbox.id);
    expect(await ack(a, auto, { noAutoReply: true })).toMatchObject({
      acknowledged: false,
      skipped: "automatic",
    });
    const daemon = await inbound(a, inbox.id, {
      from: "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
    });
    expect(await ack(a, daemon)).toMatchObject({ skipped: "automatic" });
    const looped = await inbound(a, inbox.id, { from: `Other desk <${quiet.address}>` });
    expect(await ack(a, looped)).toMatchObject({ skipped: "own_address" });
    const old = await inbound(a, inbox.id);
    expect(await ack(a, old, human, false)).toMatchObject({ skipped: "not_new" });
    const off = await inbound(a, quiet.id);
    expect(await ack(a, off)).toMatchObject({ skipped: "off" });

    for (const c of [auto, daemon, looped, old, off]) {
      expect((await messagesOf(a, c.id)).map((m) => m.kind)).toEqual(["inbound"]);
    }
    const jobs = await t.ctx.db
      .selectFrom("jobs")
      .select("id")
      .where("account_id", "=", a.accountId)
      .execute();
    expect(jobs).toEqual([]);
  });

  it(`sends at most ${AUTO_REPLIES_PER_HOUR} automatic replies to one contact in an hour`, async () => {
    const a = await createAccount(t.ctx);
    const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port, autoAck: true });
    const first = await inbound(a, inbox.id);
    const outcomes: (string | null)[] = [(await ack(a, first)).skipped];
    for (let i = 1; i <= AUTO_REPLIES_PER_HOUR; i += 1) {
      clock.advance(60_000);
      const next = await inbound(a, inbox.id, { email: first.email });
      outcomes.push((await ack(a, next)).skipped);
    }
    expect(outcomes).toEqual([...Array(AUTO_REPLIES_PER_HOUR).fill(null), "rate_limited"]);

    // The window slides: an hour after the first acknowledgement, one more may go.
    clock.advance(3_600_000 - AUTO_REPLIES_PER_HOUR * 60_000 + 1);
    const later = await inbound(a, inbox.id, { email: first.email });
    expect((await ack(a, later)).skipped).toBeNull();
  });
});
