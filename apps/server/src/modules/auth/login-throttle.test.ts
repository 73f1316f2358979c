import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import { call, createAccount, createTestApp, type TestApp, testDatabase } from "../../test/harness";
import { freshIp } from "./auth.test-support";
import { EMAIL_FAILURE_LIMIT, IP_FAILURE_LIMIT } from "./login-throttle";
import { PUBLIC_RATE_LIMIT } from "./public-rate-limit";

type ErrorBody = { error: { code: string; message: string } };

describe(`sign-in throttling (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-03-01T08:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const login = (payload: object, headers: Record<string, string>) =>
    call<ErrorBody>(t.app, { method: "POST", url: "/api/v1/auth/login", headers, payload });

  it("locks an email after repeated failures, says how long, and unlocks after the lock", async () => {
    const owner = await createAccount(t.ctx);
    const ip = freshIp();
    for (let i = 0; i < EMAIL_FAILURE_LIMIT; i++) {
      const res = await login({ email: owner.email, password: `wrong ${i}` }, ip);
      expect(res.status).toBe(401);
    }
    // Even the right password waits, and from another address too: the email is locked.
    const locked = await login({ email: owner.email, password: owner.password }, freshIp());
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("too_many_requests");
    expect(locked.body.error.message).toContain("900 seconds");
    expect(locked.headers["retry-after"]).toBe("900");

    clock.advance(10 * 60 * 1000);
    const still = await login({ email: owner.email, password: owner.password }, freshIp());
    expect(still.status).toBe(429);
    expect(still.headers["retry-after"]).toBe("300");

    clock.advance(5 * 60 * 1000 + 1000);
    const ok = await login({ email: owner.email, password: owner.password }, freshIp());
    expect(ok.status).toBe(200);
  });

  it("forgets an email's failures after a successful sign-in", async () => {
    const owner = await createAccount(t.ctx);
    const ip = freshIp();
    for (let i = 0; i < EMAIL_FAILURE_LIMIT - 1; i++) {
      await login({ email: owner.email, password: "wrong" }, ip);
    }
    expect((await login({ email: owner.email, password: owner.password }, ip)).status).toBe(200);
    for (let i = 0; i < EMAIL_FAILURE_LIMIT - 1; i++) {
      await login({ email: owner.email, password: "wrong" }, ip);
    }
    expect((await login({ email: owner.email, password: owner.password }, ip)).status).toBe(200);
  });

  it("starts counting afresh after the window passes", async () => {
    const owner = await createAccount(t.ctx);
    const ip = freshIp();
    for (let i = 0; i < EMAIL_FAILURE_LIMIT - 1; i++) {
      await login({ email: owner.email, password: "wrong" }, ip);
    }
    clock.advance(16 * 60 * 1000);
    expect((await login({ email: owner.email, password: "wrong" }, ip)).status).toBe(401);
    expect((await login({ email: owner.email, password: owner.password }, ip)).status).toBe(200);
  });

  it("locks a client address that tries many emails", async () => {
    const owner = await createAccount(t.ctx);
    const ip = freshIp();
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
      await login({ email: `guess${i}-${Date.now()}@example.test`, password: "wrong" }, ip);
    }
    const locked = await login({ email: owner.email, password: owner.password }, ip);
    expect(locked.status).toBe(429);
    const elsewhere = await login({ email: owner.email, password: owner.password }, freshIp());
    expect(elsewhere.status).toBe(200);
  });

  it("rate-limits the public routes per address with a translated 429", async () => {
    const ip = freshIp();
    for (let i = 0; i < PUBLIC_RATE_LIMIT; i++) {
      const res = await login({}, ip);
      expect(res.status).toBe(400);
    }
    const limited = await login({}, { ...ip, "accept-language": "ar" });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("too_many_requests");
    expect(limited.body.error.message).toContain("حاول مجددًا");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Signed-in routes are not under this limit.
    const owner = await createAccount(t.ctx);
    const me = await call(t.app, {
      method: "GET",
      url: "/api/v1/auth/me",
      headers: { ...owner.headers, ...ip },
    });
    expect(me.status).toBe(200);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
describe.skipIf(!redisUrl)(`public rate limit across nodes through Redis (${testDatabase})`, () => {
  if (!redisUrl) it.skip("needs TEST_REDIS_URL", () => undefined);
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const config = { redisUrl: redisUrl ?? null };
    a = await createTestApp({ config, redisUrl });
    b = await createTestApp({ config, redisUrl });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("counts one address's requests on every node together", async () => {
    const ip = freshIp();
    const login = (t: TestApp) =>
      call<ErrorBody>(t.app, { method: "POST", url: "/api/v1/auth/login", headers: ip, payload: {} });
    for (let i = 0; i < PUBLIC_RATE_LIMIT; i++) {
      const res = await login(i % 2 === 0 ? a : b);
      expect(res.status).toBe(400);
    }
    const limited = await login(a);
    expect(limited.status).toBe(429);
    expect((await login(b)).status).toBe(429);
  });
});
