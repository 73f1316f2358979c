import type { Me } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
} from "../../test/harness";
import { freshIp, setCookieOf, signInCookie } from "./auth.test-support";

type ErrorBody = { error: { code: string; message: string } };

describe(`auth (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const login = (payload: unknown, headers: Record<string, string> = freshIp()) =>
    call<ErrorBody>(t.app, {
      method: "POST",
      url: "/api/v1/auth/login",
      headers,
      payload: payload as object,
    });

  describe("POST /auth/login", () => {
    it("refuses a body without a password with a 400 that names the field", async () => {
      const res = await login({ email: "someone@example.test" });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toContain("password");
    });

    it("refuses unknown fields", async () => {
      const res = await login({ email: "a@example.test", password: "x", remember: true });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("remember");
    });

    it("answers a wrong password and an unknown email with the same 401", async () => {
      const owner = await createAccount(t.ctx);
      const wrong = await login({ email: owner.email, password: "not the password" });
      const unknown = await login({ email: "nobody-here@example.test", password: "whatever it is" });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.error.code).toBe("invalid_credentials");
    });

    it("translates the error into Arabic", async () => {
      const res = await login(
        { email: "nobody-here@example.test", password: "whatever it is" },
        { ...freshIp(), "accept-language": "ar" },
      );
      expect(res.body.error.message).toBe("البريد الإلكتروني أو كلمة المرور غير صحيحة.");
    });

    it("refuses a disabled user even with the right password", async () => {
      const owner = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, owner.accountId, "agent");
      await t.ctx.db
        .updateTable("users")
        .set({ disabled_at: new Date() })
        .where("account_id", "=", owner.accountId)
        .where("id", "=", agent.userId)
        .execute();
      const res = await login({ email: agent.email, password: agent.password });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("invalid_credentials");
    });

    it("signs in with an HttpOnly, SameSite=Lax cookie and returns Me and the CSRF token", async () => {
      const owner = await createAccount(t.ctx);
      const res = await call<{ user: Me; csrfToken: string }>(t.app, {
        method: "POST",
        url: "/api/v1/auth/login",
        headers: freshIp(),
        payload: { email: `  ${owner.email.toUpperCase()} `, password: owner.password },
      });
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({
        id: owner.userId,
        name: "Owner Person",
        email: owner.email,
        role: "owner",
        // The first owner has no language of their own: the UI follows the browser.
        language: null,
        accountId: owner.accountId,
        accountName: expect.any(String),
        totpEnabled: false,
      });
      expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const cookie = setCookieOf(res.headers, "khidma_session");
      expect(cookie).toMatch(/^khidma_session=ks_\d+_/);
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Lax");
      expect(cookie).toContain("Path=/");
      expect(cookie).not.toContain("Secure");

      const events = await t.ctx.db
        .selectFrom("events")
        .selectAll()
        .where("account_id", "=", owner.accountId)
        .where("type", "=", "user.signed_in")
        .execute();
      expect(events).toHaveLength(1);
      expect(events[0]?.actor_user_id).toBe(owner.userId);
    });

    it("marks the cookie Secure when the request came over https through the proxy", async () => {
      const owner = await createAccount(t.ctx);
      const res = await call(t.app, {
        method: "POST",
        url: "/api/v1/auth/login",
        headers: { ...freshIp(), "x-forwarded-proto": "https" },
        payload: { email: owner.email, password: owner.password },
      });
      expect(res.status).toBe(200);
      const cookie = setCookieOf(res.headers, "khidma_session");
      expect(cookie).toContain("Secure");
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Lax");
    });
  });

  describe("GET /auth/me", () => {
    it("needs credentials", async () => {
      const res = await call<ErrorBody>(t.app, { method: "GET", url: "/api/v1/auth/me" });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    });

    it("refuses a forged session cookie", async () => {
      const res = await call(t.app, {
        method: "GET",
        url: "/api/v1/auth/me",
        headers: { cookie: "khidma_session=ks_1_forgedforgedforgedforgedforged" },
      });
      expect(res.status).toBe(401);
    });

    it("returns the user and the session's CSRF token with a cookie", async () => {
      const owner = await createAccount(t.ctx);
      const s = await signInCookie(t.app, owner.email, owner.password);
      const res = await call<{ user: Me; csrfToken: string | null }>(t.app, {
        method: "GET",
        url: "/api/v1/auth/me",
        headers: s.read,
      });
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(owner.userId);
      expect(res.body.csrfToken).toBe(s.csrfToken);
    });

    it("returns a null CSRF token with a Bearer token", async () => {
      const owner = await createAccount(t.ctx);
      const res = await call<{ user: Me; csrfToken: string | null }>(t.app, {
        method: "GET",
        url: "/api/v1/auth/me",
        headers: owner.headers,
      });
      expect(res.status).toBe(200);
      expect(res.body.csrfToken).toBeNull();
      expect(res.body.user.accountId).toBe(owner.accountId);
    });
  });

  describe("CSRF", () => {
    it("refuses a cookie-authenticated write without X-CSRF-Token, accepts it with the token", async () => {
      const owner = await createAccount(t.ctx);
      const s = await signInCookie(t.app, owner.email, owner.password);
      const without = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: s.read,
        payload: { name: "New Name" },
      });
      expect(without.status).toBe(403);
      expect(without.body.error.code).toBe("csrf_failed");
      const wrong = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: { ...s.read, "x-csrf-token": "not-the-token" },
        payload: { name: "New Name" },
      });
      expect(wrong.status).toBe(403);
      const ok = await call<{ user: Me }>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: s.write,
        payload: { name: "New Name" },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.user.name).toBe("New Name");
    });

    it("needs no CSRF token with a Bearer token", async () => {
      const owner = await createAccount(t.ctx);
      const res = await call<{ user: Me }>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: owner.headers,
        payload: { language: "ar" },
      });
      expect(res.status).toBe(200);
      expect(res.body.user.language).toBe("ar");
    });
  });

  describe("POST /auth/logout and /auth/logout-all", () => {
    it("needs credentials", async () => {
      for (const url of ["/api/v1/auth/logout", "/api/v1/auth/logout-all"]) {
        const res = await call(t.app, { method: "POST", url });
        expect(res.status).toBe(401);
      }
    });

    it("ends this session and clears the cookie", async () => {
      const owner = await createAccount(t.ctx);
      const a = await signInCookie(t.app, owner.email, owner.password);
      const b = await signInCookie(t.app, owner.email, owner.password);
      const res = await call(t.app, { method: "POST", url: "/api/v1/auth/logout", headers: a.write });
      expect(res.status).toBe(204);
      expect(setCookieOf(res.headers, "khidma_session")).toMatch(/^khidma_session=;/);
      const me = (h: Record<string, string>) =>
        call(t.app, { method: "GET", url: "/api/v1/auth/me", headers: h });
      expect((await me(a.read)).status).toBe(401);
      expect((await me(b.read)).status).toBe(200);
    });

    it("ends every session of the user but leaves API tokens working", async () => {
      const owner = await createAccount(t.ctx);
      const other = await createUser(t.ctx, owner.accountId, "agent");
      const a = await signInCookie(t.app, owner.email, owner.password);
      const b = await signInCookie(t.app, owner.email, owner.password);
      const c = await signInCookie(t.app, other.email, other.password);
      const res = await call(t.app, { method: "POST", url: "/api/v1/auth/logout-all", headers: a.write });
      expect(res.status).toBe(204);
      const me = (h: Record<string, string>) =>
        call(t.app, { method: "GET", url: "/api/v1/auth/me", headers: h });
      expect((await me(a.read)).status).toBe(401);
      expect((await me(b.read)).status).toBe(401);
      expect((await me(c.read)).status).toBe(200);
      expect((await me(owner.headers)).status).toBe(200);
    });
  });

  describe("PATCH /auth/me", () => {
    it("refuses an unsupported language and unknown fields with a 400", async () => {
      const owner = await createAccount(t.ctx);
      const lang = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: owner.headers,
        payload: { language: "fr" },
      });
      expect(lang.status).toBe(400);
      expect(lang.body.error.message).toContain("language");
      const role = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: owner.headers,
        payload: { role: "owner" },
      });
      expect(role.status).toBe(400);
      expect(role.body.error.message).toContain("role");
    });

    it("needs the current password to set a new one", async () => {
      const owner = await createAccount(t.ctx);
      const { write } = await signInCookie(t.app, owner.email, owner.password);
      const missing = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: write,
        payload: { newPassword: "a brand new passphrase" },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain("currentPassword");
      const wrong = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: { ...write, ...freshIp() },
        payload: { currentPassword: "not it at all", newPassword: "a brand new passphrase" },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toContain("current password is not correct");
      const short = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: write,
        payload: { currentPassword: owner.password, newPassword: "short" },
      });
      expect(short.status).toBe(400);
      expect(short.body.error.message).toContain("newPassword");
    });

    it("changes name and language and records the change", async () => {
      const owner = await createAccount(t.ctx);
      const res = await call<{ user: Me }>(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: owner.headers,
        payload: { name: "  سارة  ", language: "ar" },
      });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ name: "سارة", language: "ar" });
      const event = await t.ctx.db
        .selectFrom("events")
        .select(["before", "after"])
        .where("account_id", "=", owner.accountId)
        .where("type", "=", "user.updated")
        .executeTakeFirstOrThrow();
      expect(event.before).toEqual({ name: "Owner Person", language: null });
      expect(event.after).toEqual({ name: "سارة", language: "ar" });
    });

    it("changes the password, keeps this session and ends the others", async () => {
      const owner = await createAccount(t.ctx);
      const a = await signInCookie(t.app, owner.email, owner.password);
      const b = await signInCookie(t.app, owner.email, owner.password);
      const newPassword = "a brand new passphrase";
      const res = await call(t.app, {
        method: "PATCH",
        url: "/api/v1/auth/me",
        headers: a.write,
        payload: { currentPassword: owner.password, newPassword },
      });
      expect(res.status).toBe(200);
      const me = (h: Record<string, string>) =>
        call(t.app, { method: "GET", url: "/api/v1/auth/me", headers: h });
      expect((await me(a.read)).status).toBe(200);
      expect((await me(b.read)).status).toBe(401);
      expect((await login({ email: owner.email, password: owner.password })).status).toBe(401);
      await signInCookie(t.app, owner.email, newPassword);

      const events = await t.ctx.db
        .selectFrom("events")
        .select(["type", "before", "after"])
        .where("account_id", "=", owner.accountId)
        .execute();
      expect(events.map((e) => e.type)).toContain("user.password_changed");
      const text = JSON.stringify(events);
      expect(text).not.toContain("argon2");
      expect(text).not.toContain(newPassword);
      expect(text).not.toContain(a.cookie.split("=")[1]);
    });
  });
});

describe(`auth without a trusted proxy (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { trustProxy: false } });
  });
  afterAll(() => t.close());

  it("does not believe X-Forwarded-Proto: the cookie of a plain http request is not Secure", async () => {
    const owner = await createAccount(t.ctx);
    const res = await call(t.app, {
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "x-forwarded-proto": "https" },
      payload: { email: owner.email, password: owner.password },
    });
    expect(res.status).toBe(200);
    const cookie = setCookieOf(res.headers, "khidma_session");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).not.toContain("Secure");
  });
});
