import type { Contact, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  type TestUser,
  testDatabase,
  unique,
} from "../../test/harness";
import { normalizeContactEmail, normalizePhone } from "./contacts.service";

type ErrorBody = { error: { code: string; message: string } };

describe(`contacts (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (user: TestUser, payload: unknown) =>
    call<Contact & ErrorBody>(t.app, {
      method: "POST",
      url: "/api/v1/contacts",
      headers: user.headers,
      payload: payload as object,
    });

  describe("unhappy paths", () => {
    it("refuses every route without credentials (401)", async () => {
      for (const [method, url] of [
        ["GET", "/api/v1/contacts"],
        ["POST", "/api/v1/contacts"],
        ["GET", "/api/v1/contacts/1"],
        ["PATCH", "/api/v1/contacts/1"],
        ["GET", "/api/v1/contacts/1/conversations"],
      ] as const) {
        const res = await call<ErrorBody>(t.app, { method, url, payload: method === "GET" ? undefined : {} });
        expect(res.status, `${method} ${url}`).toBe(401);
        expect(res.body.error.code).toBe("unauthorized");
      }
    });

    it("hides another account's contact (404)", async () => {
      const a = await createAccount(t.ctx);
      const b = await createAccount(t.ctx);
      const created = await post(a, { name: "Hidden", emails: [`${unique("h")}@example.test`] });
      expect(created.status).toBe(201);
      const id = created.body.id;
      for (const [method, url, payload] of [
        ["GET", `/api/v1/contacts/${id}`, undefined],
        ["PATCH", `/api/v1/contacts/${id}`, { name: "Stolen" }],
        ["GET", `/api/v1/contacts/${id}/conversations`, undefined],
      ] as const) {
        const res = await call<ErrorBody>(t.app, { method, url, headers: b.headers, payload });
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.body.error).toEqual({ code: "not_found", message: "The contact was not found." });
      }
      const list = await call<Page<Contact>>(t.app, {
        method: "GET",
        url: "/api/v1/contacts",
        headers: b.headers,
      });
      expect(list.body.items).toEqual([]);
    });

    it("answers 400 with a message for bad input", async () => {
      const a = await createAccount(t.ctx);
      const cases: [unknown, string][] = [
        [{}, "name is required"],
        [{ name: 5 }, "name must be string"],
        [{ name: "   " }, "name has an invalid format"],
        [{ name: "x".repeat(201) }, "name must be at most 200 characters"],
        [{ name: "A", nickname: "B" }, "nickname is not an accepted field"],
        [{ name: "A", emails: "a@b.co" }, "emails must be array"],
        [{ name: "A", emails: ["not-an-email"] }, "an email address is not valid"],
        [{ name: "A", phones: ["12ab45"] }, "a phone number must have 6 to 15 digits"],
        [{ name: "A", phones: ["123"] }, "a phone number must have 6 to 15 digits"],
        [{ name: "A", language: "fr" }, "language must be one of: ar, en"],
        [{ name: "A", attributes: { big: "x".repeat(20_000) } }, "attributes must be at most 16 KB of JSON"],
      ];
      for (const [payload, message] of cases) {
        const res = await post(a, payload);
        expect(res.status, JSON.stringify(payload).slice(0, 80)).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
      const arabic = await call<ErrorBody>(t.app, {
        method: "POST",
        url: "/api/v1/contacts",
        headers: { ...a.headers, "accept-language": "ar" },
        payload: { name: "A", emails: ["nope"] },
      });
      expect(arabic.body.error.message).toContain("عنوان البريد الإلكتروني غير صالح");
    });

    it("refuses malformed JSON, invalid ids and cursors", async () => {
      const a = await createAccount(t.ctx);
      const json = await call<ErrorBody>(t.app, {
        method: "POST",
        url: "/api/v1/contacts",
        headers: { ...a.headers, "content-type": "application/json" },
        payload: '{"name": ',
      });
      expect(json.status).toBe(400);
      expect(json.body.error.code).toBe("invalid_json");
      for (const id of ["abc", "-1", "0", "1.5"]) {
        const res = await call<ErrorBody>(t.app, {
          method: "GET",
          url: `/api/v1/contacts/${id}`,
          headers: a.headers,
        });
        expect(res.status, id).toBe(400);
        expect(res.body.error.code).toBe("validation_failed");
      }
      const cursor = await call<ErrorBody>(t.app, {
        method: "GET",
        url: "/api/v1/contacts?cursor=bm90LWpzb24",
        headers: a.headers,
      });
      expect(cursor.status).toBe(400);
      expect(cursor.body.error.code).toBe("invalid_cursor");
      const empty = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: "/api/v1/contacts/1",
        headers: a.headers,
        payload: {},
      });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toContain("give at least one field to change");
    });

    it("refuses a second contact with the same email or phone (409)", async () => {
      const a = await createAccount(t.ctx);
      const email = `${unique("dup")}@example.test`;
      expect((await post(a, { name: "First", emails: [email], phones: ["+966 50 123 4567"] })).status).toBe(
        201,
      );
      const sameEmail = await post(a, { name: "Second", emails: [`  ${email.toUpperCase()} `] });
      expect(sameEmail.status).toBe(409);
      expect(sameEmail.body.error).toEqual({
        code: "duplicate_contact",
        message: `Another contact already uses ${email}.`,
      });
      const samePhone = await post(a, { name: "Third", phones: ["٠٠٩٦٦-٥٠-١٢٣-٤٥٦٧"] });
      expect(samePhone.status).toBe(409);
      expect(samePhone.body.error.message).toContain("+966501234567");
      const other = await post(a, { name: "Other", emails: [`${unique("o")}@example.test`] });
      const patched = await call<ErrorBody>(t.app, {
        method: "PATCH",
        url: `/api/v1/contacts/${other.body.id}`,
        headers: a.headers,
        payload: { emails: [email] },
      });
      expect(patched.status).toBe(409);
      // Another account may use the same address.
      const b = await createAccount(t.ctx);
      expect((await post(b, { name: "Elsewhere", emails: [email] })).status).toBe(201);
    });
  });

  describe("success", () => {
    it("creates a contact with normalised identifiers and reads it back", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent");
      const email = `${unique("Sara")}@Example.TEST`;
      const res = await post(agent, {
        name: "  سارة أحمد ",
        emails: [` ${email} `, email.toLowerCase()],
        phones: ["+966 (50) 765-4321", "٠٥٠١٢٣٤٥٦٧"],
        language: "ar",
        company: "شركة النور",
        attributes: { plan: "gold", orders: 3 },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: "سارة أحمد",
        emails: [email.toLowerCase()],
        phones: ["+966507654321", "0501234567"],
        language: "ar",
        company: "شركة النور",
        attributes: { plan: "gold", orders: 3 },
      });
      const got = await call<Contact>(t.app, {
        method: "GET",
        url: `/api/v1/contacts/${res.body.id}`,
        headers: a.headers,
      });
      expect(got.body).toEqual(res.body);
      const row = await t.ctx.db
        .selectFrom("contacts")
        .select(["search_text"])
        .where("account_id", "=", a.accountId)
        .where("id", "=", res.body.id)
        .executeTakeFirstOrThrow();
      expect(row.search_text).toContain("ساره احمد");
      expect(row.search_text).toContain("+966507654321");
      const events = await t.ctx.db
        .selectFrom("events")
        .select(["type", "actor_user_id"])
        .where("account_id", "=", a.accountId)
        .where("subject_type", "=", "contact")
        .where("subject_id", "=", res.body.id)
        .execute();
      expect(events).toEqual([{ type: "contact.created", actor_user_id: agent.userId }]);
    });

    it("updates a contact, replacing its emails, and records the change", async () => {
      const a = await createAccount(t.ctx);
      const first = `${unique("p")}@example.test`;
      const second = `${unique("q")}@example.test`;
      const created = await post(a, { name: "Pat", emails: [first], phones: ["0501112233"] });
      const res = await call<Contact>(t.app, {
        method: "PATCH",
        url: `/api/v1/contacts/${created.body.id}`,
        headers: a.headers,
        payload: { name: "Pat Lee", emails: [second], company: null },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "Pat Lee", emails: [second], phones: ["0501112233"] });
      // The old address is free again.
      expect((await post(a, { name: "New owner", emails: [first] })).status).toBe(201);
      const event = await t.ctx.db
        .selectFrom("events")
        .select(["before", "after"])
        .where("account_id", "=", a.accountId)
        .where("type", "=", "contact.updated")
        .executeTakeFirstOrThrow();
      expect(event.before).toEqual({ name: "Pat", emails: [first] });
      expect(event.after).toEqual({ name: "Pat Lee", emails: [second] });
    });

    it("pages through contacts newest first without gaps", async () => {
      const a = await createAccount(t.ctx);
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await post(a, { name: `C${i}` })).body.id);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/contacts?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
        const page = await call<Page<Contact>>(t.app, { method: "GET", url, headers: a.headers });
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((c) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
    });
  });
});

describe("contact identifier normalisation", () => {
  it("folds emails and phones", () => {
    expect(normalizeContactEmail("  Ali@Example.COM ")).toBe("ali@example.com");
    expect(normalizePhone("+966 50-123.4567")).toBe("+966501234567");
    expect(normalizePhone("٠٥٠١٢٣٤٥٦٧")).toBe("0501234567");
    expect(normalizePhone("۰۰۹۷۱ ۵۰ ۱۲۳ ۴۵۶۷")).toBe("+971501234567");
    expect(() => normalizePhone("+1234567890123456")).toThrow();
    expect(() => normalizeContactEmail("a@b")).toThrow();
    expect(() => normalizeContactEmail("a b@c.de")).toThrow();
  });
});
