import type { Widget, WidgetWithSecret } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
} from "../../test/harness";

type ErrorBody = { error: { code: string; message: string } };

describe(`widgets admin API (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("answers 401 without a sign-in and 403 to agents", async () => {
    const a = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, a.accountId, "agent");
    expect((await call(t.app, { method: "GET", url: "/api/v1/widgets" })).status).toBe(401);
    const res = await call<ErrorBody>(t.app, {
      method: "POST",
      url: "/api/v1/widgets",
      headers: agent.headers,
      payload: { name: "Shop" },
    });
    expect(res.status).toBe(403);
  });

  it("answers 404 for another account's widget", async () => {
    const a = await createAccount(t.ctx);
    const b = await createAccount(t.ctx);
    const created = await call<WidgetWithSecret>(t.app, {
      method: "POST",
      url: "/api/v1/widgets",
      headers: a.headers,
      payload: { name: "Shop" },
    });
    for (const [method, url] of [
      ["GET", `/api/v1/widgets/${created.body.id}`],
      ["PATCH", `/api/v1/widgets/${created.body.id}`],
      ["POST", `/api/v1/widgets/${created.body.id}/identity-secret`],
      ["DELETE", `/api/v1/widgets/${created.body.id}`],
    ] as const) {
      const res = await call<ErrorBody>(t.app, {
        method,
        url,
        headers: b.headers,
        ...(method === "PATCH" ? { payload: { name: "x" } } : {}),
      });
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    const list = await call<{ items: Widget[] }>(t.app, {
      method: "GET",
      url: "/api/v1/widgets",
      headers: b.headers,
    });
    expect(list.body.items).toEqual([]);
  });

  it("answers 400 with a translated message for bad settings", async () => {
    const a = await createAccount(t.ctx);
    const cases: [unknown, string, string][] = [
      [{}, "name is required", "الحقل name مطلوب"],
      [{ name: "x", color: "red" }, "color has an invalid format", "صيغة color"],
      [{ name: "x", position: "left" }, "position must be one of: start, end", "start"],
      [
        { name: "x", businessHours: { timezone: "Mars/Base", days: [] } },
        "not a known time zone",
        "المنطقة الزمنية",
      ],
      [
        {
          name: "x",
          businessHours: { timezone: "Asia/Riyadh", days: [{ day: 1, open: "17:00", close: "09:00" }] },
        },
        "close after they open",
        "وقت العمل",
      ],
      [
        { name: "x", allowedOrigins: ["shop.example/path"] },
        "allowed origin must look like",
        "الأصل المسموح",
      ],
      [{ name: "x", secret: "mine" }, "secret is not an accepted field", "secret"],
    ];
    for (const [payload, en, ar] of cases) {
      const res = await call<ErrorBody>(t.app, {
        method: "POST",
        url: "/api/v1/widgets",
        headers: a.headers,
        payload: payload as object,
      });
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(res.body.error.message).toContain(en);
      const arRes = await call<ErrorBody>(t.app, {
        method: "POST",
        url: "/api/v1/widgets",
        headers: { ...a.headers, "accept-language": "ar" },
        payload: payload as object,
      });
      expect(arRes.body.error.message).toContain(ar);
    }
  });

  it("creates, lists, changes, regenerates the secret and deletes a widget, with events", async () => {
    const a = await createAccount(t.ctx);
    const created = await call<WidgetWithSecret>(t.app, {
      method: "POST",
      url: "/api/v1/widgets",
      headers: { ...a.headers, host: "help.example.test" },
      payload: { name: "  Shop  ", allowedOrigins: ["https://Shop.Example", "https://*.example.com"] },
    });
    expect(created.status).toBe(201);
    const w = created.body;
    expect(w.name).toBe("Shop");
    expect(w.key).toMatch(new RegExp(`^kw_${a.accountId}_`));
    expect(w.identitySecret.length).toBeGreaterThan(30);
    expect(w.snippet).toBe(
      `<script src="http://help.example.test/widget.js" data-khidma="${w.key}" async></script>`,
    );
    expect(w.allowedOrigins).toEqual(["https://shop.example", "https://*.example.com"]);
    expect(w.prechat).toEqual({ name: "optional", email: "off", phone: "off" });
    // The secret is stored encrypted, never as given.
    const stored = await t.ctx.db
      .selectFrom("widgets")
      .select("identity_secret")
      .where("id", "=", w.id)
      .executeTakeFirstOrThrow();
    expect(stored.identity_secret).not.toContain(w.identitySecret);

    const got = await call<Widget & { identitySecret?: string }>(t.app, {
      method: "GET",
      url: `/api/v1/widgets/${w.id}`,
      headers: a.headers,
    });
    expect(got.body.identitySecret).toBeUndefined();

    const patched = await call<Widget>(t.app, {
      method: "PATCH",
      url: `/api/v1/widgets/${w.id}`,
      headers: a.headers,
      payload: {
        color: "#AA3300",
        greeting: { ar: " أهلًا ", en: " Hi " },
        position: "start",
        prechat: { name: "required", email: "optional", phone: "off" },
        businessHours: { timezone: "Asia/Riyadh", days: [{ day: 0, open: "09:00", close: "17:00" }] },
        offlineMode: "hidden",
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      color: "#aa3300",
      greeting: { ar: "أهلًا", en: "Hi" },
      position: "start",
      offlineMode: "hidden",
    });
    const empty = await call<ErrorBody>(t.app, {
      method: "PATCH",
      url: `/api/v1/widgets/${w.id}`,
      headers: a.headers,
      payload: {},
    });
    expect(empty.status).toBe(400);

    const again = await call<WidgetWithSecret>(t.app, {
      method: "POST",
      url: `/api/v1/widgets/${w.id}/identity-secret`,
      headers: a.headers,
    });
    expect(again.status).toBe(200);
    expect(again.body.identitySecret).not.toBe(w.identitySecret);

    const list = await call<{ items: Widget[] }>(t.app, {
      method: "GET",
      url: "/api/v1/widgets",
      headers: a.headers,
    });
    expect(list.body.items.map((x) => x.id)).toEqual([w.id]);

    expect(
      (await call(t.app, { method: "DELETE", url: `/api/v1/widgets/${w.id}`, headers: a.headers })).status,
    ).toBe(204);
    expect(
      (await call(t.app, { method: "GET", url: `/api/v1/widgets/${w.id}`, headers: a.headers })).status,
    ).toBe(404);
    const events = await t.ctx.db
      .selectFrom("events")
      .select("type")
      .where("account_id", "=", a.accountId)
      .where("subject_type", "=", "widget")
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      "widget.created",
      "widget.updated",
      "widget.secret_regenerated",
      "widget.deleted",
    ]);
  });
});
