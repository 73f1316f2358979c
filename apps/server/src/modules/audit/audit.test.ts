import type { AuditEvent, Page } from "@khidma/contracts";
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

describe(`audit log (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const events = (headers: Record<string, string>, query = "") =>
    call<Page<AuditEvent> & ErrorBody>(t.app, { method: "GET", url: `/api/v1/events${query}`, headers });

  it("needs credentials", async () => {
    expect((await events({})).status).toBe(401);
  });

  it("is for admins and owners", async () => {
    const owner = await createAccount(t.ctx);
    for (const role of ["agent", "supervisor"] as const) {
      const user = await createUser(t.ctx, owner.accountId, role);
      const res = await events(user.headers);
      expect(res.status).toBe(403);
    }
    const admin = await createUser(t.ctx, owner.accountId, "admin");
    expect((await events(admin.headers)).status).toBe(200);
  });

  it("refuses a bad cursor, limit or filter with a 400", async () => {
    const owner = await createAccount(t.ctx);
    const cursor = await events(owner.headers, "?cursor=not*a*cursor");
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe("invalid_cursor");
    const limit = await events(owner.headers, "?limit=1000");
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toContain("limit");
    expect((await events(owner.headers, "?subjectId=abc")).status).toBe(400);
  });

  it("shows only the account's own events", async () => {
    const owner = await createAccount(t.ctx);
    const other = await createAccount(t.ctx);
    await call(t.app, {
      method: "POST",
      url: "/api/v1/teams",
      headers: other.headers,
      payload: { name: "Theirs" },
    });
    const res = await events(owner.headers, "?subjectType=team");
    expect(res.body.items).toEqual([]);
  });

  it("lists events newest first with the actor's name, filters by subject and pages", async () => {
    const owner = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const team = await call<{ id: number }>(t.app, {
      method: "POST",
      url: "/api/v1/teams",
      headers: owner.headers,
      payload: { name: "Support" },
    });
    await call(t.app, {
      method: "PATCH",
      url: `/api/v1/teams/${team.body.id}`,
      headers: owner.headers,
      payload: { memberIds: [agent.userId] },
    });
    await call(t.app, {
      method: "PATCH",
      url: `/api/v1/users/${agent.userId}`,
      headers: owner.headers,
      payload: { role: "supervisor" },
    });

    const all = await events(owner.headers);
    expect(all.status).toBe(200);
    const ids = all.body.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.body.items[0]).toMatchObject({
      type: "user.updated",
      subjectType: "user",
      subjectId: agent.userId,
      actorUserId: owner.userId,
      actorName: "Owner Person",
      before: { role: "agent" },
      after: { role: "supervisor" },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const forTeam = await events(owner.headers, `?subjectType=team&subjectId=${team.body.id}`);
    expect(forTeam.body.items.map((e) => e.type)).toEqual(["team.updated", "team.created"]);

    const first = await events(owner.headers, "?limit=2");
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await events(owner.headers, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0]?.id).toBeLessThan(first.body.items[1]?.id ?? 0);
    const everything: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page<AuditEvent> } = await events(
        owner.headers,
        `?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      everything.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(everything).toEqual(ids);
  });

  it("never shows secrets", async () => {
    const owner = await createAccount(t.ctx);
    const created = await call<{ token: string }>(t.app, {
      method: "POST",
      url: "/api/v1/api-tokens",
      headers: owner.headers,
      payload: { name: "x" },
    });
    await call(t.app, {
      method: "PATCH",
      url: "/api/v1/auth/me",
      headers: owner.headers,
      payload: { currentPassword: owner.password, newPassword: "another good passphrase" },
    });
    const res = await events(owner.headers, "?limit=100");
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(created.body.token);
    expect(text).not.toContain("argon2");
    expect(text).not.toContain("another good passphrase");
  });
});
