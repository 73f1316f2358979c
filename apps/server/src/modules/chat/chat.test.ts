import { createHmac } from "node:crypto";
import type { VisitorAttachment, VisitorMessage, VisitorSession } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import { call, createAccount, createTestApp, type TestApp, testDatabase } from "../../test/harness";
import { makeWidget, startSession } from "./chat.test-support";

type ErrorBody = { error: { code: string; message: string } };
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f8a0c40000000049454e44ae426082",
  "hex",
);

describe(`public widget API (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z")); // a Sunday
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it("refuses unknown keys (404), foreign origins (403) and bad tokens (401), in the caller's language", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a, { allowedOrigins: ["https://shop.example"] });
    const unknown = await call<ErrorBody>(t.app, {
      method: "GET",
      url: `/api/v1/widget/config?key=kw_${a.accountId}_AAAAAAAAAAAAAAAAAAAAAAAA`,
    });
    expect(unknown.status).toBe(404);
    const foreign = await call<ErrorBody>(t.app, {
      method: "GET",
      url: `/api/v1/widget/config?key=${w.key}`,
      headers: { origin: "https://evil.example", "accept-language": "ar" },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toContain("غير مسموح");
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
    const noOrigin = await call(t.app, { method: "GET", url: `/api/v1/widget/config?key=${w.key}` });
    expect(noOrigin.status).toBe(403);
    const ok = await call(t.app, {
      method: "GET",
      url: `/api/v1/widget/config?key=${w.key}`,
      headers: { origin: "https://shop.example" },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBe("https://shop.example");

    const open = await makeWidget(t, a);
    const forged = await call<ErrorBody>(t.app, {
      method: "GET",
      url: `/api/v1/widget/messages?key=${open.key}&token=kv_${a.accountId}_forgedforgedforgedforged`,
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toContain("expired or is not valid");
    // A token of another widget is no token here.
    const other = await startSession(t, w.key, { origin: "https://shop.example" });
    const cross = await call(t.app, {
      method: "GET",
      url: `/api/v1/widget/messages?key=${open.key}&token=${other}`,
    });
    expect(cross.status).toBe(401);
    const bad = await call<ErrorBody>(t.app, {
      method: "POST",
      url: "/api/v1/widget/session",
      payload: { key: open.key, extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("extra is not an accepted field");
  });

  it("expires visitor tokens and renews a live one", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a);
    const token = await startSession(t, w.key);
    clock.advance(29 * 24 * 3600 * 1000);
    const renewed = await call<VisitorSession>(t.app, {
      method: "POST",
      url: "/api/v1/widget/session",
      payload: { key: w.key, token },
    });
    expect(renewed.body.token).toBe(token);
    clock.advance(29 * 24 * 3600 * 1000);
    expect(
      (await call(t.app, { method: "GET", url: `/api/v1/widget/messages?key=${w.key}&token=${token}` }))
        .status,
    ).toBe(200);
    clock.advance(31 * 24 * 3600 * 1000);
    expect(
      (await call(t.app, { method: "GET", url: `/api/v1/widget/messages?key=${w.key}&token=${token}` }))
        .status,
    ).toBe(401);
    const fresh = await call<VisitorSession>(t.app, {
      method: "POST",
      url: "/api/v1/widget/session",
      payload: { key: w.key, token },
    });
    expect(fresh.body.token).not.toBe(token);
  });

  it("joins a visitor to a contact only with the right HMAC", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a);
    const token = await startSession(t, w.key);
    const hmac = (id: string, secret = w.identitySecret) =>
      createHmac("sha256", secret).update(id).digest("hex");
    const wrong = await call<ErrorBody>(t.app, {
      method: "POST",
      url: "/api/v1/widget/identify",
      payload: { key: w.key, token, userId: "user-42", hmac: hmac("user-43") },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toContain("does not match");
    const otherSecret = await call(t.app, {
      method: "POST",
      url: "/api/v1/widget/identify",
      payload: { key: w.key, token, userId: "user-42", hmac: hmac("user-42", "not-the-secret") },
    });
    expect(otherSecret.status).toBe(403);
    const visitor = await t.ctx.db
      .selectFrom("visitors")
      .select("contact_id")
      .where("account_id", "=", a.accountId)
      .executeTakeFirstOrThrow();
    expect(visitor.contact_id).toBeNull();

    const ok = await call<VisitorSession>(t.app, {
      method: "POST",
      url: "/api/v1/widget/identify",
      payload: {
        key: w.key,
        token,
        userId: "user-42",
        hmac: hmac("user-42"),
        name: "Mona",
        email: "mona@example.test",
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.verified).toBe(true);
    // A second browser of the same user lands on the same contact.
    const token2 = await startSession(t, w.key);
    await call(t.app, {
      method: "POST",
      url: "/api/v1/widget/identify",
      payload: { key: w.key, token: token2, userId: "user-42", hmac: hmac("user-42") },
    });
    const rows = await t.ctx.db
      .selectFrom("visitors")
      .select("contact_id")
      .where("account_id", "=", a.accountId)
      .execute();
    expect(new Set(rows.map((r) => r.contact_id)).size).toBe(1);
    expect(rows[0]?.contact_id).not.toBeNull();
  });

  it("sends once per client id, hides notes from the history and answers with sequence numbers", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a);
    const token = await startSession(t, w.key);
    const send = (clientId: string, body: string) =>
      call<{ message: VisitorMessage; duplicate: boolean }>(t.app, {
        method: "POST",
        url: "/api/v1/widget/messages",
        payload: { key: w.key, token, clientId, body },
      });
    const long = await send("client-0001", "x".repeat(5001));
    expect(long.status).toBe(400);
    const first = await send("client-0001", "  مرحبا، أحتاج مساعدة  ");
    expect(first.body).toMatchObject({
      duplicate: false,
      message: { seq: 1, from: "visitor", body: "مرحبا، أحتاج مساعدة" },
    });
    const again = await send("client-0001", "مرحبا، أحتاج مساعدة");
    expect(again.body).toMatchObject({ duplicate: true, message: { id: first.body.message.id, seq: 1 } });
    const session = await call<VisitorSession>(t.app, {
      method: "POST",
      url: "/api/v1/widget/session",
      payload: { key: w.key, token },
    });
    const conversationId = session.body.conversationId as number;
    const conv = await call<{ channel: string; status: string; subject: string }>(t.app, {
      method: "GET",
      url: `/api/v1/conversations/${conversationId}`,
      headers: a.headers,
    });
    expect(conv.body).toMatchObject({ channel: "chat", status: "new", subject: "مرحبا، أحتاج مساعدة" });
    for (const [body, kind] of [
      ["secret note", "note"],
      ["Hello, how can I help?", "reply"],
    ] as const) {
      await call(t.app, {
        method: "POST",
        url: `/api/v1/conversations/${conversationId}/messages`,
        headers: a.headers,
        payload: { body, kind },
      });
    }
    const history = await call<{ items: VisitorMessage[]; lastSeq: number }>(t.app, {
      method: "GET",
      url: `/api/v1/widget/messages?key=${w.key}&token=${token}`,
    });
    expect(history.body.items.map((m) => [m.seq, m.from, m.body])).toEqual([
      [1, "visitor", "مرحبا، أحتاج مساعدة"],
      [3, "agent", "Hello, how can I help?"],
    ]);
    expect(history.body.lastSeq).toBe(3);
    const after = await call<{ items: VisitorMessage[] }>(t.app, {
      method: "GET",
      url: `/api/v1/widget/messages?key=${w.key}&token=${token}&after=1`,
    });
    expect(after.body.items.map((m) => m.seq)).toEqual([3]);
    const read = await call<{ seq: number }>(t.app, {
      method: "POST",
      url: "/api/v1/widget/read",
      payload: { key: w.key, token, seq: 3 },
    });
    expect(read.body.seq).toBe(3);
  });

  it("keeps the pre-chat name on the contact of the conversation the visitor then opens", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a, { prechat: { name: "required", email: "optional", phone: "off" } });
    const token = await startSession(t, w.key);
    const saved = await call<VisitorSession>(t.app, {
      method: "POST",
      url: "/api/v1/widget/prechat",
      payload: { key: w.key, token, name: "سارة", email: "sara@example.test" },
    });
    expect(saved.body.known).toBe(true);
    await call(t.app, {
      method: "POST",
      url: "/api/v1/widget/messages",
      payload: { key: w.key, token, clientId: "client-name-1", body: "hello" },
    });
    const session = await call<VisitorSession>(t.app, {
      method: "POST",
      url: "/api/v1/widget/session",
      payload: { key: w.key, token },
    });
    const conv = await call<{ contact: { name: string } }>(t.app, {
      method: "GET",
      url: `/api/v1/conversations/${session.body.conversationId}`,
      headers: a.headers,
    });
    expect(conv.body.contact.name).toBe("سارة");
    const contacts = await t.ctx.db
      .selectFrom("contacts")
      .select("name")
      .where("account_id", "=", a.accountId)
      .execute();
    expect(contacts.map((c) => c.name)).toEqual(["سارة"]);
  });

  it("takes images and PDFs by their bytes, refuses other files, and serves them only to their visitor", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a);
    const token = await startSession(t, w.key);
    const upload = (data: Buffer, filename: string, type = "application/octet-stream") =>
      call<VisitorAttachment & ErrorBody>(t.app, {
        method: "POST",
        url: `/api/v1/widget/attachments?key=${w.key}&filename=${encodeURIComponent(filename)}`,
        headers: { "content-type": type, "x-visitor-token": token },
        payload: data,
      });
    const html = await upload(Buffer.from("<html><script>alert(1)</script></html>"), "a.png", "image/png");
    expect(html.status).toBe(415);
    expect(html.body.error.message).toContain("PDF");
    const big = await upload(Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), "big.png", "image/png");
    expect(big.status).toBe(413);
    const png = await upload(PNG, "صورة.png");
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({ name: "صورة.png", contentType: "image/png", size: PNG.length });
    const pdf = await upload(
      Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
      "invoice.pdf",
      "application/pdf",
    );
    expect(pdf.status).toBe(201);
    const sent = await call<{ message: VisitorMessage }>(t.app, {
      method: "POST",
      url: "/api/v1/widget/messages",
      payload: {
        key: w.key,
        token,
        clientId: "client-file-1",
        body: "",
        attachmentIds: [png.body.id, pdf.body.id],
      },
    });
    expect(sent.body.message.attachments.map((f) => f.name)).toEqual(["صورة.png", "invoice.pdf"]);
    // The agent finds the files on the visitor's message and can open them.
    const list = await call<{ items: { id: number }[] }>(t.app, {
      method: "GET",
      url: "/api/v1/conversations",
      headers: a.headers,
    });
    const messages = await call<{ items: { attachments: { filename: string; url: string }[] }[] }>(t.app, {
      method: "GET",
      url: `/api/v1/conversations/${list.body.items[0]?.id}/messages`,
      headers: a.headers,
    });
    const withFiles = messages.body.items.find((m) => m.attachments.length > 0);
    expect(withFiles?.attachments.map((f) => f.filename)).toEqual(["صورة.png", "invoice.pdf"]);
    const agentFile = await t.app.inject({
      method: "GET",
      url: withFiles?.attachments[0]?.url ?? "/missing",
      headers: a.headers,
    });
    expect(agentFile.statusCode).toBe(200);
    expect(agentFile.rawPayload.equals(PNG)).toBe(true);
    const file = await t.app.inject({
      method: "GET",
      url: `/api/v1/widget/attachments/${png.body.id}?key=${w.key}&token=${token}`,
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe("image/png");
    expect(file.rawPayload.equals(PNG)).toBe(true);
    const stranger = await startSession(t, w.key);
    const denied = await call(t.app, {
      method: "GET",
      url: `/api/v1/widget/attachments/${png.body.id}?key=${w.key}&token=${stranger}`,
    });
    expect(denied.status).toBe(404);
  });

  it("follows business hours and takes an offline message with an email", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a, {
      businessHours: { timezone: "Asia/Riyadh", days: [{ day: 1, open: "09:00", close: "17:00" }] },
      prechat: { name: "required", email: "optional", phone: "off" },
    });
    const config = await call<{ online: boolean; prechat: unknown }>(t.app, {
      method: "GET",
      url: `/api/v1/widget/config?key=${w.key}`,
    });
    expect(config.body.online).toBe(false);
    const token = await startSession(t, w.key);
    const missing = await call(t.app, {
      method: "POST",
      url: "/api/v1/widget/prechat",
      payload: { key: w.key, token, email: "a@b.test" },
    });
    expect(missing.status).toBe(400);
    const badEmail = await call(t.app, {
      method: "POST",
      url: "/api/v1/widget/offline",
      payload: {
        key: w.key,
        token,
        clientId: "offline-01",
        name: "Ali",
        email: "not-an-email",
        body: "Call me",
      },
    });
    expect(badEmail.status).toBe(400);
    const left = await call<VisitorMessage>(t.app, {
      method: "POST",
      url: "/api/v1/widget/offline",
      payload: {
        key: w.key,
        token,
        clientId: "offline-01",
        name: "Ali",
        email: "Ali@Example.test",
        body: "Call me back please",
      },
    });
    expect(left.status).toBe(200);
    const contact = await t.ctx.db
      .selectFrom("contacts")
      .select(["name", "attributes"])
      .where("account_id", "=", a.accountId)
      .where("name", "=", "Ali")
      .executeTakeFirstOrThrow();
    expect(contact.attributes).toMatchObject({ email: "ali@example.test", source: "chat" });
  });
});
