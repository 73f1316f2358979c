import type { Inbox } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptSecret } from "../../platform/crypto";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
  unique,
} from "../../test/harness";

type ErrorBody = { error: { code: string; message: string } };

describe(`inboxes (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { secret: "test-secret-for-inboxes" } });
  });
  afterAll(() => t.close());

  const send = <T = ErrorBody>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => call<T>(t.app, { method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const address = () => `${unique("support")}@example.test`;

  it("needs credentials", async () => {
    expect((await call(t.app, { method: "GET", url: "/api/v1/inboxes" })).status).toBe(401);
    expect(
      (await send("POST", "/inboxes", {}, { channel: "email", name: "x", address: address() })).status,
    ).toBe(401);
  });

  it("is for admins and owners only", async () => {
    const owner = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const supervisor = await createUser(t.ctx, owner.accountId, "supervisor");
    expect((await send("GET", "/inboxes", agent.headers)).status).toBe(403);
    const made = await send("POST", "/inboxes", supervisor.headers, {
      channel: "email",
      name: "x",
      address: address(),
    });
    expect(made.status).toBe(403);
    const admin = await createUser(t.ctx, owner.accountId, "admin");
    expect((await send("GET", "/inboxes", admin.headers)).status).toBe(200);
  });

  it("answers 404 for another account's inbox", async () => {
    const owner = await createAccount(t.ctx);
    const other = await createAccount(t.ctx);
    const theirs = await send<Inbox>("POST", "/inboxes", other.headers, {
      channel: "email",
      name: "Theirs",
      address: address(),
    });
    expect(theirs.status).toBe(201);
    const read = await send("GET", `/inboxes/${theirs.body.id}`, owner.headers);
    expect(read.status).toBe(404);
    expect(read.body.error.message).toBe("The inbox was not found.");
    expect((await send("PATCH", `/inboxes/${theirs.body.id}`, owner.headers, { name: "Ours" })).status).toBe(
      404,
    );
    expect((await send("DELETE", `/inboxes/${theirs.body.id}`, owner.headers)).status).toBe(404);
    expect((await send<{ items: Inbox[] }>("GET", "/inboxes", owner.headers)).body.items).toEqual([]);
  });

  it("refuses bad input with a message in the caller's language", async () => {
    const owner = await createAccount(t.ctx);
    const noAddress = await send("POST", "/inboxes", owner.headers, { channel: "email", name: "Support" });
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.error.message).toContain("address");
    const badAddress = await send("POST", "/inboxes", owner.headers, {
      channel: "email",
      name: "Support",
      address: "not an address",
    });
    expect(badAddress.status).toBe(400);
    const unknownField = await send("POST", "/inboxes", owner.headers, {
      channel: "email",
      name: "Support",
      address: address(),
      color: "red",
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain("color");
    const badChannel = await send("POST", "/inboxes", owner.headers, {
      channel: "fax",
      name: "Support",
      address: address(),
    });
    expect(badChannel.status).toBe(400);
    const badPort = await send(
      "POST",
      "/inboxes",
      { ...owner.headers, "accept-language": "ar" },
      { channel: "email", name: "Support", address: address(), smtp: { host: "smtp.example.test", port: 0 } },
    );
    expect(badPort.status).toBe(400);
    expect(badPort.body.error.message).toMatch(/[\u0600-\u06ff]/);
    const empty = await send<Inbox>("POST", "/inboxes", owner.headers, {
      channel: "email",
      name: "Support",
      address: address(),
    });
    expect((await send("PATCH", `/inboxes/${empty.body.id}`, owner.headers, {})).status).toBe(400);
  });

  it("keeps an address to one active inbox across all accounts", async () => {
    const a = await createAccount(t.ctx);
    const b = await createAccount(t.ctx);
    const shared = address();
    const first = await send<Inbox>("POST", "/inboxes", a.headers, {
      channel: "email",
      name: "A",
      address: shared,
    });
    expect(first.status).toBe(201);
    const second = await send("POST", "/inboxes", b.headers, {
      channel: "email",
      name: "B",
      address: shared.toUpperCase(),
    });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain("another inbox already receives mail at this address");
    expect((await send("DELETE", `/inboxes/${first.body.id}`, a.headers)).status).toBe(204);
    const again = await send<Inbox>("POST", "/inboxes", b.headers, {
      channel: "email",
      name: "B",
      address: shared,
    });
    expect(again.status).toBe(201);
    expect(again.body.address).toBe(shared.toLowerCase());
  });

  it("creates, changes and disables an inbox, with passwords write-only and encrypted, and events", async () => {
    const owner = await createAccount(t.ctx);
    const addr = address();
    const created = await send<Inbox>("POST", "/inboxes", owner.headers, {
      channel: "email",
      name: "الدعم",
      address: addr,
      signature: "فريق الدعم",
      smtp: { host: "smtp.example.test", port: 587, user: "bot", password: "smtp-pass" },
      imap: { host: "imap.example.test", port: 993, user: "bot", password: "imap-pass" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channel: "email",
      name: "الدعم",
      autoAck: false,
      smtp: { host: "smtp.example.test", port: 587, secure: false, user: "bot", hasPassword: true },
      imap: { host: "imap.example.test", port: 993, secure: true, mailbox: "INBOX", hasPassword: true },
    });
    expect(JSON.stringify(created.body)).not.toContain("pass");
    const row = await t.ctx.db
      .selectFrom("inboxes")
      .select(["smtp", "imap"])
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    const smtp = row.smtp as { passwordEnc: string };
    expect(smtp.passwordEnc).not.toContain("smtp-pass");
    expect(decryptSecret(t.ctx.config, smtp.passwordEnc)).toBe("smtp-pass");

    const patched = await send<Inbox>("PATCH", `/inboxes/${created.body.id}`, owner.headers, {
      name: "Support",
      autoAck: true,
      smtp: { host: "smtp.example.test", port: 465, user: "bot" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.smtp).toMatchObject({ port: 465, secure: true, hasPassword: true });
    const cleared = await send<Inbox>("PATCH", `/inboxes/${created.body.id}`, owner.headers, {
      imap: null,
      signature: null,
    });
    expect(cleared.body.imap).toBeNull();
    expect(cleared.body.signature).toBeNull();

    expect((await send("DELETE", `/inboxes/${created.body.id}`, owner.headers)).status).toBe(204);
    expect((await send("GET", `/inboxes/${created.body.id}`, owner.headers)).status).toBe(404);

    const events = await t.ctx.db
      .selectFrom("events")
      .select(["type", "before", "after"])
      .where("account_id", "=", owner.accountId)
      .where("subject_type", "=", "inbox")
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      "inbox.created",
      "inbox.updated",
      "inbox.updated",
      "inbox.deleted",
    ]);
    expect(JSON.stringify(events)).not.toMatch(/pass|v1:/);
  });
});
