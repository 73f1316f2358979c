import type { Team } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
} from "../../test/harness";

type ErrorBody = { error: { code: string; message: string } };

describe(`teams (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const send = <T = ErrorBody>(
    method: "POST" | "PATCH" | "DELETE",
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => call<T>(t.app, { method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const list = (headers: Record<string, string>) =>
    call<{ items: Team[] }>(t.app, { method: "GET", url: "/api/v1/teams", headers });

  it("needs credentials", async () => {
    expect((await call(t.app, { method: "GET", url: "/api/v1/teams" })).status).toBe(401);
    expect((await send("POST", "/teams", {}, { name: "x" })).status).toBe(401);
  });

  it("lets anyone list teams but only admins and owners change them", async () => {
    const owner = await createAccount(t.ctx);
    const supervisor = await createUser(t.ctx, owner.accountId, "supervisor");
    const created = await send<Team>("POST", "/teams", owner.headers, { name: "Billing" });
    expect((await list(supervisor.headers)).body.items.map((x) => x.name)).toEqual(["Billing"]);
    expect((await send("POST", "/teams", supervisor.headers, { name: "Mine" })).status).toBe(403);
    expect(
      (await send("PATCH", `/teams/${created.body.id}`, supervisor.headers, { name: "Mine" })).status,
    ).toBe(403);
    expect((await send("DELETE", `/teams/${created.body.id}`, supervisor.headers)).status).toBe(403);
  });

  it("does not see another account's teams", async () => {
    const owner = await createAccount(t.ctx);
    const other = await createAccount(t.ctx);
    const theirs = await send<Team>("POST", "/teams", other.headers, { name: "Theirs" });
    expect((await list(owner.headers)).body.items).toEqual([]);
    const patch = await send("PATCH", `/teams/${theirs.body.id}`, owner.headers, { name: "Ours" });
    expect(patch.status).toBe(404);
    expect(patch.body.error.message).toBe("The team was not found.");
    expect((await send("DELETE", `/teams/${theirs.body.id}`, owner.headers)).status).toBe(404);
  });

  it("refuses bad input with a 400 that says what is wrong", async () => {
    const owner = await createAccount(t.ctx);
    const other = await createAccount(t.ctx);
    const empty = await send("POST", "/teams", owner.headers, { name: "   " });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain("name");
    const ids = await send("POST", "/teams", owner.headers, { name: "Sales", memberIds: ["1"] });
    expect(ids.status).toBe(400);
    expect(ids.body.error.message).toContain("memberIds");
    const stranger = await send("POST", "/teams", owner.headers, {
      name: "Sales",
      memberIds: [other.userId],
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.message).toContain("memberIds must name users of this account");
    expect((await list(owner.headers)).body.items).toEqual([]);
  });

  it("keeps names unique in the account, ignoring case", async () => {
    const owner = await createAccount(t.ctx);
    const other = await createAccount(t.ctx);
    await send("POST", "/teams", owner.headers, { name: "Support" });
    const dup = await send("POST", "/teams", owner.headers, { name: "support" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain("team with this name");
    expect((await send("POST", "/teams", other.headers, { name: "Support" })).status).toBe(201);
    const second = await send<Team>("POST", "/teams", owner.headers, { name: "Returns" });
    expect((await send("PATCH", `/teams/${second.body.id}`, owner.headers, { name: "SUPPORT" })).status).toBe(
      409,
    );
  });

  it("deletes a team that holds conversations; they stay, without a team, each with a timeline event", async () => {
    const owner = await createAccount(t.ctx);
    const team = await send<Team>("POST", "/teams", owner.headers, { name: "Escalations" });
    const other = await send<Team>("POST", "/teams", owner.headers, { name: "Billing" });
    const open = async (subject: string, teamId: number | null) => {
      const created = await send<{ id: number }>("POST", "/conversations", owner.headers, {
        subject,
        contact: { name: "Customer", email: "customer@example.test" },
        body: "Where is my refund?",
      });
      if (teamId !== null) {
        await send("PATCH", `/conversations/${created.body.id}`, owner.headers, { teamId });
      }
      return created.body.id;
    };
    const held = [await open("Refund", team.body.id), await open("Refund again", team.body.id)];
    const elsewhere = await open("Invoice", other.body.id);
    const none = await open("Question", null);

    expect((await send("DELETE", `/teams/${team.body.id}`, owner.headers)).status).toBe(204);

    const rows = await t.ctx.db
      .selectFrom("conversations")
      .select(["id", "team_id"])
      .where("account_id", "=", owner.accountId)
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { id: held[0], team_id: null },
      { id: held[1], team_id: null },
      { id: elsewhere, team_id: other.body.id },
      { id: none, team_id: null },
    ]);
    for (const id of held) {
      const timeline = await call<{ items: { type: string; before: unknown; after: unknown }[] }>(t.app, {
        method: "GET",
        url: `/api/v1/conversations/${id}/events`,
        headers: owner.headers,
      });
      expect(timeline.body.items.at(-1)).toMatchObject({
        type: "conversation.assigned",
        before: { teamId: team.body.id },
        after: { teamId: null },
      });
    }
    const deleted = await t.ctx.db
      .selectFrom("events")
      .select("after")
      .where("account_id", "=", owner.accountId)
      .where("type", "=", "team.deleted")
      .executeTakeFirstOrThrow();
    expect(deleted.after).toEqual({ conversationsDetached: 2 });
  });

  it("creates, changes and deletes a team with its members, recording each change", async () => {
    const owner = await createAccount(t.ctx);
    const admin = await createUser(t.ctx, owner.accountId, "admin");
    const a = await createUser(t.ctx, owner.accountId, "agent");
    const b = await createUser(t.ctx, owner.accountId, "agent");
    const created = await send<Team>("POST", "/teams", admin.headers, {
      name: " فريق الدعم ",
      memberIds: [b.userId, a.userId, a.userId],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: "فريق الدعم",
      memberIds: [a.userId, b.userId].sort((x, y) => x - y),
    });
    const id = created.body.id;

    const renamed = await send<Team>("PATCH", `/teams/${id}`, admin.headers, {
      name: "Support",
      memberIds: [b.userId],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ id, name: "Support", memberIds: [b.userId] });
    expect((await list(a.headers)).body.items).toEqual([renamed.body]);

    const del = await send("DELETE", `/teams/${id}`, admin.headers);
    expect(del.status).toBe(204);
    expect((await list(a.headers)).body.items).toEqual([]);
    expect((await send("DELETE", `/teams/${id}`, admin.headers)).status).toBe(404);

    const events = await t.ctx.db
      .selectFrom("events")
      .select(["type", "before", "after"])
      .where("account_id", "=", owner.accountId)
      .where("subject_type", "=", "team")
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.type)).toEqual(["team.created", "team.updated", "team.deleted"]);
    expect(events[1]?.before).toEqual({
      name: "فريق الدعم",
      memberIds: [a.userId, b.userId].sort((x, y) => x - y),
    });
    expect(events[1]?.after).toEqual({ name: "Support", memberIds: [b.userId] });
  });
});
