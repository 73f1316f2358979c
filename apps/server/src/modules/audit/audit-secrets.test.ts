import type { AuditEvent, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createAccount, createTestApp, type TestApp, testDatabase, unique } from "../../test/harness";
import { freshIp, setCookieOf, signInCookie } from "../auth/auth.test-support";

// Tokens, links and TOTP secrets are shown once to the one who asked; they
// and their hashes must never reach the audit log, event rows or stored
// replays of answers.
describe(`no secret in events or stored answers (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("keeps every secret of sign-in, tokens, invitations and 2FA out of events and replays", async () => {
    const owner = await createAccount(t.ctx);
    const browser = await signInCookie(t.app, owner.email, owner.password);
    const secrets: string[] = [owner.password, browser.csrfToken, browser.cookie.split("=")[1] ?? ""];

    const token = await call<{ token: string }>(t.app, {
      method: "POST",
      url: "/api/v1/api-tokens",
      headers: { ...owner.headers, "idempotency-key": "token-1" },
      payload: { name: "Zapier" },
    });
    expect(token.status).toBe(201);
    secrets.push(token.body.token);
    // The key is ignored here: a retry makes a new token rather than replaying the stored one.
    const retry = await call<{ token: string }>(t.app, {
      method: "POST",
      url: "/api/v1/api-tokens",
      headers: { ...owner.headers, "idempotency-key": "token-1" },
      payload: { name: "Zapier" },
    });
    expect(retry.status).toBe(201);
    expect(retry.headers["idempotent-replayed"]).toBeUndefined();
    expect(retry.body.token).not.toBe(token.body.token);
    secrets.push(retry.body.token);

    const invitation = await call<{ url: string }>(t.app, {
      method: "POST",
      url: "/api/v1/invitations",
      headers: { ...owner.headers, "idempotency-key": "invite-1" },
      payload: { email: `${unique("new.agent")}@example.test`, role: "agent" },
    });
    expect(invitation.status).toBe(201);
    const inviteToken = invitation.body.url.replace("/invite/", "");
    secrets.push(inviteToken);
    const accepted = await call(t.app, {
      method: "POST",
      url: "/api/v1/invitations/accept",
      headers: freshIp(),
      payload: { token: inviteToken, name: "New Agent", password: "a long new password" },
    });
    expect(accepted.status).toBe(201);
    secrets.push("a long new password", setCookieOf(accepted.headers, "khidma_session") ?? "");

    const totp = await call<{ secret: string }>(t.app, {
      method: "POST",
      url: "/api/v1/auth/totp/setup",
      headers: { ...browser.write, "idempotency-key": "totp-1" },
    });
    expect(totp.status).toBe(200);
    secrets.push(totp.body.secret);

    const hashes = await t.ctx.db
      .selectFrom("users")
      .select(["password_hash", "totp_pending_secret"])
      .where("account_id", "=", owner.accountId)
      .execute();
    const tokenHashes = await t.ctx.db
      .selectFrom("api_tokens")
      .select("token_hash")
      .where("account_id", "=", owner.accountId)
      .execute();
    const sessionHashes = await t.ctx.db
      .selectFrom("sessions")
      .select("token_hash")
      .where("account_id", "=", owner.accountId)
      .execute();
    const inviteHashes = await t.ctx.db
      .selectFrom("invitations")
      .select("token_hash")
      .where("account_id", "=", owner.accountId)
      .execute();
    secrets.push(
      ...hashes.flatMap((h) => [h.password_hash, h.totp_pending_secret ?? ""]),
      ...[...tokenHashes, ...sessionHashes, ...inviteHashes].map((h) => h.token_hash),
    );
    const needles = secrets.filter((s) => s.length >= 8);
    expect(needles.length).toBeGreaterThanOrEqual(12);

    const rows = await t.ctx.db
      .selectFrom("events")
      .select(["type", "before", "after"])
      .where("account_id", "=", owner.accountId)
      .execute();
    expect(rows.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        "api_token.created",
        "invitation.created",
        "invitation.accepted",
        "user.signed_in",
      ]),
    );
    const log = await call<Page<AuditEvent>>(t.app, {
      method: "GET",
      url: "/api/v1/events?limit=100",
      headers: owner.headers,
    });
    const stored = await t.ctx.db
      .selectFrom("idempotency_keys")
      .select(["key", "response"])
      .where("account_id", "=", owner.accountId)
      .execute();
    expect(stored).toEqual([]);

    const haystack = JSON.stringify({ rows, log: log.body, stored });
    for (const secret of needles) expect(haystack).not.toContain(secret);
    expect(haystack).not.toContain("argon2");
  });
});
