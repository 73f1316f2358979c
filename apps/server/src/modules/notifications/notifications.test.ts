import type { Notification, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  type TestUser,
  testDatabase,
} from "../../test/harness";
import { type ErrorBody, openConversation, postMessage } from "../conversations/conversations.fixtures";

describe(`notifications (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const list = (user: TestUser, query = "") =>
    call<Page<Notification> & ErrorBody>(t.app, {
      method: "GET",
      url: `/api/v1/notifications${query}`,
      headers: user.headers,
    });

  /** An account whose agent was mentioned `count` times by the owner. */
  async function mentioned(count: number) {
    const owner = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const c = await openConversation(t, owner);
    for (let i = 0; i < count; i++) {
      await postMessage(t, owner, c.id, { body: `@[A](user:${agent.userId}) look #${i}`, kind: "note" });
    }
    return { owner, agent, conversation: c };
  }

  describe("unhappy paths", () => {
    it("refuses every route without credentials (401)", async () => {
      for (const [method, url] of [
        ["GET", "/api/v1/notifications"],
        ["GET", "/api/v1/notifications/unread-count"],
        ["POST", "/api/v1/notifications/1/read"],
        ["POST", "/api/v1/notifications/read-all"],
      ] as const) {
        const res = await call<ErrorBody>(t.app, { method, url });
        expect(res.status, url).toBe(401);
      }
    });

    it("hides other users' notifications (404) and leaves them unread", async () => {
      const { owner, agent } = await mentioned(1);
      const colleague = await createUser(t.ctx, owner.accountId, "admin");
      const stranger = await createAccount(t.ctx);
      const [n] = (await list(agent)).body.items;
      for (const user of [owner, colleague, stranger]) {
        const res = await call<ErrorBody>(t.app, {
          method: "POST",
          url: `/api/v1/notifications/${n?.id}/read`,
          headers: user.headers,
        });
        expect(res.status).toBe(404);
        expect(res.body.error).toEqual({ code: "not_found", message: "The notification was not found." });
        expect((await list(user)).body.items).toEqual([]);
      }
      await call(t.app, {
        method: "POST",
        url: "/api/v1/notifications/read-all",
        headers: colleague.headers,
      });
      expect((await list(agent)).body.items[0]?.readAt).toBeNull();
    });

    it("refuses invalid ids, queries and cursors (400)", async () => {
      const a = await createAccount(t.ctx);
      for (const url of ["/api/v1/notifications/abc/read", "/api/v1/notifications/-1/read"]) {
        const res = await call<ErrorBody>(t.app, { method: "POST", url, headers: a.headers });
        expect(res.status, url).toBe(400);
        expect(res.body.error.code).toBe("validation_failed");
      }
      expect((await list(a, "?cursor=%7B%7D")).body.error.code).toBe("invalid_cursor");
      expect((await list(a, "?unread=maybe")).body.error.message).toContain("unread must be boolean");
      expect((await list(a, "?limit=500")).body.error.message).toContain("limit must be at most 100");
    });
  });

  describe("success", () => {
    it("lists my notifications newest first across pages", async () => {
      const { agent } = await mentioned(5);
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(agent, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(res.status).toBe(200);
        ids.push(...res.body.items.map((n) => n.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(ids).toHaveLength(5);
      expect(ids).toEqual([...ids].sort((x, y) => y - x));
    });

    it("marks one and then all read, recording events", async () => {
      const { agent } = await mentioned(3);
      const count = async () =>
        (
          await call<{ count: number }>(t.app, {
            method: "GET",
            url: "/api/v1/notifications/unread-count",
            headers: agent.headers,
          })
        ).body.count;
      expect(await count()).toBe(3);
      const [first] = (await list(agent)).body.items;
      const read = await call<Notification>(t.app, {
        method: "POST",
        url: `/api/v1/notifications/${first?.id}/read`,
        headers: agent.headers,
      });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: first?.id, readAt: expect.any(String) });
      // Reading it again is harmless and keeps the first time.
      const again = await call<Notification>(t.app, {
        method: "POST",
        url: `/api/v1/notifications/${first?.id}/read`,
        headers: agent.headers,
      });
      expect(again.body.readAt).toBe(read.body.readAt);
      expect(await count()).toBe(2);
      expect((await list(agent, "?unread=true")).body.items).toHaveLength(2);
      const all = await call<{ updated: number }>(t.app, {
        method: "POST",
        url: "/api/v1/notifications/read-all",
        headers: agent.headers,
      });
      expect(all.body).toEqual({ updated: 2 });
      expect(await count()).toBe(0);
      const events = await t.ctx.db
        .selectFrom("events")
        .select(["type", "actor_user_id"])
        .where("account_id", "=", agent.accountId)
        .where("type", "like", "notification.%")
        .orderBy("id")
        .execute();
      expect(events).toEqual([
        { type: "notification.read", actor_user_id: agent.userId },
        { type: "notification.read_all", actor_user_id: agent.userId },
      ]);
    });
  });
});
