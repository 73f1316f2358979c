import type { ApiToken } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
} from "../../test/harness";
import { signInCookie } from "../auth/auth.test-support";

type ErrorBody = { error: { code: string; message: string } };
type Created = { apiToken: ApiToken; token: string };

describe(`api tokens (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const list = (headers: Record<string, string>) =>
    call<{ items: ApiToken[] }>(t.app, { method: "GET", url: "/api/v1/api-tokens", headers });
  const create = (headers: Record<string, string>, payload: object) =>
    call<Created & ErrorBody>(t.app, { method: "POST", url: "/api/v1/api-tokens", headers, payload });
  const revoke = (headers: Record<string, string>, id: number) =>
    call<ErrorBody>(t.app, { method: "DELETE", url: `/api/v1/api-tokens/${id}`, headers });

  it("needs credentials", async () => {
    expect((await list({})).status).toBe(401);
    expect((await create({}, { name: "x" })).status).toBe(401);
    expect((await revoke({}, 1)).status).toBe(401);
  });

  it("refuses a missing or blank name with a 400", async () => {
    const owner = await createAccount(t.ctx);
    const missing = await create(owner.headers, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("name");
    expect((await create(owner.headers, { name: "  " })).status).toBe(400);
  });

  it("shows an agent only their own tokens; another's is invisible (404)", async () => {
    const owner = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const ownerToken = await create(owner.headers, { name: "CRM sync" });
    const mine = await list(agent.headers);
    expect(mine.body.items.every((x) => x.userId === agent.userId)).toBe(true);
    expect((await revoke(agent.headers, ownerToken.body.apiToken.id)).status).toBe(404);
  });

  it("does not reach another account's tokens", async () => {
    const owner = await createAccount(t.ctx);
    const other = await createAccount(t.ctx);
    const theirs = await create(other.headers, { name: "theirs" });
    expect((await revoke(owner.headers, theirs.body.apiToken.id)).status).toBe(404);
    expect((await list(owner.headers)).body.items.some((x) => x.id === theirs.body.apiToken.id)).toBe(false);
  });

  it("needs the CSRF token with a cookie", async () => {
    const owner = await createAccount(t.ctx);
    const s = await signInCookie(t.app, owner.email, owner.password);
    expect((await create(s.read, { name: "x" })).status).toBe(403);
    expect((await create(s.write, { name: "x" })).status).toBe(201);
  });

  it("shows the token once, works as Bearer, and stops working when revoked", async () => {
    const owner = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const created = await create(agent.headers, { name: " Zapier " });
    expect(created.status).toBe(201);
    const { apiToken, token } = created.body;
    expect(token).toMatch(new RegExp(`^kh_${owner.accountId}_`));
    expect(apiToken).toMatchObject({ name: "Zapier", userId: agent.userId, lastUsedAt: null });
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    expect(apiToken.prefix.length).toBeLessThan(token.length - 20);

    const bearer = { authorization: `Bearer ${token}` };
    const me = await call<{ user: { id: number } }>(t.app, {
      method: "GET",
      url: "/api/v1/auth/me",
      headers: bearer,
    });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(agent.userId);

    const listed = await list(agent.headers);
    const row = listed.body.items.find((x) => x.id === apiToken.id);
    expect(row?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const stored = await t.ctx.db
      .selectFrom("api_tokens")
      .select("token_hash")
      .where("account_id", "=", owner.accountId)
      .where("id", "=", apiToken.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);

    expect((await revoke(agent.headers, apiToken.id)).status).toBe(204);
    expect((await revoke(agent.headers, apiToken.id)).status).toBe(204);
    const after = await call<ErrorBody>(t.app, { method: "GET", url: "/api/v1/auth/me", headers: bearer });
    expect(after.status).toBe(401);
    expect((await list(agent.headers)).body.items.some((x) => x.id === apiToken.id)).toBe(false);

    const events = await t.ctx.db
      .selectFrom("events")
      .select(["type", "before", "after"])
      .where("account_id", "=", owner.accountId)
      .where("subject_type", "=", "api_token")
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.type)).toEqual(["api_token.created", "api_token.revoked"]);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it("lets an admin list and revoke every token of the account", async () => {
    const owner = await createAccount(t.ctx);
    const admin = await createUser(t.ctx, owner.accountId, "admin");
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const agentToken = await create(agent.headers, { name: "agent's" });
    const all = await list(admin.headers);
    expect(all.body.items.map((x) => x.userId)).toEqual(
      expect.arrayContaining([owner.userId, admin.userId, agent.userId]),
    );
    expect((await revoke(admin.headers, agentToken.body.apiToken.id)).status).toBe(204);
    const res = await call(t.app, {
      method: "GET",
      url: "/api/v1/auth/me",
      headers: { authorization: `Bearer ${agentToken.body.token}` },
    });
    expect(res.status).toBe(401);
  });
});
