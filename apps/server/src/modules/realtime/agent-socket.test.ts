import type { ConversationSummary, Message, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
} from "../../test/harness";
import { signInCookie } from "../auth/auth.test-support";
import { openConversation, postMessage } from "../conversations/conversations.fixtures";
import { type Frame, openSocket, type SocketClient, wsUrl } from "./realtime.test-support";

// With Redis the suite runs again on the Redis hub and presence. Only on
// PostgreSQL: PGlite numbers accounts from 1 in every run, and presence kept
// in Redis by an earlier run would then meet the same ids.
const redisUrl =
  process.env.TEST_REDIS_URL && process.env.TEST_DATABASE_URL ? process.env.TEST_REDIS_URL : null;
const hubs: [string, string | null][] = [["in-process hub", null]];
if (redisUrl) hubs.push(["Redis hub", redisUrl]);

describe.each(hubs)(`agent socket (${testDatabase}, %s)`, (_hub, hubUrl) => {
  let t: TestApp;
  let port: number;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    // A short heartbeat so a socket that stops answering pings is dropped within the test.
    t = await createTestApp({ config: { wsHeartbeatMs: 300 }, redisUrl: hubUrl });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const address = t.app.server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await t.close();
  });

  async function connect(headers: Record<string, string>, opts: { autoPong?: boolean } = {}) {
    const s = await openSocket(wsUrl(port), { headers, ...opts });
    sockets.push(s);
    return s;
  }
  const ofType = (type: string) => (f: Frame) => f.type === type;
  const errorCode = (code: string) => (f: Frame) => f.type === "error" && f.error?.code === code;

  describe("unhappy paths", () => {
    it("closes with 4401 when not signed in or with a bad token", async () => {
      const none = await connect({});
      expect(await none.closed).toBe(4401);
      const bad = await connect({ authorization: "Bearer kh_1_notatoken" });
      expect(await bad.closed).toBe(4401);
    });

    it("closes with 4403 for a page of another site", async () => {
      const a = await createAccount(t.ctx);
      const s = await connect({ ...a.headers, origin: "https://evil.example" });
      expect(await s.closed).toBe(4403);
    });

    it("answers malformed, oversized, binary and unknown frames with error frames and keeps serving", async () => {
      const a = await createAccount(t.ctx);
      const s = await connect({ ...a.headers, "accept-language": "ar" });
      const other = await connect(a.headers);
      await s.next(ofType("hello"));
      s.send("{not json");
      expect((await s.next(errorCode("frame_invalid"))).error?.message).toContain("الإطار غير صالح");
      s.send({ type: "launch" });
      expect((await s.next(errorCode("unknown_type"))).error?.message).toContain("launch");
      s.send({ type: "subscribe", conversationId: "1" });
      await s.next(errorCode("frame_invalid"));
      s.send({ type: "ping", extra: 1 });
      await s.next(errorCode("frame_invalid"));
      s.send([1, 2]);
      await s.next(errorCode("frame_invalid"));
      s.send({ type: "ping", pad: "x".repeat(5000) });
      await s.next(errorCode("frame_too_large"));
      s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      await s.next(errorCode("frame_invalid"));
      s.send({ type: "ping" });
      await s.next(ofType("pong"));
      other.send({ type: "ping" });
      await other.next(ofType("pong"));
    });

    it("answers 404 for another account's conversation and refuses typing before subscribing", async () => {
      const a = await createAccount(t.ctx);
      const b = await createAccount(t.ctx);
      const theirs = await openConversation(t, b);
      const s = await connect(a.headers);
      s.send({ type: "subscribe", conversationId: theirs.id });
      await s.next(errorCode("not_found"));
      s.send({ type: "typing", conversationId: theirs.id, typing: true });
      await s.next(errorCode("not_subscribed"));
    });

    it("closes with 4401 once its session is signed out", async () => {
      const a = await createAccount(t.ctx);
      const session = await signInCookie(t.app, a.email, a.password);
      const s = await connect({ cookie: session.cookie });
      await s.next(ofType("hello"));
      const out = await call(t.app, { method: "POST", url: "/api/v1/auth/logout", headers: session.write });
      expect(out.status).toBeLessThan(300);
      expect(await s.closed).toBe(4401);
    });

    it("drops a socket that stops answering pings", async () => {
      const a = await createAccount(t.ctx);
      const dead = await connect(a.headers, { autoPong: false });
      expect(await dead.closed).toBe(1006);
    });
  });

  describe("success", () => {
    it("greets, and delivers a new message exactly as the messages list shows it, to this account only", async () => {
      const a = await createAccount(t.ctx);
      const stranger = await createAccount(t.ctx);
      const s = await connect(a.headers);
      const outsider = await connect(stranger.headers);
      expect((await s.next(ofType("hello"))).data).toMatchObject({ userId: a.userId });
      const c = await openConversation(t, a);
      const created = await s.next(ofType("conversation.created"));
      const list = await call<Page<ConversationSummary>>(t.app, {
        method: "GET",
        url: "/api/v1/conversations",
        headers: a.headers,
      });
      expect((created.data as { conversation: ConversationSummary }).conversation).toEqual(
        list.body.items.find((x) => x.id === c.id),
      );

      // The customer's first message, announced with the conversation, reads as the list shows it.
      const firstLive = await s.next(
        (f) => f.type === "message.created" && (f.data as { conversationId: number }).conversationId === c.id,
      );
      const firstListed = await call<Page<Message>>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/messages`,
        headers: a.headers,
      });
      expect(firstLive.data).toEqual({ conversationId: c.id, message: firstListed.body.items[0] });

      const posted = await postMessage(t, a, c.id, { body: "We are on it", kind: "reply" });
      const live = await s.next(
        (f) => f.type === "message.created" && (f.data as { message: Message }).message.id === posted.body.id,
      );
      const messages = await call<Page<Message>>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/messages`,
        headers: a.headers,
      });
      expect(live.data).toEqual({
        conversationId: c.id,
        message: messages.body.items.find((m) => m.id === posted.body.id),
      });
      const updated = await s.next(ofType("conversation.updated"));
      expect((updated.data as { conversation: ConversationSummary }).conversation.status).toBe("open");

      // The outsider's next frame is its own account's, not any of the above.
      await openConversation(t, stranger);
      const own = await outsider.next(ofType("conversation.created"));
      const first = outsider.frames.find((f) => f.type !== "hello" && f.type !== "presence.updated");
      expect(first).toBe(own);
    });

    it("shows who views and who types in a conversation, and forgets a closed socket", async () => {
      const a = await createAccount(t.ctx);
      const b = await createUser(t.ctx, a.accountId, "agent");
      const c = await openConversation(t, a);
      const sa = await connect(a.headers);
      const sb = await connect(b.headers);
      sa.send({ type: "subscribe", conversationId: c.id });
      await sa.next(ofType("subscribed"));
      sb.send({ type: "subscribe", conversationId: c.id });
      const both = await sa.next(
        (f) => f.type === "conversation.viewers" && (f.data as { viewers: unknown[] }).viewers.length === 2,
      );
      expect(both.data).toEqual({
        conversationId: c.id,
        viewers: [
          { userId: Math.min(a.userId, b.userId), typing: false },
          { userId: Math.max(a.userId, b.userId), typing: false },
        ],
      });
      sb.send({ type: "typing", conversationId: c.id, typing: true });
      const typing = await sa.next(
        (f) =>
          f.type === "conversation.viewers" &&
          (f.data as { viewers: { userId: number; typing: boolean }[] }).viewers.some(
            (v) => v.userId === b.userId && v.typing,
          ),
      );
      expect(typing.data).toMatchObject({ conversationId: c.id });
      await sb.close();
      const alone = await sa.next(
        (f) => f.type === "conversation.viewers" && (f.data as { viewers: unknown[] }).viewers.length === 1,
      );
      expect(alone.data).toEqual({ conversationId: c.id, viewers: [{ userId: a.userId, typing: false }] });
    });

    it("tracks presence: online on connect, away on request, offline when the last socket closes", async () => {
      const a = await createAccount(t.ctx);
      const b = await createUser(t.ctx, a.accountId, "agent");
      const sa = await connect(a.headers);
      await sa.next(ofType("hello"));
      const sb = await connect(b.headers);
      const presenceOf = (status: string) => (f: Frame) =>
        f.type === "presence.updated" &&
        (f.data as { userId: number }).userId === b.userId &&
        (f.data as { status: string }).status === status;
      await sa.next(presenceOf("online"));
      sb.send({ type: "presence", status: "away" });
      await sa.next(presenceOf("away"));
      const list = await call<{ items: { userId: number; status: string }[] }>(t.app, {
        method: "GET",
        url: "/api/v1/presence",
        headers: a.headers,
      });
      expect(list.body.items).toContainEqual({ userId: b.userId, status: "away" });
      const back = await call(t.app, {
        method: "PUT",
        url: "/api/v1/presence/me",
        headers: b.headers,
        payload: { status: "online" },
      });
      expect(back).toMatchObject({ status: 200, body: { status: "online" } });
      await sa.next(presenceOf("online"));
      await sb.close();
      await sa.next(presenceOf("offline"));
    });

    it("sends a mention notification to the mentioned agent's own room", async () => {
      const a = await createAccount(t.ctx);
      const b = await createUser(t.ctx, a.accountId, "agent", { name: "Basma" });
      const c = await openConversation(t, a);
      const sb = await connect(b.headers);
      await sb.next(ofType("hello"));
      await postMessage(t, a, c.id, { body: `please look @[Basma](user:${b.userId})`, kind: "note" });
      const n = await sb.next(ofType("notification.created"));
      expect(n.data).toEqual({ kind: "mention", conversationId: c.id });
    });

    it("opens with the session cookie of a page on this site", async () => {
      const a = await createAccount(t.ctx);
      const session = await signInCookie(t.app, a.email, a.password);
      const s = await connect({ cookie: session.cookie, origin: `http://127.0.0.1:${port}` });
      expect((await s.next(ofType("hello"))).data).toMatchObject({ userId: a.userId });
    });
  });
});
