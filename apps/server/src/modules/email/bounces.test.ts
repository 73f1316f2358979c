import type { Contact, Message } from "@khidma/contracts";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import { jobRegistry, runDueJobs } from "../../platform/jobs";
import { call, createAccount, createTestApp, type TestApp, testDatabase, unique } from "../../test/harness";
import { postMessage } from "../conversations/conversations.fixtures";
import { handleBounce } from "./bounces";
import { parseDeliveryStatus } from "./bounces.parse";
import { emailJobs } from "./email.jobs";
import {
  type CaptureSmtp,
  insertEmailInbox,
  openEmailConversation,
  startCaptureSmtp,
} from "./outbound.test-support";

const registry = jobRegistry(emailJobs);

/** A DSN as Postfix writes it: text, delivery-status, and the returned headers. */
function dsn(opts: {
  recipient: string;
  originalId: string | null;
  id?: string;
  inReplyTo?: string;
}): string {
  return [
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>",
    "To: support@shop.example",
    "Subject: Undelivered Mail Returned to Sender",
    `Message-ID: <${opts.id ?? unique("dsn")}@mx.example.net>`,
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
    "",
    "--B1",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "I'm sorry to have to inform you that your message could not be delivered.",
    "",
    "--B1",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.example.net",
    "",
    `Final-Recipient: rfc822; ${opts.recipient}`,
    "Action: failed",
    "Status: 5.1.1",
    `Diagnostic-Code: smtp; 550 5.1.1 <${opts.recipient}>: Recipient address`,
    "    rejected: User unknown",
    "",
    "--B1",
    "Content-Type: text/rfc822-headers",
    "",
    "From: Support <support@shop.example>",
    `To: ${opts.recipient}`,
    "Subject: Re: Order [#12]",
    ...(opts.originalId ? [`Message-ID: <${opts.originalId}>`] : []),
    "",
    "--B1--",
    "",
  ].join("\r\n");
}

describe(`bounces (${testDatabase})`, () => {
  let t: TestApp;
  let smtp: CaptureSmtp;
  const clock = new ManualClock(new Date("2025-04-01T10:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    smtp = await startCaptureSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  it("reads folded recipient fields of a delivery-status body", () => {
    const text = [
      "Reporting-MTA: dns; mx.example.net",
      "",
      "Final-Recipient: rfc822; <Gone@Example.NET>",
      "Action: failed",
      "Status: 5.1.1",
      "Diagnostic-Code: smtp; 550 user",
      "  unknown",
      "",
      "Final-Recipient: rfc822; later@example.net",
      "Action: delayed",
      "Status: 4.4.1",
    ].join("\n");
    expect(parseDeliveryStatus(text)).toEqual([
      { address: "gone@example.net", action: "failed", status: "5.1.1", diagnostic: "550 user unknown" },
      { address: "later@example.net", action: "delayed", status: "4.4.1", diagnostic: null },
    ]);
  });

  it("attaches a DSN to the conversation of the reply it returns, fails the reply and flags the address", async () => {
    const a = await createAccount(t.ctx);
    const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: smtp.port });
    const c = await openEmailConversation(t, a, inbox.id);
    const reply = await postMessage(t, a, c.id, { body: "Your order ships today.", kind: "reply" });
    await runDueJobs(t.ctx, registry);
    const sent = await t.ctx.db
      .selectFrom("messages")
      .select(["email_message_id", "delivery_state"])
      .where("account_id", "=", a.accountId)
      .where("id", "=", reply.body.id)
      .executeTakeFirstOrThrow();
    expect(sent.delivery_state).toBe("sent");

    const dsnId = unique("dsn");
    const parsed = await simpleParser(
      dsn({ recipient: c.email, originalId: sent.email_message_id, id: dsnId }),
    );
    // Another account's DSN naming the same id must not touch this account.
    const stranger = await createAccount(t.ctx);
    expect(await handleBounce(t.ctx, { accountId: stranger.accountId, parsed })).toEqual({
      conversationId: null,
      messageId: null,
      flagged: [],
      duplicate: false,
    });

    const result = await handleBounce(t.ctx, { accountId: a.accountId, parsed });
    expect(result).toMatchObject({ conversationId: c.id, flagged: [c.email], duplicate: false });
    const again = await handleBounce(t.ctx, { accountId: a.accountId, parsed });
    expect(again.duplicate).toBe(true);

    const list = await call<{ items: Message[] }>(t.app, {
      method: "GET",
      url: `/api/v1/conversations/${c.id}/messages`,
      headers: a.headers,
    });
    const notes = list.body.items.filter((m) => m.kind === "note");
    expect(notes).toHaveLength(1);
    expect(notes[0]?.id).toBe(result.messageId);
    expect(notes[0]?.authorUserId).toBeNull();
    expect(notes[0]?.body).toContain(`The email to ${c.email} could not be delivered: 5.1.1 550 5.1.1`);
    expect(list.body.items.find((m) => m.id === reply.body.id)).toMatchObject({
      deliveryState: "failed",
      deliveryError: expect.stringContaining("bounced: 5.1.1 550 5.1.1"),
    });

    const contact = await call<Contact>(t.app, {
      method: "GET",
      url: `/api/v1/contacts/${c.contactDetail.id}`,
      headers: a.headers,
    });
    expect(contact.body.bounces).toEqual([
      {
        email: c.email,
        bouncedAt: clock.now().toISOString(),
        reason: expect.stringContaining("User unknown"),
      },
    ]);
    const events = await t.ctx.db
      .selectFrom("events")
      .select(["type", "subject_id"])
      .where("account_id", "=", a.accountId)
      .where("type", "in", ["contact.email_bounced", "message.delivery"])
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      "message.delivery",
      "contact.email_bounced",
      "message.delivery",
    ]);
  });

  it("finds the conversation through In-Reply-To when no headers came back, and flags without a conversation", async () => {
    const a = await createAccount(t.ctx);
    const inbox = await insertEmailInbox(t, a.accountId, { smtpPort: null });
    const c = await openEmailConversation(t, a, inbox.id);
    const byReplyTo = await handleBounce(t.ctx, {
      accountId: a.accountId,
      parsed: await simpleParser(
        dsn({ recipient: c.email, originalId: null, inReplyTo: c.customerMessageId }),
      ),
    });
    expect(byReplyTo.conversationId).toBe(c.id);

    const other = await openEmailConversation(t, a, inbox.id);
    const orphan = await handleBounce(t.ctx, {
      accountId: a.accountId,
      parsed: await simpleParser(dsn({ recipient: other.email, originalId: "unknown@elsewhere.example" })),
    });
    expect(orphan).toEqual({
      conversationId: null,
      messageId: null,
      flagged: [other.email],
      duplicate: false,
    });
  });
});
