import type { Invitation, Me } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
  unique,
} from "../../test/harness";
import { freshIp, setCookieOf } from "../auth/auth.test-support";

type ErrorBody = { error: { code: string; message: string } };
type Created = { invitation: Invitation; url: string };

describe(`invitations (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-04-01T09:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const invite = (headers: Record<string, string>, payload: object) =>
    call<Created & ErrorBody>(t.app, { method: "POST", url: "/api/v1/invitations", headers, payload });
  const lookup = (token: string) =>
    call<ErrorBody & { email: string; role: string; accountName: string }>(t.app, {
      method: "GET",
      url: `/api/v1/invitations/lookup/${token}`,
      headers: freshIp(),
    });
  const accept = (payload: object) =>
    call<ErrorBody & { user: Me; csrfToken: string }>(t.app, {
      method: "POST",
      url: "/api/v1/invitations/accept",
      headers: freshIp(),
      payload,
    });
  const tokenOf = (url: string) => url.replace(/^\/invite\//, "");
  const email = () => `${unique("invitee")}@example.test`;

  describe("admin routes", () => {
    it("need credentials", async () => {
      expect((await call(t.app, { method: "GET", url: "/api/v1/invitations" })).status).toBe(401);
      expect((await invite({}, { email: email(), role: "agent" })).status).toBe(401);
      expect((await call(t.app, { method: "DELETE", url: "/api/v1/invitations/1" })).status).toBe(401);
    });

    it("are for admins and owners; only owners invite owners", async () => {
      const owner = await createAccount(t.ctx);
      const supervisor = await createUser(t.ctx, owner.accountId, "supervisor");
      const admin = await createUser(t.ctx, owner.accountId, "admin");
      expect((await invite(supervisor.headers, { email: email(), role: "agent" })).status).toBe(403);
      expect(
        (await call(t.app, { method: "GET", url: "/api/v1/invitations", headers: supervisor.headers }))
          .status,
      ).toBe(403);
      expect((await invite(admin.headers, { email: email(), role: "owner" })).status).toBe(403);
      expect((await invite(admin.headers, { email: email(), role: "admin" })).status).toBe(201);
      expect((await invite(owner.headers, { email: email(), role: "owner" })).status).toBe(201);
    });

    it("refuse a bad email or role with a 400", async () => {
      const owner = await createAccount(t.ctx);
      const bad = await invite(owner.headers, { email: "not-an-email", role: "agent" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain("email");
      const role = await invite(owner.headers, { email: email(), role: "king" });
      expect(role.status).toBe(400);
      expect(role.body.error.message).toContain("role");
    });

    it("refuse an email that already has a user (409)", async () => {
      const owner = await createAccount(t.ctx);
      const other = await createAccount(t.ctx);
      const res = await invite(owner.headers, { email: other.email.toUpperCase(), role: "agent" });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain("already exists");
    });

    it("do not see or revoke another account's invitations", async () => {
      const owner = await createAccount(t.ctx);
      const other = await createAccount(t.ctx);
      const created = await invite(other.headers, { email: email(), role: "agent" });
      const res = await call<ErrorBody>(t.app, {
        method: "DELETE",
        url: `/api/v1/invitations/${created.body.invitation.id}`,
        headers: owner.headers,
      });
      expect(res.status).toBe(404);
      const list = await call<{ items: Invitation[] }>(t.app, {
        method: "GET",
        url: "/api/v1/invitations",
        headers: owner.headers,
      });
      expect(list.body.items).toEqual([]);
    });

    it("create an invitation whose link is shown once and stored hashed", async () => {
      const owner = await createAccount(t.ctx);
      const address = email();
      const res = await invite(owner.headers, { email: address, role: "supervisor", name: "Huda" });
      expect(res.status).toBe(201);
      expect(res.body.url).toMatch(new RegExp(`^/invite/ki_${owner.accountId}_[A-Za-z0-9_-]{20,}$`));
      expect(res.body.invitation).toMatchObject({
        email: address,
        name: "Huda",
        role: "supervisor",
        status: "pending",
        invitedBy: owner.userId,
        expiresAt: "2026-04-08T09:00:00.000Z",
      });
      const list = await call<{ items: Invitation[] }>(t.app, {
        method: "GET",
        url: "/api/v1/invitations",
        headers: owner.headers,
      });
      expect(list.body.items).toEqual([res.body.invitation]);
      expect(JSON.stringify(list.body)).not.toContain(tokenOf(res.body.url));
      const events = await t.ctx.db
        .selectFrom("events")
        .select(["type", "after"])
        .where("account_id", "=", owner.accountId)
        .where("subject_type", "=", "invitation")
        .execute();
      expect(events.map((e) => e.type)).toEqual(["invitation.created"]);
      expect(JSON.stringify(events)).not.toContain(tokenOf(res.body.url));
    });

    it("replace a pending invitation when the same email is invited again", async () => {
      const owner = await createAccount(t.ctx);
      const address = email();
      const first = await invite(owner.headers, { email: address, role: "agent" });
      const second = await invite(owner.headers, { email: address, role: "agent" });
      expect((await lookup(tokenOf(first.body.url))).status).toBe(410);
      expect((await lookup(tokenOf(second.body.url))).status).toBe(200);
    });
  });

  describe("public lookup and accept", () => {
    it("answers 410 for a malformed, unknown, revoked or expired token", async () => {
      const owner = await createAccount(t.ctx);
      expect((await lookup("garbage")).status).toBe(410);
      const unknown = await lookup(`ki_${owner.accountId}_${"x".repeat(43)}`);
      expect(unknown.status).toBe(410);
      expect(unknown.body.error.code).toBe("invitation_invalid");

      const revoked = await invite(owner.headers, { email: email(), role: "agent" });
      const del = await call(t.app, {
        method: "DELETE",
        url: `/api/v1/invitations/${revoked.body.invitation.id}`,
        headers: owner.headers,
      });
      expect(del.status).toBe(204);
      expect((await lookup(tokenOf(revoked.body.url))).status).toBe(410);
      const acceptRevoked = await accept({
        token: tokenOf(revoked.body.url),
        name: "Too Late",
        password: "a long enough password",
      });
      expect(acceptRevoked.status).toBe(410);

      const expiring = await invite(owner.headers, { email: email(), role: "agent" });
      clock.advance(7 * 24 * 3600 * 1000 + 1000);
      expect((await lookup(tokenOf(expiring.body.url))).status).toBe(410);
      const list = await call<{ items: Invitation[] }>(t.app, {
        method: "GET",
        url: "/api/v1/invitations",
        headers: owner.headers,
      });
      expect(list.body.items.map((i) => i.status)).toEqual(["expired", "revoked"]);
    });

    it("refuses a weak password and a missing name with a 400", async () => {
      const owner = await createAccount(t.ctx);
      const created = await invite(owner.headers, { email: email(), role: "agent" });
      const weak = await accept({ token: tokenOf(created.body.url), name: "Ali", password: "short" });
      expect(weak.status).toBe(400);
      expect(weak.body.error.message).toContain("password");
      const noName = await accept({ token: tokenOf(created.body.url), password: "a long enough password" });
      expect(noName.status).toBe(400);
      expect(noName.body.error.message).toContain("name");
    });

    it("accepts once: creates the user, signs them in, and the link is spent", async () => {
      const owner = await createAccount(t.ctx);
      const address = email();
      const created = await invite(owner.headers, { email: address, role: "supervisor" });
      const token = tokenOf(created.body.url);

      const seen = await lookup(token);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({
        email: address,
        role: "supervisor",
        accountName: expect.any(String),
      });

      const res = await accept({ token, name: "  Yusuf  ", password: "a long enough password" });
      expect(res.status).toBe(201);
      expect(res.body.user).toMatchObject({
        email: address,
        name: "Yusuf",
        role: "supervisor",
        accountId: owner.accountId,
        totpEnabled: false,
      });
      const cookie = setCookieOf(res.headers, "khidma_session");
      expect(cookie).toContain("HttpOnly");
      const me = await call<{ user: Me }>(t.app, {
        method: "GET",
        url: "/api/v1/auth/me",
        headers: { cookie: cookie?.split(";")[0] ?? "" },
      });
      expect(me.status).toBe(200);
      expect(me.body.user.email).toBe(address);

      const again = await accept({ token, name: "Yusuf", password: "a long enough password" });
      expect(again.status).toBe(410);
      expect((await lookup(token)).status).toBe(410);
      const revokeAccepted = await call<ErrorBody>(t.app, {
        method: "DELETE",
        url: `/api/v1/invitations/${created.body.invitation.id}`,
        headers: owner.headers,
      });
      expect(revokeAccepted.status).toBe(409);

      const login = await call(t.app, {
        method: "POST",
        url: "/api/v1/auth/login",
        headers: freshIp(),
        payload: { email: address, password: "a long enough password" },
      });
      expect(login.status).toBe(200);

      const events = await t.ctx.db
        .selectFrom("events")
        .select(["type"])
        .where("account_id", "=", owner.accountId)
        .orderBy("id")
        .execute();
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining([
          "invitation.created",
          "user.created",
          "invitation.accepted",
          "user.signed_in",
        ]),
      );
    });

    it("answers 409 when the email got a user meanwhile", async () => {
      const first = await createAccount(t.ctx);
      const second = await createAccount(t.ctx);
      const address = email();
      const a = await invite(first.headers, { email: address, role: "agent" });
      const b = await invite(second.headers, { email: address, role: "agent" });
      expect(b.status).toBe(201);
      const acceptA = await accept({
        token: tokenOf(a.body.url),
        name: "First",
        password: "a long enough password",
      });
      expect(acceptA.status).toBe(201);
      const acceptB = await accept({
        token: tokenOf(b.body.url),
        name: "Second",
        password: "a long enough password",
      });
      expect(acceptB.status).toBe(409);
      expect(acceptB.body.error.code).toBe("conflict");
      // The refused acceptance changed nothing: the invitation is still pending.
      expect((await lookup(tokenOf(b.body.url))).status).toBe(200);
    });
  });
});
