import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createAccount, createTestApp, type TestApp, testDatabase } from "../test/harness";

describe(`platform (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("answers health without authentication", async () => {
    const res = await call(t.app, { method: "GET", url: "/api/health" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok" });
  });

  it("refuses an API call without credentials with a translated 401", async () => {
    const en = await call(t.app, { method: "GET", url: "/api/v1/conversations" });
    expect(en.status).toBe(401);
    expect(en.body).toEqual({ error: { code: "unauthorized", message: expect.stringContaining("Sign in") } });
    const ar = await call(t.app, {
      method: "GET",
      url: "/api/v1/conversations",
      headers: { "accept-language": "ar-SA,ar;q=0.9,en;q=0.5" },
    });
    expect(ar.body).toMatchObject({
      error: { code: "unauthorized", message: expect.stringContaining("سجّل") },
    });
  });

  it("refuses a forged or malformed bearer token", async () => {
    for (const authorization of ["Bearer kh_1_notarealtokennotarealtoken", "Bearer x", "Basic abc"]) {
      const res = await call(t.app, {
        method: "GET",
        url: "/api/v1/conversations",
        headers: { authorization },
      });
      expect(res.status).toBe(401);
    }
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const owner = await createAccount(t.ctx);
    const res = await call(t.app, { method: "GET", url: "/api/v1/nothing-here", headers: owner.headers });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("serves the OpenAPI 3.1 document", async () => {
    const res = await call<{ openapi: string }>(t.app, { method: "GET", url: "/api/v1/openapi.json" });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
  });
});
