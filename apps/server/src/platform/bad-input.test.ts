import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  type TestApp,
  type TestUser,
  testDatabase,
} from "../test/harness";

describe(`bad input at the platform level (${testDatabase})`, () => {
  let t: TestApp;
  let owner: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await createAccount(t.ctx);
  });
  afterAll(() => t.close());

  const post = (payload: string, headers: Record<string, string> = {}) =>
    call<{ error: { code: string; message: string } }>(t.app, {
      method: "POST",
      url: "/api/v1/contacts",
      headers: { ...owner.headers, "content-type": "application/json", ...headers },
      payload,
    });

  it("answers malformed JSON with 400 invalid_json in the caller's language", async () => {
    const en = await post("{not json");
    expect(en.status).toBe(400);
    expect(en.body.error.code).toBe("invalid_json");
    expect(en.body.error.message).toMatch(/not valid JSON/);
    const ar = await post("{not json", { "accept-language": "ar" });
    expect(ar.body.error.message).toMatch(/JSON/);
    expect(ar.body.error.message).toMatch(/[\u0600-\u06FF]/);
  });

  it("answers a body over the limit with 413", async () => {
    const big = JSON.stringify({ name: "x".repeat(t.ctx.config.bodyLimit + 10) });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("answers a non-JSON content type with 415", async () => {
    const res = await post("name=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
  });

  it("refuses an empty JSON body", async () => {
    const res = await post("");
    expect(res.status).toBe(400);
    expect(["invalid_json", "validation_failed"]).toContain(res.body.error.code);
  });

  it("refuses a malformed Idempotency-Key", async () => {
    const res = await post(JSON.stringify({ name: "Someone" }), { "idempotency-key": "x".repeat(300) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
  });
});
