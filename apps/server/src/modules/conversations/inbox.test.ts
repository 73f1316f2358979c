import type { ConversationSummary, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  type TestUser,
  testDatabase,
} from "../../test/harness";
import { type ErrorBody, insertTeam, openConversation, postMessage } from "./conversations.fixtures";

type Counts = { mine: number; unassigned: number; all: number; byStatus: Record<string, number> };

describe(`conversation inbox, counts and bulk (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-03-01T08:00:00.000Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const list = (user: TestUser, query = "") =>
    call<Page<ConversationSummary> & ErrorBody>(t.app, {
      method: "GET",
      url: `/api/v1/conversations${query ? `?${query}` : ""}`,
      headers: user.headers,
    });

  async function walk(user: TestUser, query: string, limit: number): Promise<number[]> {
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(user, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      ids.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return ids;
  }

  describe("unhappy paths", () => {
    it("refuses bulk changes that are empty, too large or name an unknown assignee (400)", async () => {
      const a = await createAccount(t.ctx);
      const c = await openConversation(t, a);
      const cases: [unknown, string][] = [
        [{ ids: [c.id] }, "give at least one field to change"],
        [{ ids: [], status: "open" }, "ids must have at least 1 items"],
        [
          { ids: Array.from({ length: 101 }, (_, i) => i + 1), status: "open" },
          "ids must have at most 100 items",
        ],
        [{ ids: ["1"], status: "open" }, "ids.0 must be integer"],
        [{ ids: [c.id], assigneeId: 999_999_999 }, "assigneeId is not an active user of this account"],
        [{ ids: [c.id], addTags: [""] }, "addTags.0 must be at least 1 characters"],
        [{ ids: [c.id], status: "open", extra: 1 }, "extra is not an accepted field"],
      ];
      for (const [payload, message] of cases) {
        const res = await call<ErrorBody>(t.app, {
          method: "POST",
          url: "/api/v1/conversations/bulk",
          headers: a.headers,
          payload: payload as object,
        });
        expect(res.status, JSON.stringify(payload).slice(0, 60)).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
    });

    it("refuses a cursor that is not one of ours (400)", async () => {
      const a = await createAccount(t.ctx);
      const forged = Buffer.from(JSON.stringify(["yesterday", 5])).toString("base64url");
      const res = await list(a, `cursor=${forged}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_cursor");
    });
  });

  describe("success", () => {
    it("pages through the inbox newest activity first, without duplicates or gaps", async () => {
      const a = await createAccount(t.ctx);
      const ids: number[] = [];
      for (let i = 0; i < 13; i++) {
        // Several share a timestamp, so the id has to break ties.
        if (i % 3 === 0) clock.advance(1000);
        ids.push((await openConversation(t, a)).id);
      }
      clock.advance(1000);
      const bumped = ids[4] as number;
      await postMessage(t, a, bumped, { body: "We are on it", kind: "reply" });
      const expected = [bumped, ...ids.filter((id) => id !== bumped).reverse()];
      for (const limit of [1, 4, 5, 13, 100]) {
        expect(await walk(a, "view=all", limit)).toEqual(expected);
      }
      const first = await list(a, "limit=13");
      expect(first.body.nextCursor).toBeNull();
      expect(first.body.items[0]).toMatchObject({ id: bumped, preview: "We are on it", status: "open" });
    });

    it("filters by view, status, assignee, team, tag and contact", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent");
      const team = await insertTeam(t, a.accountId);
      const mine = await openConversation(t, agent, { tags: ["Billing"] });
      const theirs = await openConversation(t, a);
      const loose = await openConversation(t, a, { tags: ["billing", "vip"] });
      await call(t.app, {
        method: "POST",
        url: `/api/v1/conversations/${mine.id}/assign`,
        headers: agent.headers,
        payload: { assigneeId: agent.userId, teamId: team },
      });
      await call(t.app, {
        method: "PATCH",
        url: `/api/v1/conversations/${theirs.id}`,
        headers: a.headers,
        payload: { assigneeId: a.userId, status: "pending" },
      });
      const ids = async (user: TestUser, query: string) =>
        (await list(user, query)).body.items.map((c) => c.id);
      expect(await ids(agent, "view=mine")).toEqual([mine.id]);
      expect(await ids(a, "view=mine")).toEqual([theirs.id]);
      expect(await ids(a, "view=unassigned")).toEqual([loose.id]);
      expect(await ids(a, "view=all")).toEqual([loose.id, theirs.id, mine.id]);
      expect(await ids(a, "")).toEqual([loose.id, theirs.id, mine.id]);
      expect(await ids(a, "status=pending")).toEqual([theirs.id]);
      expect(await ids(a, "view=unassigned&status=new")).toEqual([loose.id]);
      expect(await ids(a, `assigneeId=${agent.userId}`)).toEqual([mine.id]);
      expect(await ids(a, `view=mine&assigneeId=${agent.userId}`)).toEqual([]);
      expect(await ids(a, `view=unassigned&assigneeId=${agent.userId}`)).toEqual([]);
      expect(await ids(a, `teamId=${team}`)).toEqual([mine.id]);
      expect(await ids(a, "tag=BILLING")).toEqual([loose.id, mine.id]);
      expect(await ids(a, "tag=vip&view=unassigned")).toEqual([loose.id]);
      expect(await ids(a, `contactId=${loose.contactDetail.id}`)).toEqual([loose.id]);
      const row = (await list(a, "view=unassigned")).body.items[0];
      expect(row).toMatchObject({ contact: { id: loose.contactDetail.id, name: "Customer" } });
      expect(row).not.toHaveProperty("contactDetail");
    });

    it("counts unsolved conversations per view and every status", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent");
      const c1 = await openConversation(t, a);
      const c2 = await openConversation(t, a);
      const c3 = await openConversation(t, a);
      await openConversation(t, a);
      await call(t.app, {
        method: "PATCH",
        url: `/api/v1/conversations/${c1.id}`,
        headers: a.headers,
        payload: { assigneeId: agent.userId, status: "open" },
      });
      await call(t.app, {
        method: "PATCH",
        url: `/api/v1/conversations/${c2.id}`,
        headers: a.headers,
        payload: { assigneeId: agent.userId, status: "solved" },
      });
      await call(t.app, {
        method: "PATCH",
        url: `/api/v1/conversations/${c3.id}`,
        headers: a.headers,
        payload: { status: "on_hold" },
      });
      const counts = await call<Counts>(t.app, {
        method: "GET",
        url: "/api/v1/conversations/counts",
        headers: agent.headers,
      });
      expect(counts.status).toBe(200);
      expect(counts.body).toEqual({
        mine: 1,
        unassigned: 2,
        all: 3,
        byStatus: { new: 1, open: 1, pending: 0, on_hold: 1, solved: 1, closed: 0 },
        cap: 10_000,
      });
      const empty = await createAccount(t.ctx);
      const none = await call<Counts>(t.app, {
        method: "GET",
        url: "/api/v1/conversations/counts",
        headers: empty.headers,
      });
      expect(none.body).toEqual({
        mine: 0,
        unassigned: 0,
        all: 0,
        byStatus: { new: 0, open: 0, pending: 0, on_hold: 0, solved: 0, closed: 0 },
        cap: 10_000,
      });
    });

    it("changes many conversations at once with one event each, ignoring other accounts' ids", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent");
      const b = await createAccount(t.ctx);
      const foreign = await openConversation(t, b);
      const c1 = await openConversation(t, a, { tags: ["old", "keep"] });
      const c2 = await openConversation(t, a, { tags: ["keep"] });
      const c3 = await openConversation(t, a);
      const res = await call<{ updated: number }>(t.app, {
        method: "POST",
        url: "/api/v1/conversations/bulk",
        headers: agent.headers,
        payload: {
          ids: [c1.id, c2.id, foreign.id, c1.id, 999_999_999],
          status: "pending",
          assigneeId: agent.userId,
          addTags: ["Urgent"],
          removeTags: ["old"],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ updated: 2 });
      const rows = await t.ctx.db
        .selectFrom("conversations")
        .select(["id", "status", "assignee_id", "tags"])
        .where("account_id", "=", a.accountId)
        .orderBy("id")
        .execute();
      expect(rows).toEqual([
        { id: c1.id, status: "pending", assignee_id: agent.userId, tags: ["keep", "urgent"] },
        { id: c2.id, status: "pending", assignee_id: agent.userId, tags: ["keep", "urgent"] },
        { id: c3.id, status: "new", assignee_id: null, tags: [] },
      ]);
      const untouched = await t.ctx.db
        .selectFrom("conversations")
        .select("status")
        .where("account_id", "=", b.accountId)
        .where("id", "=", foreign.id)
        .executeTakeFirstOrThrow();
      expect(untouched.status).toBe("new");
      const events = await t.ctx.db
        .selectFrom("events")
        .select(["subject_id", "before", "after"])
        .where("account_id", "=", a.accountId)
        .where("type", "=", "conversation.updated")
        .orderBy("subject_id")
        .execute();
      expect(events).toEqual([
        {
          subject_id: c1.id,
          before: { status: "new", assigneeId: null, tags: ["old", "keep"] },
          after: { status: "pending", assigneeId: agent.userId, tags: ["keep", "urgent"] },
        },
        {
          subject_id: c2.id,
          before: { status: "new", assigneeId: null, tags: ["keep"] },
          after: { status: "pending", assigneeId: agent.userId, tags: ["keep", "urgent"] },
        },
      ]);
      // Repeating the same change changes nothing.
      const again = await call<{ updated: number }>(t.app, {
        method: "POST",
        url: "/api/v1/conversations/bulk",
        headers: agent.headers,
        payload: { ids: [c1.id, c2.id], status: "pending", addTags: ["urgent"] },
      });
      expect(again.body).toEqual({ updated: 0 });
    });
  });
});
