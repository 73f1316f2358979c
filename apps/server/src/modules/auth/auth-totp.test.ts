import type { Me } from "@khidma/contracts";
import { authenticator } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import {
  call,
  createAccount,
  createTestApp,
  type TestApp,
  type TestUser,
  testDatabase,
} from "../../test/harness";
import { freshIp, signInCookie } from "./auth.test-support";

type ErrorBody = { error: { code: string; message: string } };

// A six-digit code that is not the current one (nor, in practice, a neighbour).
function wrongCode(secret: string): string {
  return String((Number(authenticator.generate(secret)) + 500_000) % 1_000_000).padStart(6, "0");
}

describe(`two-factor sign-in (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = <T = ErrorBody>(url: string, headers: Record<string, string>, payload?: object) =>
    call<T>(t.app, { method: "POST", url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  // Two-factor settings change only from a browser session: the headers of one, for writes.
  const browser = async (user: TestUser) => (await signInCookie(t.app, user.email, user.password)).write;

  it("needs credentials for setup, enable and disable", async () => {
    for (const url of ["/auth/totp/setup", "/auth/totp/enable", "/auth/totp/disable"]) {
      const res = await post(url, {}, {});
      expect(res.status).toBe(401);
    }
  });

  it("refuses two-factor changes made with an API token", async () => {
    const owner = await createAccount(t.ctx);
    for (const [url, payload] of [
      ["/auth/totp/setup", undefined],
      ["/auth/totp/enable", { code: "123456" }],
      ["/auth/totp/disable", { password: owner.password }],
    ] as const) {
      const res = await post(url, owner.headers, payload);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    const password = await call<ErrorBody>(t.app, {
      method: "PATCH",
      url: "/api/v1/auth/me",
      headers: owner.headers,
      payload: { currentPassword: owner.password, newPassword: "a brand new passphrase" },
    });
    expect(password.status).toBe(403);
  });

  it("refuses to enable before setup, and a malformed code", async () => {
    const owner = await createAccount(t.ctx);
    const headers = await browser(owner);
    const early = await post("/auth/totp/enable", headers, { code: "123456" });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain("has not been started");
    const malformed = await post("/auth/totp/enable", headers, { code: "12ab56" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain("code");
  });

  it("refuses a wrong code at enable and keeps 2FA off", async () => {
    const owner = await createAccount(t.ctx);
    const headers = await browser(owner);
    const setup = await post<{ secret: string }>("/auth/totp/setup", headers);
    const res = await post("/auth/totp/enable", headers, { code: wrongCode(setup.body.secret) });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("authenticator code is not correct");
    const me = await call<{ user: Me }>(t.app, {
      method: "GET",
      url: "/api/v1/auth/me",
      headers: owner.headers,
    });
    expect(me.body.user.totpEnabled).toBe(false);
  });

  it("enables 2FA with a code, then sign-in needs the code", async () => {
    const owner = await createAccount(t.ctx);
    const headers = await browser(owner);
    const setup = await post<{ secret: string; otpauthUrl: string }>("/auth/totp/setup", headers);
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Khidma:/);
    expect(setup.body.otpauthUrl).toContain(`secret=${setup.body.secret}`);

    const secret = setup.body.secret;
    const enabled = await post<{ user: Me }>("/auth/totp/enable", headers, {
      code: authenticator.generate(secret),
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body.user.totpEnabled).toBe(true);
    // The secret is stored encrypted, never as the base32 the app was shown.
    const stored = await t.ctx.db
      .selectFrom("users")
      .select("totp_secret")
      .where("account_id", "=", owner.accountId)
      .where("id", "=", owner.userId)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret).toMatch(/^v1:/);
    expect(stored.totp_secret).not.toContain(secret);

    const again = await post("/auth/totp/setup", headers);
    expect(again.status).toBe(409);

    const ip = freshIp();
    const noCode = await post("/auth/login", ip, { email: owner.email, password: owner.password });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe("totp_required");
    const badCode = await post("/auth/login", ip, {
      email: owner.email,
      password: owner.password,
      totp: wrongCode(secret),
    });
    expect(badCode.status).toBe(401);
    expect(badCode.body.error.code).toBe("invalid_totp");
    const wrongPassword = await post("/auth/login", ip, {
      email: owner.email,
      password: "not the password",
      totp: authenticator.generate(secret),
    });
    expect(wrongPassword.body.error.code).toBe("invalid_credentials");
    // The code that enabled 2FA is spent; the next step's code is within the window.
    const ok = await post<{ user: Me }>("/auth/login", ip, {
      email: owner.email,
      password: owner.password,
      totp: authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user.totpEnabled).toBe(true);

    const events = await t.ctx.db
      .selectFrom("events")
      .select(["type", "before", "after"])
      .where("account_id", "=", owner.accountId)
      .execute();
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["user.totp_setup_started", "user.totp_enabled", "user.signed_in"]),
    );
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it("disables 2FA only with the password", async () => {
    const owner = await createAccount(t.ctx);
    const headers = await browser(owner);
    const setup = await post<{ secret: string }>("/auth/totp/setup", headers);
    await post("/auth/totp/enable", headers, { code: authenticator.generate(setup.body.secret) });

    const missing = await post("/auth/totp/disable", headers, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("password");
    const wrong = await post("/auth/totp/disable", { ...headers, ...freshIp() }, { password: "nope nope" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain("password is not correct");

    const ok = await post<{ user: Me }>("/auth/totp/disable", headers, { password: owner.password });
    expect(ok.status).toBe(200);
    expect(ok.body.user.totpEnabled).toBe(false);
    const login = await post("/auth/login", freshIp(), { email: owner.email, password: owner.password });
    expect(login.status).toBe(200);
  });
});

describe(`two-factor codes are good once (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-03-01T10:00:05Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const codeNow = (secret: string, stepOffset = 0) =>
    authenticator.clone({ epoch: clock.now().getTime() + stepOffset * 30_000 }).generate(secret);
  const login = (user: TestUser, totp: string, lang = "en") =>
    call<ErrorBody>(t.app, {
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { ...freshIp(), "accept-language": lang },
      payload: { email: user.email, password: user.password, totp },
    });

  async function withTotp(): Promise<{ owner: TestUser; secret: string; headers: Record<string, string> }> {
    const owner = await createAccount(t.ctx);
    const headers = (await signInCookie(t.app, owner.email, owner.password)).write;
    const setup = await call<{ secret: string }>(t.app, {
      method: "POST",
      url: "/api/v1/auth/totp/setup",
      headers,
    });
    const enabled = await call(t.app, {
      method: "POST",
      url: "/api/v1/auth/totp/enable",
      headers,
      payload: { code: codeNow(setup.body.secret) },
    });
    expect(enabled.status).toBe(200);
    return { owner, secret: setup.body.secret, headers };
  }

  it("refuses to sign in with the code that turned 2FA on", async () => {
    const { owner, secret } = await withTotp();
    const replay = await login(owner, codeNow(secret), "ar");
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("invalid_totp");
    expect(replay.body.error.message).toMatch(/[\u0600-\u06FF]/);
  });

  it("accepts a code once, then neither it nor an earlier step's code", async () => {
    const { owner, secret } = await withTotp();
    clock.advance(30_000);
    const fresh = codeNow(secret);
    expect((await login(owner, fresh)).status).toBe(200);
    const again = await login(owner, fresh);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("invalid_totp");
    // The previous step's code is still inside the window, but older than the one used.
    expect((await login(owner, codeNow(secret, -1))).body.error.code).toBe("invalid_totp");
    clock.advance(30_000);
    expect((await login(owner, codeNow(secret))).status).toBe(200);
  });

  it("lets only one of two simultaneous sign-ins with the same code through", async () => {
    const { owner, secret } = await withTotp();
    clock.advance(30_000);
    const code = codeNow(secret);
    const results = await Promise.all([login(owner, code), login(owner, code)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("starts over after 2FA is turned off and on again", async () => {
    const { owner, headers } = await withTotp();
    const off = await call(t.app, {
      method: "POST",
      url: "/api/v1/auth/totp/disable",
      headers,
      payload: { password: owner.password },
    });
    expect(off.status).toBe(200);
    const row = await t.ctx.db
      .selectFrom("users")
      .select("totp_last_step")
      .where("account_id", "=", owner.accountId)
      .where("id", "=", owner.userId)
      .executeTakeFirstOrThrow();
    expect(row.totp_last_step).toBeNull();
    const setup = await call<{ secret: string }>(t.app, {
      method: "POST",
      url: "/api/v1/auth/totp/setup",
      headers,
    });
    const on = await call(t.app, {
      method: "POST",
      url: "/api/v1/auth/totp/enable",
      headers,
      payload: { code: codeNow(setup.body.secret) },
    });
    expect(on.status).toBe(200);
    clock.advance(30_000);
    expect((await login(owner, codeNow(setup.body.secret))).status).toBe(200);
  });
});
