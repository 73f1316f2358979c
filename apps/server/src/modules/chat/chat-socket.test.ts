import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { call, createAccount, createTestApp, type TestApp, testDatabase } from "../../test/harness";
import { ChatTestClient, makeWidget, startSession, wsBase } from "./chat.test-support";

/** A small seeded random source, so a failing run can be repeated. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function closeCode(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on("close", (code) => resolve(code));
    socket.on("error", () => undefined);
  });
}

describe(`visitor socket (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    // The stream below sends far more than a visitor may in a minute.
    t = await createTestApp({ config: { chatLimitScale: 1000 } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => t.close());

  it("closes with 4404, 4403 and 4401 for a bad key, a foreign origin and a forged or missing token", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a, { allowedOrigins: ["https://shop.example"] });
    const token = await startSession(t, w.key, { origin: "https://shop.example" });
    const base = `${wsBase(t)}/api/v1/widget/ws`;
    expect(await closeCode(`${base}?key=kw_1_nothingnothingnothing&token=${token}`)).toBe(4404);
    expect(await closeCode(`${base}?key=${w.key}&token=${token}`, { origin: "https://evil.example" })).toBe(
      4403,
    );
    expect(
      await closeCode(`${base}?key=${w.key}&token=kv_${a.accountId}_forgedforgedforgedforged`, {
        origin: "https://shop.example",
      }),
    ).toBe(4401);
    expect(await closeCode(`${base}?key=${w.key}`, { origin: "https://shop.example" })).toBe(4401);
  });

  it("answers malformed, oversized and unknown frames with error frames, and other sockets go on", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a);
    const url = (token: string) => `${wsBase(t)}/api/v1/widget/ws?key=${w.key}&token=${token}`;
    const bad = new ChatTestClient(url(await startSession(t, w.key)), { "accept-language": "ar" });
    const good = new ChatTestClient(url(await startSession(t, w.key)));
    await bad.connect();
    await good.connect();
    bad.raw("{not json");
    bad.raw(JSON.stringify({ type: "launch" }));
    bad.raw(JSON.stringify({ type: "message", clientId: "x", body: "hi" }));
    bad.raw(JSON.stringify({ type: "message", clientId: "client-big-1", body: "x".repeat(6000) }));
    bad.raw(JSON.stringify({ type: "hello", lastSeq: -1 }));
    bad.raw(JSON.stringify([1, 2, 3]));
    bad.raw(Buffer.from([0, 1, 2]));
    bad.raw(JSON.stringify({ type: "ping", pad: "y".repeat(20_000) }));
    await bad.until(() => bad.frames.filter((f) => f.type === "error").length >= 8);
    const errors = bad.frames.filter((f) => f.type === "error");
    expect(errors.every((f) => f.type === "error" && /[\u0600-\u06ff]/.test(f.message))).toBe(true);
    expect(errors.map((f) => f.type === "error" && f.code)).toContain("validation_failed");
    // Past the WebSocket layer's frame limit the socket itself closes (1009).
    bad.raw("z".repeat(70 * 1024));
    await bad.until(() => bad.closes.length > 0);
    expect(bad.closes[0]).toBe(1009);

    good.send("client-good-1", "still here");
    await good.until(() => good.outbox.length === 0);
    good.raw(JSON.stringify({ type: "ping" }));
    await good.until(() => good.frames.some((f) => f.type === "pong"));
    good.cut();
  });

  it("forwards agent replies and typing, never notes, and tells agents about visitor typing and reads", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a);
    const token = await startSession(t, w.key);
    const client = new ChatTestClient(`${wsBase(t)}/api/v1/widget/ws?key=${w.key}&token=${token}`);
    await client.connect();
    client.send("client-first-1", "Is my order shipped?");
    await client.until(() => client.outbox.length === 0);
    const conversationId = (
      await t.ctx.db
        .selectFrom("visitors")
        .select("conversation_id")
        .where("account_id", "=", a.accountId)
        .executeTakeFirstOrThrow()
    ).conversation_id as number;
    const room: { type: string; data: unknown }[] = [];
    const off = t.ctx.hub.subscribe(`conversation:${a.accountId}:${conversationId}`, (m) => room.push(m));
    for (const [body, kind] of [
      ["internal only", "note"],
      ["Yes, today", "reply"],
    ] as const) {
      await call(t.app, {
        method: "POST",
        url: `/api/v1/conversations/${conversationId}/messages`,
        headers: a.headers,
        payload: { body, kind },
      });
    }
    await client.until(() => client.messages().some((m) => m.body === "Yes, today"));
    await t.ctx.hub.publish(`conversation:${a.accountId}:${conversationId}`, {
      type: "typing",
      accountId: a.accountId,
      data: { conversationId, userId: a.userId, name: "Owner Person", typing: true },
    });
    await client.until(() => client.frames.some((f) => f.type === "typing" && f.typing));
    const read = await call<{ seq: number }>(t.app, {
      method: "POST",
      url: `/api/v1/conversations/${conversationId}/chat-read`,
      headers: a.headers,
      payload: { seq: 1 },
    });
    expect(read.body.seq).toBe(1);
    await client.until(() => client.frames.some((f) => f.type === "read" && f.seq === 1));
    const other = await createAccount(t.ctx);
    const foreign = await call(t.app, {
      method: "POST",
      url: `/api/v1/conversations/${conversationId}/chat-read`,
      headers: other.headers,
      payload: { seq: 1 },
    });
    expect(foreign.status).toBe(404);
    expect(
      (
        await call(t.app, {
          method: "POST",
          url: `/api/v1/conversations/${conversationId}/chat-read`,
          payload: { seq: 1 },
        })
      ).status,
    ).toBe(401);
    client.raw(JSON.stringify({ type: "typing", typing: true }));
    client.raw(JSON.stringify({ type: "read", seq: 3 }));
    await new Promise((r) => setTimeout(r, 300));
    off();
    expect(client.messages().map((m) => m.body)).toEqual(["Is my order shipped?", "Yes, today"]);
    expect(JSON.stringify(client.frames)).not.toContain("internal only");
    expect(room.some((m) => m.type === "chat.visitor_typing")).toBe(true);
    expect(room.some((m) => m.type === "chat.read" && (m.data as { seq: number }).seq === 3)).toBe(true);
    client.cut();
  });

  it("refuses a visitor over the message limit with an error frame and 4429, and the resend keeps the order", async () => {
    const strict = await createTestApp();
    await strict.app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const a = await createAccount(strict.ctx);
      const w = await makeWidget(strict, a);
      const token = await startSession(strict, w.key);
      const client = new ChatTestClient(`${wsBase(strict)}/api/v1/widget/ws?key=${w.key}&token=${token}`);
      await client.connect();
      for (let i = 0; i < 35; i++) client.send(`limit-${String(i).padStart(4, "0")}`, `m${i}`);
      await client.until(() => client.closes.includes(4429));
      const refused = client.frames.find((f) => f.type === "error");
      expect(refused).toMatchObject({ code: "too_many_requests", clientId: "limit-0030" });
      expect(refused?.type === "error" && refused.retryAfterMs).toBeGreaterThan(0);
      const stored = await strict.ctx.db
        .selectFrom("messages")
        .select("client_id")
        .where("account_id", "=", a.accountId)
        .orderBy("seq")
        .execute();
      expect(stored.map((m) => m.client_id)).toEqual(
        Array.from({ length: 30 }, (_, i) => `limit-${String(i).padStart(4, "0")}`),
      );
      client.cut();
    } finally {
      await strict.close();
    }
  });

  it("loses, duplicates and reorders nothing when the socket is cut at random points during 1,000 messages", async () => {
    const a = await createAccount(t.ctx);
    const w = await makeWidget(t, a);
    const token = await startSession(t, w.key);
    const client = new ChatTestClient(`${wsBase(t)}/api/v1/widget/ws?key=${w.key}&token=${token}`);
    const random = rng(20260301);
    await client.connect();
    client.send("v-000000", "first");
    await client.until(() => client.outbox.length === 0);
    const conversationId = (
      await t.ctx.db
        .selectFrom("visitors")
        .select("conversation_id")
        .where("account_id", "=", a.accountId)
        .executeTakeFirstOrThrow()
    ).conversation_id as number;

    const VISITOR = 600;
    const AGENT = 400;
    // Agent replies (and a note now and then) go out while the visitor writes.
    const agent = (async () => {
      for (let i = 0; i < AGENT; i++) {
        const kind = i % 50 === 25 ? "note" : "reply";
        const res = await t.app.inject({
          method: "POST",
          url: `/api/v1/conversations/${conversationId}/messages`,
          headers: a.headers,
          payload: { body: `a-${i}`, kind },
        });
        if (res.statusCode !== 201) throw new Error(res.body);
      }
    })();
    let cuts = 0;
    for (let i = 1; i < VISITOR; i++) {
      client.send(`v-${String(i).padStart(6, "0")}`, `v-${i}`);
      if (random() < 0.03) {
        client.cut();
        cuts += 1;
        await new Promise((r) => setTimeout(r, Math.floor(random() * 20)));
        await client.connect();
      } else if (i % 25 === 0) {
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    await agent;
    await client.until(() => client.outbox.length === 0, 90_000);
    // A last reconnect fetches whatever the cuts kept from arriving live.
    client.cut();
    await client.connect();
    client.cut();

    const stored = await t.ctx.db
      .selectFrom("messages")
      .select(["seq", "kind", "body", "client_id"])
      .where("account_id", "=", a.accountId)
      .where("conversation_id", "=", conversationId)
      .orderBy("seq")
      .execute();
    const visitorRows = stored.filter((m) => m.kind === "inbound");
    expect(cuts).toBeGreaterThan(5);
    expect(visitorRows).toHaveLength(VISITOR);
    expect(visitorRows.map((m) => m.client_id)).toEqual(
      Array.from({ length: VISITOR }, (_, i) => `v-${String(i).padStart(6, "0")}`),
    );
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    const visible = stored.filter((m) => m.kind !== "note");
    expect(visible.length).toBe(VISITOR + AGENT - AGENT / 50);
    expect(client.messages().map((m) => [m.seq, m.body])).toEqual(visible.map((m) => [m.seq, m.body]));
    const notes = new Set(stored.filter((m) => m.kind === "note").map((m) => m.body));
    expect(notes.size).toBe(AGENT / 50);
    expect(client.messages().some((m) => notes.has(m.body))).toBe(false);
  }, 180_000);
});
