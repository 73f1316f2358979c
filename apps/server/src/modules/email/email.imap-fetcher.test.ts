import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createTestApp, type TestApp, testDatabase, unique } from "../../test/harness";
import { type ImapFetcher, startImapFetcher } from "./email.imap-fetcher";
import { startDovecot, type TestDovecot } from "./email.test-dovecot";
import { composeMail, createEmailInbox } from "./email.test-support";

const enabled = process.env.TEST_IMAP === "1";
if (!enabled) console.log("TEST_IMAP is not 1: the IMAP tests against Dovecot are skipped");

describe.skipIf(!enabled)(`IMAP fetching from Dovecot (${testDatabase})`, () => {
  let t: TestApp;
  let dovecot: TestDovecot;
  let fetcher: ImapFetcher | null = null;
  let mailbox: ImapFlow;

  beforeAll(async () => {
    t = await createTestApp({ config: { secret: "imap-test-secret" } });
    dovecot = await startDovecot();
    mailbox = new ImapFlow({
      host: "127.0.0.1",
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await mailbox.connect();
  }, 30_000);
  afterAll(async () => {
    await fetcher?.stop();
    await mailbox?.logout().catch(() => {});
    await dovecot?.stop();
    await t?.close();
  });

  // Other inboxes of the shared database finish passes too, so a test waits for its own
  // condition against a deadline rather than counting passes.
  const passesUntil = async (f: ImapFetcher, done: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await done()) && Date.now() < deadline) {
      await Promise.race([f.idle(), new Promise((resolve) => setTimeout(resolve, 500))]);
    }
  };

  const seen = async () => {
    const lock = await mailbox.getMailboxLock("INBOX");
    try {
      const out: Record<number, boolean> = {};
      for await (const m of mailbox.fetch("1:*", { uid: true, flags: true }, { uid: false })) {
        out[m.uid] = m.flags?.has("\\Seen") ?? false;
      }
      return out;
    } finally {
      lock.release();
    }
  };

  it("records a login failure in imap_state and keeps retrying", { timeout: 30_000 }, async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner, {
      imap: { host: "127.0.0.1", port: dovecot.port, secure: false, user: dovecot.user, password: "wrong" },
    });
    const f = startImapFetcher(t.ctx, { pollMs: 200, rescanMs: 200, backoffMs: [100, 200] });
    try {
      await passesUntil(f, async () => {
        const row = await t.ctx.db
          .selectFrom("inboxes")
          .select("imap_state")
          .where("id", "=", inbox.id)
          .executeTakeFirstOrThrow();
        return Boolean((row.imap_state as { lastError?: string } | null)?.lastError);
      });
      const row = await t.ctx.db
        .selectFrom("inboxes")
        .select("imap_state")
        .where("id", "=", inbox.id)
        .executeTakeFirstOrThrow();
      expect((row.imap_state as { lastError: string }).lastError).toBeTruthy();
    } finally {
      await f.stop();
      await t.ctx.db
        .updateTable("inboxes")
        .set({ disabled_at: new Date() })
        .where("id", "=", inbox.id)
        .execute();
    }
  });

  it("ingests new mail, marks it seen only after commit, resumes from the last UID, picks up new mail", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner, {
      imap: {
        host: "127.0.0.1",
        port: dovecot.port,
        secure: false,
        user: dovecot.user,
        password: dovecot.password,
      },
    });
    const ids = [unique("i1"), unique("i2")];
    for (const id of ids) {
      await mailbox.append(
        "INBOX",
        await composeMail({
          from: "imap.customer@customer.test",
          to: inbox.address,
          subject: `IMAP ${id}`,
          messageId: `<${id}@customer.test>`,
          text: `body ${id}`,
        }),
      );
    }
    fetcher = startImapFetcher(t.ctx, { pollMs: 300, rescanMs: 60_000 });
    const stored = async () =>
      (
        await t.ctx.db
          .selectFrom("messages")
          .select("email_message_id")
          .where("account_id", "=", owner.accountId)
          .execute()
      ).map((r) => r.email_message_id);
    await passesUntil(fetcher, async () => (await stored()).length >= 2);
    expect((await stored()).sort()).toEqual(ids.map((id) => `${id}@customer.test`).sort());
    expect(Object.values(await seen()).every(Boolean)).toBe(true);
    const state = (
      await t.ctx.db
        .selectFrom("inboxes")
        .select("imap_state")
        .where("id", "=", inbox.id)
        .executeTakeFirstOrThrow()
    ).imap_state as { lastUid: number; uidValidity: string; lastError: string | null };
    expect(state.lastUid).toBe(2);
    expect(state.lastError).toBeNull();

    // A restart resumes after the last UID: nothing is fetched twice, new mail arrives.
    await fetcher.stop();
    const third = unique("i3");
    await mailbox.append(
      "INBOX",
      await composeMail({
        from: "imap.customer@customer.test",
        to: inbox.address,
        subject: "third",
        messageId: `<${third}@customer.test>`,
        text: "third",
      }),
    );
    fetcher = startImapFetcher(t.ctx, { pollMs: 300, rescanMs: 60_000 });
    await passesUntil(fetcher, async () => (await stored()).length >= 3);
    expect((await stored()).length).toBe(3);
    const fourth = unique("i4");
    await mailbox.append(
      "INBOX",
      await composeMail({
        from: "imap.customer@customer.test",
        to: inbox.address,
        subject: "4",
        messageId: `<${fourth}@customer.test>`,
        text: "4",
      }),
    );
    await passesUntil(fetcher, async () => (await stored()).length >= 4);
    expect((await stored()).length).toBe(4);
  }, 60_000);
});
