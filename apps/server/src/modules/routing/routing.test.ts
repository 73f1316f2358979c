import type { AuditEvent, ConversationDetail } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import { presenceOf } from "../../platform/presence";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  type TestUser,
  testDatabase,
} from "../../test/harness";
import { type ErrorBody, insertTeam, openConversation } from "../conversations/conversations.fixtures";
import { pickNext, routeNewConversation, routeWaiting } from "./routing.service";

describe(`automatic assignment (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-04-01T08:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const online = (u: TestUser) => presenceOf(t.ctx.hub).connect(u.accountId, u.userId, `test-${u.userId}`);
  const away = async (u: TestUser) => {
    await online(u);
    await presenceOf(t.ctx.hub).choose(u.accountId, u.userId, "away");
  };
  async function turnOn(owner: TestUser, defaultCapacity = 10) {
    const res = await call(t.app, {
      method: "PATCH",
      url: "/api/v1/routing/settings",
      headers: owner.headers,
      payload: { autoAssign: true, defaultCapacity },
    });
    expect(res.status).toBe(200);
  }

  describe("unhappy paths", () => {
    it("answers 401 without credentials", async () => {
      const res = await call(t.app, { method: "GET", url: "/api/v1/routing/settings" });
      expect(res.status).toBe(401);
    });

    it("answers 403 when an agent changes the settings or a capacity", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent");
      const settings = await call(t.app, {
        method: "PATCH",
        url: "/api/v1/routing/settings",
        headers: agent.headers,
        payload: { autoAssign: true },
      });
      expect(settings.status).toBe(403);
      const capacity = await call(t.app, {
        method: "PUT",
        url: `/api/v1/routing/agents/${agent.userId}`,
        headers: agent.headers,
        payload: { capacity: 3 },
      });
      expect(capacity.status).toBe(403);
    });

    it("answers 404 for a user of another account", async () => {
      const a = await createAccount(t.ctx);
      const b = await createAccount(t.ctx);
      const res = await call<ErrorBody>(t.app, {
        method: "PUT",
        url: `/api/v1/routing/agents/${b.userId}`,
        headers: a.headers,
        payload: { capacity: 3 },
      });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe("The user was not found.");
    });

    it("answers 400 with a message for bad settings", async () => {
      const a = await createAccount(t.ctx);
      const cases: [string, string, object, string][] = [
        ["PATCH", "/api/v1/routing/settings", {}, "give at least one field to change"],
        ["PATCH", "/api/v1/routing/settings", { autoAssign: "yes" }, "autoAssign must be boolean"],
        ["PATCH", "/api/v1/routing/settings", { defaultCapacity: -1 }, "defaultCapacity"],
        ["PATCH", "/api/v1/routing/settings", { mode: "random" }, "mode is not an accepted field"],
        ["PUT", `/api/v1/routing/agents/${a.userId}`, { capacity: 1001 }, "capacity"],
        ["PUT", `/api/v1/routing/agents/${a.userId}`, {}, "capacity is required"],
      ];
      for (const [method, url, payload, message] of cases) {
        const res = await call<ErrorBody>(t.app, {
          method: method as "PATCH",
          url,
          headers: a.headers,
          payload,
        });
        expect(res.status, JSON.stringify(payload)).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
    });
  });

  describe("success", () => {
    it("leaves new conversations unassigned while automatic assignment is off", async () => {
      const a = await createAccount(t.ctx);
      await online(a);
      const c = await openConversation(t, a);
      expect(c.assigneeId).toBeNull();
      const settings = await call(t.app, {
        method: "GET",
        url: "/api/v1/routing/settings",
        headers: a.headers,
      });
      expect(settings.body).toEqual({ autoAssign: false, defaultCapacity: 10 });
    });

    it("assigns round-robin to online agents only, skipping away and offline ones", async () => {
      const owner = await createAccount(t.ctx);
      const x = await createUser(t.ctx, owner.accountId, "agent");
      const y = await createUser(t.ctx, owner.accountId, "agent");
      const awayAgent = await createUser(t.ctx, owner.accountId, "agent");
      await createUser(t.ctx, owner.accountId, "agent"); // offline: never connected
      await online(x);
      await online(y);
      await away(awayAgent);
      await turnOn(owner);
      const assignees: (number | null)[] = [];
      for (let i = 0; i < 4; i++) assignees.push((await openConversation(t, owner)).assigneeId);
      const [first, second] = [x.userId, y.userId].sort((p, q) => p - q);
      expect(assignees).toEqual([first, second, first, second]);

      // It is an assignment like a manual one: an event by the system, at the clock's time.
      const c = await openConversation(t, owner);
      const events = await call<{ items: AuditEvent[] }>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}/events`,
        headers: owner.headers,
      });
      const assigned = events.body.items.find((e) => e.type === "conversation.assigned");
      expect(assigned).toMatchObject({ actorUserId: null, after: { assigneeId: c.assigneeId } });
      expect(assigned?.createdAt).toBe(clock.now().toISOString());
    });

    it("respects each agent's capacity and leaves the conversation unassigned when everyone is full", async () => {
      const owner = await createAccount(t.ctx);
      const x = await createUser(t.ctx, owner.accountId, "agent");
      const y = await createUser(t.ctx, owner.accountId, "agent");
      await online(x);
      await online(y);
      await turnOn(owner, 2);
      const set = await call(t.app, {
        method: "PUT",
        url: `/api/v1/routing/agents/${x.userId}`,
        headers: owner.headers,
        payload: { capacity: 1 },
      });
      expect(set.body).toMatchObject({
        userId: x.userId,
        capacity: 1,
        effectiveCapacity: 1,
        presence: "online",
      });
      const got: (number | null)[] = [];
      for (let i = 0; i < 4; i++) got.push((await openConversation(t, owner)).assigneeId);
      expect(got.filter((id) => id === x.userId)).toHaveLength(1);
      expect(got.filter((id) => id === y.userId)).toHaveLength(2);
      expect(got[3]).toBeNull();

      const agents = await call<{ items: { userId: number; open: number; effectiveCapacity: number }[] }>(
        t.app,
        { method: "GET", url: "/api/v1/routing/agents", headers: x.headers },
      );
      expect(agents.body.items).toContainEqual(
        expect.objectContaining({ userId: y.userId, open: 2, effectiveCapacity: 2 }),
      );
    });

    it("hands out conversations that waited unassigned when an agent comes online, longest waiting first", async () => {
      const owner = await createAccount(t.ctx);
      const x = await createUser(t.ctx, owner.accountId, "agent");
      await turnOn(owner, 2);
      // Nobody is online: they wait, unassigned.
      const waiting: ConversationDetail[] = [];
      for (let i = 0; i < 3; i++) {
        clock.advance(60_000);
        waiting.push(await openConversation(t, owner));
      }
      expect(waiting.map((c) => c.assigneeId)).toEqual([null, null, null]);
      const solved = await openConversation(t, owner);
      await call(t.app, {
        method: "PATCH",
        url: `/api/v1/conversations/${solved.id}`,
        headers: owner.headers,
        payload: { status: "solved" },
      });
      // Coming online (from away) through the presence route hands out what waited, up to the capacity.
      await away(x);
      const set = await call(t.app, {
        method: "PUT",
        url: "/api/v1/presence/me",
        headers: x.headers,
        payload: { status: "online" },
      });
      expect(set.status).toBe(200);
      const assigneeOf = async (id: number) =>
        (
          await t.ctx.db
            .selectFrom("conversations")
            .select("assignee_id")
            .where("account_id", "=", owner.accountId)
            .where("id", "=", id)
            .executeTakeFirstOrThrow()
        ).assignee_id;
      const deadline = Date.now() + 10_000;
      while ((await assigneeOf(waiting[1]?.id as number)) === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const ids = waiting.map((c) => c.id);
      expect(await Promise.all(ids.map(assigneeOf))).toEqual([x.userId, x.userId, null]);
      expect(await assigneeOf(solved.id)).toBeNull();
      // Full: nothing more is handed out; once there is room again, the rest is.
      expect(await routeWaiting(t.ctx, owner.accountId)).toBe(0);
      await call(t.app, {
        method: "PATCH",
        url: `/api/v1/conversations/${waiting[0]?.id}`,
        headers: x.headers,
        payload: { status: "solved" },
      });
      expect(await routeWaiting(t.ctx, owner.accountId)).toBe(1);
      expect(await assigneeOf(waiting[2]?.id as number)).toBe(x.userId);
    });

    it("routes within the conversation's team", async () => {
      const owner = await createAccount(t.ctx);
      const member = await createUser(t.ctx, owner.accountId, "agent");
      const outsider = await createUser(t.ctx, owner.accountId, "agent");
      await online(member);
      await online(outsider);
      const teamId = await insertTeam(t, owner.accountId);
      await t.ctx.db
        .insertInto("team_members")
        .values({ account_id: owner.accountId, team_id: teamId, user_id: member.userId })
        .execute();
      const c = await openConversation(t, owner);
      await call(t.app, {
        method: "PATCH",
        url: `/api/v1/conversations/${c.id}`,
        headers: owner.headers,
        payload: { teamId },
      });
      await turnOn(owner);
      for (let i = 0; i < 2; i++) {
        const routed = await routeNewConversation(t.ctx, owner.accountId, c.id);
        if (i === 0) expect(routed?.assigneeId).toBe(member.userId);
        // Already assigned: left alone.
        else expect(routed).toBeNull();
      }
      const detail = await call<ConversationDetail>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${c.id}`,
        headers: owner.headers,
      });
      expect(detail.body.assigneeId).toBe(member.userId);
    });
  });
});

describe("round-robin choice", () => {
  const agents = [
    { id: 3, name: "a", capacity: null, open: 0 },
    { id: 5, name: "b", capacity: 1, open: 1 },
    { id: 8, name: "c", capacity: null, open: 9 },
  ];
  it("takes the next agent after the last one with room, wrapping around", () => {
    expect(pickNext(agents, 0, 10)?.id).toBe(3);
    expect(pickNext(agents, 3, 10)?.id).toBe(8);
    expect(pickNext(agents, 8, 10)?.id).toBe(3);
    expect(pickNext(agents, 3, 9)?.id).toBe(3);
    expect(pickNext([], 0, 10)).toBeNull();
  });
});
