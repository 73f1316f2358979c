import type { UserSummary } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
} from "../../test/harness";
import { freshIp, signInCookie } from "../auth/auth.test-support";

type ErrorBody = { error: { code: string; message: string } };
type Listed = UserSummary & { disabled: boolean };

describe(`users (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const patch = <T = ErrorBody>(id: number, headers: Record<string, string>, payload: object) =>
    call<T>(t.app, { method: "PATCH", url: `/api/v1/users/${id}`, headers, payload });

  describe("GET /users", () => {
    it("needs credentials", async () => {
      expect((await call(t.app, { method: "GET", url: "/api/v1/users" })).status).toBe(401);
    });

    it("lists the account's users to any role, and only them", async () => {
      const owner = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, owner.accountId, "agent", { name: "Amal" });
      const stranger = await createAccount(t.ctx);
      const res = await call<{ items: Listed[] }>(t.app, {
        method: "GET",
        url: "/api/v1/users",
        headers: agent.headers,
      });
      expect(res.status).toBe(200);
      expect(res.body.items.map((u) => u.id).sort()).toEqual([owner.userId, agent.userId].sort());
      expect(res.body.items.find((u) => u.id === agent.userId)).toEqual({
        id: agent.userId,
        name: "Amal",
        email: agent.email,
        role: "agent",
        language: null,
        disabled: false,
      });
      expect(res.body.items.some((u) => u.id === stranger.userId)).toBe(false);
    });
  });

  describe("PATCH /users/{id}", () => {
    it("needs credentials", async () => {
      const res = await call(t.app, { method: "PATCH", url: "/api/v1/users/1", payload: { name: "x" } });
      expect(res.status).toBe(401);
    });

    it("is for admins and owners only", async () => {
      const owner = await createAccount(t.ctx);
      const target = await createUser(t.ctx, owner.accountId, "agent");
      for (const role of ["agent", "supervisor"] as const) {
        const caller = await createUser(t.ctx, owner.accountId, role);
        const res = await patch(target.userId, caller.headers, { name: "Renamed" });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe("forbidden");
      }
    });

    it("does not see users of another account", async () => {
      const owner = await createAccount(t.ctx);
      const other = await createAccount(t.ctx);
      const res = await patch(other.userId, owner.headers, { name: "Mine now" });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe("The user was not found.");
    });

    it("refuses bad input with a 400 that says what is wrong", async () => {
      const owner = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, owner.accountId, "agent");
      const role = await patch(agent.userId, owner.headers, { role: "boss" });
      expect(role.status).toBe(400);
      expect(role.body.error.message).toContain("role");
      const extra = await patch(agent.userId, owner.headers, { email: "x@example.test" });
      expect(extra.status).toBe(400);
      expect(extra.body.error.message).toContain("email");
      const disabled = await patch(agent.userId, owner.headers, { disabled: "yes" });
      expect(disabled.status).toBe(400);
      expect(disabled.body.error.message).toContain("disabled");
      const id = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/users/abc",
        headers: owner.headers,
        payload: { name: "x" },
      });
      expect(id.status).toBe(400);
    });

    it("lets an admin change non-owners but not touch or make owners", async () => {
      const owner = await createAccount(t.ctx);
      const admin = await createUser(t.ctx, owner.accountId, "admin");
      const agent = await createUser(t.ctx, owner.accountId, "agent");
      expect((await patch(owner.userId, admin.headers, { name: "Demoted?" })).status).toBe(403);
      expect((await patch(agent.userId, admin.headers, { role: "owner" })).status).toBe(403);
      expect((await patch(admin.userId, admin.headers, { role: "owner" })).status).toBe(403);

      const res = await patch<Listed>(agent.userId, admin.headers, { role: "supervisor", name: " Basma " });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: agent.userId,
        role: "supervisor",
        name: "Basma",
        disabled: false,
      });
      const event = await t.ctx.db
        .selectFrom("events")
        .select(["actor_user_id", "before", "after"])
        .where("account_id", "=", owner.accountId)
        .where("type", "=", "user.updated")
        .where("subject_id", "=", agent.userId)
        .executeTakeFirstOrThrow();
      expect(event.actor_user_id).toBe(admin.userId);
      expect(event.before).toMatchObject({ role: "agent" });
      expect(event.after).toEqual({ role: "supervisor", name: "Basma" });
    });

    it("never leaves the account without an active owner", async () => {
      const owner = await createAccount(t.ctx);
      const demote = await patch(owner.userId, owner.headers, { role: "admin" });
      expect(demote.status).toBe(409);
      expect(demote.body.error.code).toBe("conflict");
      expect(demote.body.error.message).toContain("at least one owner");

      const second = await createUser(t.ctx, owner.accountId, "admin");
      expect((await patch(second.userId, owner.headers, { role: "owner" })).status).toBe(200);
      // With a second owner, the first may step down, but then the second is the last.
      expect((await patch(owner.userId, owner.headers, { role: "admin" })).status).toBe(200);
      const last = await patch(second.userId, second.headers, { role: "agent" });
      expect(last.status).toBe(409);
      const lastAr = await patch(
        second.userId,
        { ...second.headers, "accept-language": "ar" },
        { role: "agent" },
      );
      expect(lastAr.body.error.message).toContain("مالك واحد على الأقل");
    });

    it("does not let anyone disable themselves", async () => {
      const owner = await createAccount(t.ctx);
      await createUser(t.ctx, owner.accountId, "owner");
      const res = await patch(owner.userId, owner.headers, { disabled: true });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain("your own user");
    });

    it("needs the CSRF token with a cookie", async () => {
      const owner = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, owner.accountId, "agent");
      const s = await signInCookie(t.app, owner.email, owner.password);
      expect((await patch(agent.userId, s.read, { name: "Nope" })).status).toBe(403);
      expect((await patch(agent.userId, s.write, { name: "Yes" })).status).toBe(200);
    });

    it("disabling a user ends their sessions, revokes their tokens and stops sign-in", async () => {
      const owner = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, owner.accountId, "agent");
      const s = await signInCookie(t.app, agent.email, agent.password);
      const res = await patch<Listed>(agent.userId, owner.headers, { disabled: true });
      expect(res.status).toBe(200);
      expect(res.body.disabled).toBe(true);

      const me = (h: Record<string, string>) =>
        call(t.app, { method: "GET", url: "/api/v1/auth/me", headers: h });
      expect((await me(s.read)).status).toBe(401);
      expect((await me(agent.headers)).status).toBe(401);
      const sessions = await t.ctx.db
        .selectFrom("sessions")
        .select("token_hash")
        .where("account_id", "=", owner.accountId)
        .where("user_id", "=", agent.userId)
        .execute();
      expect(sessions).toHaveLength(0);
      const login = await call<ErrorBody>(t.app, {
        method: "POST",
        url: "/api/v1/auth/login",
        headers: freshIp(),
        payload: { email: agent.email, password: agent.password },
      });
      expect(login.status).toBe(401);

      const list = await call<{ items: Listed[] }>(t.app, {
        method: "GET",
        url: "/api/v1/users",
        headers: owner.headers,
      });
      expect(list.body.items.find((u) => u.id === agent.userId)?.disabled).toBe(true);

      // Enabled again, the user signs in; the revoked token stays revoked.
      expect((await patch(agent.userId, owner.headers, { disabled: false })).status).toBe(200);
      await signInCookie(t.app, agent.email, agent.password);
      expect((await me(agent.headers)).status).toBe(401);
    });
  });
});
