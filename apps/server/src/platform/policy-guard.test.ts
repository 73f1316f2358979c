import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "./auth";
import { allow, requireMember, requireRole } from "./policy";
import { registerPolicyGuard } from "./policy-guard";

const member: Principal = {
  accountId: 1,
  userId: 1,
  role: "agent",
  name: "Agent",
  email: "agent@example.test",
  via: "token",
  tokenId: 1,
  sessionHash: null,
  csrfToken: null,
};

const later = () => new Promise((resolve) => setTimeout(resolve, 5));

// The guard on its own, around routes made for it: the app's modules are
// covered by their own tests, which all run with the guard on.
describe("policy guard", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    app.decorateRequest("principal", null);
    app.decorateRequest("lang", "en");
    app.addHook("onRequest", async (request) => {
      if (request.headers.authorization) request.principal = { ...member };
    });
    registerPolicyGuard(app);
    app.get("/api/v1/unchecked", async () => ({ ok: true }));
    app.get("/api/v1/checked", async (request) => {
      await later();
      requireMember(request.principal as Principal);
      return { ok: true };
    });
    app.post("/api/v1/allowed", async (request) => {
      await later();
      allow((request.body as { ok: boolean }).ok);
      return { ok: true };
    });
    app.get("/api/v1/forbidden", async (request) => {
      requireRole(request.principal as Principal, "admin");
      return { ok: true };
    });
    app.get("/api/v1/public", { config: { public: true } }, async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  const get = (url: string) => app.inject({ method: "GET", url, headers: { authorization: "x" } });

  it("fails an authenticated answer that no policy check saw", async () => {
    const res = await get("/api/v1/unchecked");
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: "internal", message: expect.any(String) } });
  });

  it("lets through answers whose route ran a check, after awaits and with a body", async () => {
    expect((await get("/api/v1/checked")).statusCode).toBe(200);
    const posted = await app.inject({
      method: "POST",
      url: "/api/v1/allowed",
      headers: { authorization: "x" },
      payload: { ok: true },
    });
    expect(posted.statusCode).toBe(200);
  });

  it("keeps refusals and public routes as they are", async () => {
    expect((await get("/api/v1/forbidden")).statusCode).toBe(403);
    expect((await app.inject({ method: "GET", url: "/api/v1/public" })).statusCode).toBe(200);
    expect((await get("/api/v1/public")).statusCode).toBe(200);
  });

  it("keeps the checks of concurrent requests apart", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => get(i % 2 ? "/api/v1/checked" : "/api/v1/unchecked")),
    );
    expect(results.map((r) => r.statusCode)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? 200 : 500)),
    );
  });
});
