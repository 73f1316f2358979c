import type { ConversationDetail, Message, Notification, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
} from "../../test/harness";
import { type ErrorBody, openConversation, postMessage } from "./conversations.fixtures";
import { parseMentions } from "./conversations.rules";

describe(`conversation messages (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe("unhappy paths", () => {
    it("answers 400 with a message for bad message bodies", async () => {
      const a = await createAccount(t.ctx);
      const c = await openConversation(t, a);
      const cases: [unknown, string][] = [
        [{ body: "hi" }, "kind is required"],
        [{ kind: "reply" }, "body is required"],
        [{ body: "", kind: "reply" }, "body must be at least 1 characters"],
        [{ body: " \n ", kind: "note" }, "body has an invalid format"],
        [{ body: "x".repeat(50_001), kind: "reply" }, "body must be at most 50000 characters"],
        [{ body: "hi", kind: "inbound" }, "kind must be one of: reply, note"],
        [{ body: ["hi"], kind: "reply" }, "body must be string"],
        [{ body: "hi", kind: "reply", internal: true }, "internal is not an accepted field"],
      ];
      for (const [payload, message] of cases) {
        const res = await call<ErrorBody>(t.app, {
          method: "POST",
          url: `/api/v1/conversations/${c.id}/messages`,
          headers: a.headers,
          payload: payload as object,
        });
        expect(res.status, JSON.stringify(payload).slice(0, 60)).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
      const missing = await postMessage(t, a, 999_999_999, { body: "hi", kind: "reply" });
      expect(missing.status).toBe(404);
      const cursor = await call<ErrorBody>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/messages?cursor=WyJ4Il0`,
        headers: a.headers,
      });
      expect(cursor.status).toBe(400);
      expect(cursor.body.error.code).toBe("invalid_cursor");
    });
  });

  describe("success", () => {
    it("adds a reply that opens a new conversation and becomes the preview", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent", { name: "Yusuf" });
      const c = await openConversation(t, a);
      const long = `${"تم شحن طلبك ".repeat(20)}`;
      const reply = await postMessage(t, agent, c.id, { body: `  ${long}  `, kind: "reply" });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({
        conversationId: c.id,
        kind: "reply",
        body: long.trim(),
        authorUserId: agent.userId,
        authorContactId: null,
        authorName: "Yusuf",
        mentions: [],
      });
      const after = await call<ConversationDetail>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}`,
        headers: a.headers,
      });
      expect(after.body.status).toBe("open");
      expect(Array.from(after.body.preview)).toHaveLength(140);
      expect(after.body.preview.endsWith("…")).toBe(true);
      expect(new Date(after.body.lastMessageAt).getTime()).toBeGreaterThanOrEqual(
        new Date(c.lastMessageAt).getTime(),
      );
      const events = await call<{ items: { type: string; before: unknown; after: unknown }[] }>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/events`,
        headers: a.headers,
      });
      expect(events.body.items.at(-1)).toMatchObject({
        type: "conversation.updated",
        before: { status: "new" },
        after: { status: "open" },
      });
      const row = await t.ctx.db
        .selectFrom("messages")
        .select(["search_text"])
        .where("account_id", "=", a.accountId)
        .where("id", "=", reply.body.id)
        .executeTakeFirstOrThrow();
      expect(row.search_text).toContain("تم شحن طلبك");
    });

    it("keeps notes out of status and preview and notifies the agents they mention", async () => {
      const a = await createAccount(t.ctx);
      const author = await createUser(t.ctx, a.accountId, "agent", { name: "Author" });
      const huda = await createUser(t.ctx, a.accountId, "agent", { name: "Huda Ali" });
      const sami = await createUser(t.ctx, a.accountId, "supervisor", { name: "Sami" });
      const stranger = await createAccount(t.ctx);
      const c = await openConversation(t, a);
      const samiHandle = sami.email.split("@")[0];
      const body =
        `@[Huda Ali](user:${huda.userId}) please check, cc @${samiHandle?.toUpperCase()}. ` +
        `Also @[Me](user:${author.userId}), @[Ghost](user:${stranger.userId}), mail@example.test and @nobody.`;
      const note = await postMessage(t, author, c.id, { body, kind: "note" });
      expect(note.status).toBe(201);
      expect([...note.body.mentions].sort((x, y) => x - y)).toEqual(
        [huda.userId, sami.userId, author.userId].sort((x, y) => x - y),
      );
      const detail = await call<ConversationDetail>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}`,
        headers: a.headers,
      });
      expect(detail.body.status).toBe("new");
      expect(detail.body.preview).toBe(c.preview);
      expect(detail.body.lastMessageAt).toBe(c.lastMessageAt);

      for (const user of [huda, sami]) {
        const res = await call<Page<Notification>>(t.app, {
          method: "GET",
          url: "/api/v1/notifications",
          headers: user.headers,
        });
        expect(res.body.items).toEqual([
          {
            id: expect.any(Number),
            kind: "mention",
            conversationId: c.id,
            conversationNumber: c.number,
            actorName: "Author",
            readAt: null,
            createdAt: expect.any(String),
          },
        ]);
      }
      const own = await call<Page<Notification>>(t.app, {
        method: "GET",
        url: "/api/v1/notifications",
        headers: author.headers,
      });
      expect(own.body.items).toEqual([]);
      // A reply does not notify anyone it names.
      await postMessage(t, author, c.id, { body: `@${samiHandle} hello`, kind: "reply" });
      const later = await call<Page<Notification>>(t.app, {
        method: "GET",
        url: "/api/v1/notifications",
        headers: sami.headers,
      });
      expect(later.body.items).toHaveLength(1);
    });

    it("pages through messages oldest first", async () => {
      const a = await createAccount(t.ctx);
      const c = await openConversation(t, a);
      for (let i = 1; i <= 6; i++)
        await postMessage(t, a, c.id, { body: `m${i}`, kind: i % 2 ? "reply" : "note" });
      const bodies: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/conversations/${c.id}/messages?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
        const res = await call<Page<Message>>(t.app, { method: "GET", url, headers: a.headers });
        bodies.push(...res.body.items.map((m) => m.body));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(bodies).toEqual([c.preview, "m1", "m2", "m3", "m4", "m5", "m6"]);
      // A bare number is not a messages cursor (it would name no position).
      const bare = Buffer.from("[3]").toString("base64url");
      const refused = await call<ErrorBody>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/messages?cursor=${bare}`,
        headers: a.headers,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe("invalid_cursor");
    });
  });
});

describe("mention parsing", () => {
  it("reads composer markup and @localparts but not email addresses", () => {
    expect(
      parseMentions("@[Sara K](user:12) and @[Sara K](user:12), @omar. see a@b.com (@huda.ali)"),
    ).toEqual({
      ids: [12],
      localParts: ["omar", "huda.ali"],
    });
    expect(parseMentions("مرحبا @سارة")).toEqual({ ids: [], localParts: ["سارة"] });
    expect(parseMentions("no mentions @ all")).toEqual({ ids: [], localParts: [] });
  });
});
