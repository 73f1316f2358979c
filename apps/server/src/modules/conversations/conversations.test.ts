import type { AuditEvent, ConversationDetail, Notification, Page } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
  unique,
} from "../../test/harness";
import { type ErrorBody, insertTeam, openConversation } from "./conversations.fixtures";

describe(`conversations (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const conv = (path = "") => `/api/v1/conversations${path}`;

  describe("unhappy paths", () => {
    it("refuses every route without credentials (401)", async () => {
      const routes = [
        ["GET", conv()],
        ["GET", conv("/counts")],
        ["POST", conv()],
        ["POST", conv("/bulk")],
        ["GET", conv("/1")],
        ["PATCH", conv("/1")],
        ["POST", conv("/1/assign")],
        ["GET", conv("/1/messages")],
        ["POST", conv("/1/messages")],
        ["GET", conv("/1/events")],
      ] as const;
      for (const [method, url] of routes) {
        const res = await call<ErrorBody>(t.app, { method, url, payload: method === "GET" ? undefined : {} });
        expect(res.status, `${method} ${url}`).toBe(401);
        expect(res.body.error.code).toBe("unauthorized");
      }
    });

    it("lets only supervisors and above close or reopen a closed conversation (403)", async () => {
      const owner = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, owner.accountId, "agent");
      const supervisor = await createUser(t.ctx, owner.accountId, "supervisor");
      const c = await openConversation(t, agent);
      const patch = (user: typeof agent, status: string) =>
        call<ConversationDetail & ErrorBody>(t.app, {
          method: "PATCH",
          url: conv(`/${c.id}`),
          headers: user.headers,
          payload: { status },
        });
      const refused = await patch(agent, "closed");
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({ code: "forbidden", message: "You are not allowed to do this." });
      expect((await patch(agent, "solved")).status).toBe(200);
      expect((await patch(supervisor, "closed")).status).toBe(200);
      expect((await patch(agent, "open")).status).toBe(403);
      const bulk = await call<ErrorBody>(t.app, {
        method: "POST",
        url: conv("/bulk"),
        headers: agent.headers,
        payload: { ids: [c.id], status: "open" },
      });
      expect(bulk.status).toBe(403);
      expect((await patch(owner, "open")).body.status).toBe("open");
    });

    it("hides another account's conversation (404)", async () => {
      const a = await createAccount(t.ctx);
      const b = await createAccount(t.ctx);
      const c = await openConversation(t, a);
      const routes = [
        ["GET", conv(`/${c.id}`), undefined],
        ["PATCH", conv(`/${c.id}`), { priority: "high" }],
        ["POST", conv(`/${c.id}/assign`), { assigneeId: null }],
        ["GET", conv(`/${c.id}/messages`), undefined],
        ["POST", conv(`/${c.id}/messages`), { body: "hello", kind: "reply" }],
        ["GET", conv(`/${c.id}/events`), undefined],
      ] as const;
      for (const [method, url, payload] of routes) {
        const res = await call<ErrorBody>(t.app, { method, url, headers: b.headers, payload });
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.body.error).toEqual({ code: "not_found", message: "The conversation was not found." });
      }
      const bulk = await call<{ updated: number }>(t.app, {
        method: "POST",
        url: conv("/bulk"),
        headers: b.headers,
        payload: { ids: [c.id], status: "solved" },
      });
      expect(bulk.body).toEqual({ updated: 0 });
      const list = await call<Page<unknown>>(t.app, { method: "GET", url: conv(), headers: b.headers });
      expect(list.body.items).toEqual([]);
      const still = await call<ConversationDetail>(t.app, {
        method: "GET",
        url: conv(`/${c.id}`),
        headers: a.headers,
      });
      expect(still.body.status).toBe("new");
      expect(still.body.priority).toBe("normal");
    });

    it("answers 400 with a message for malformed JSON, wrong types, unknown fields and long fields", async () => {
      const a = await createAccount(t.ctx);
      const json = await call<ErrorBody>(t.app, {
        method: "POST",
        url: conv(),
        headers: { ...a.headers, "content-type": "application/json" },
        payload: "{not json",
      });
      expect(json.status).toBe(400);
      expect(json.body.error).toEqual({
        code: "invalid_json",
        message: "The request body is not valid JSON.",
      });
      const emptyBody = await call<ErrorBody>(t.app, {
        method: "POST",
        url: conv(),
        headers: { ...a.headers, "content-type": "application/json" },
        payload: "",
      });
      expect(emptyBody.status).toBe(400);
      expect(emptyBody.body.error.code).toBe("invalid_json");

      const good = { subject: "Hi", contact: { name: "N", email: "n@example.test" }, body: "Hello" };
      const cases: [unknown, string][] = [
        [{}, "subject is required"],
        [{ ...good, subject: 42 }, "subject must be string"],
        [{ ...good, subject: "" }, "subject must be at least 1 characters"],
        [{ ...good, subject: "x".repeat(501) }, "subject must be at most 500 characters"],
        [{ ...good, body: "x".repeat(50_001) }, "body must be at most 50000 characters"],
        [{ ...good, body: "   " }, "body has an invalid format"],
        [{ ...good, extra: true }, "extra is not an accepted field"],
        [{ ...good, contact: { name: "N" } }, "contact needs an email or a phone"],
        [
          { ...good, contact: { name: "N", email: "n@example.test", vip: true } },
          "contact.vip is not an accepted field",
        ],
        [{ ...good, contact: { name: "N", email: "bad" } }, "an email address is not valid"],
        [{ ...good, priority: "asap" }, "priority must be one of: low, normal, high, urgent"],
        [{ ...good, channel: "email" }, "channel must be one of: web, api"],
        [{ ...good, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags must have at most 20 items"],
        [{ ...good, tags: ["x".repeat(51)] }, "tags.0 must be at most 50 characters"],
        [{ ...good, tags: ["  "] }, "a tag must have 1 to 50 characters"],
      ];
      for (const [payload, message] of cases) {
        const res = await call<ErrorBody>(t.app, {
          method: "POST",
          url: conv(),
          headers: a.headers,
          payload: payload as object,
        });
        expect(res.status, JSON.stringify(payload).slice(0, 100)).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
      const c = await openConversation(t, a);
      const patchCases: [unknown, string][] = [
        [{}, "give at least one field to change"],
        [{ status: "done" }, "status must be one of"],
        [{ assigneeId: "5" }, "assigneeId must be integer,null"],
        [{ assigneeId: 0 }, "assigneeId must be at least 1"],
        [{ assigneeId: 999_999_999 }, "assigneeId is not an active user of this account"],
        [{ teamId: 999_999_999 }, "teamId is not a team of this account"],
        [{ reason: "x".repeat(501) }, "reason must be at most 500 characters"],
      ];
      for (const [payload, message] of patchCases) {
        const res = await call<ErrorBody>(t.app, {
          method: "PATCH",
          url: conv(`/${c.id}`),
          headers: a.headers,
          payload: payload as object,
        });
        expect(res.status, JSON.stringify(payload)).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
    });

    it("refuses invalid ids, filters and cursors (400)", async () => {
      const a = await createAccount(t.ctx);
      for (const url of [
        conv("/abc"),
        conv("/-1"),
        conv("/0"),
        conv("/1.5"),
        conv("/99999999999999999999"),
      ]) {
        const res = await call<ErrorBody>(t.app, { method: "GET", url, headers: a.headers });
        expect(res.status, url).toBe(400);
        expect(res.body.error.code).toBe("validation_failed");
      }
      const queries: [string, string][] = [
        ["view=everything", "view must be one of: mine, unassigned, all"],
        ["status=lost", "status must be one of"],
        ["assigneeId=abc", "assigneeId must be integer"],
        ["limit=0", "limit must be at least 1"],
        ["limit=101", "limit must be at most 100"],
        ["colour=red", "colour is not an accepted field"],
        ["cursor=%%%", "The pagination cursor is not valid."],
        ["cursor=WzEsMl0", "The pagination cursor is not valid."],
      ];
      for (const [query, message] of queries) {
        const res = await call<ErrorBody>(t.app, {
          method: "GET",
          url: conv(`?${query}`),
          headers: a.headers,
        });
        expect(res.status, query).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
      const ar = await call<ErrorBody>(t.app, {
        method: "GET",
        url: conv("?cursor=abc"),
        headers: { ...a.headers, "accept-language": "ar" },
      });
      expect(ar.body.error.message).toBe("مؤشر الصفحات غير صالح.");
    });

    it("refuses an assignee who is disabled or in another account", async () => {
      const a = await createAccount(t.ctx);
      const b = await createAccount(t.ctx);
      const disabled = await createUser(t.ctx, a.accountId, "agent");
      await t.ctx.db
        .updateTable("users")
        .set({ disabled_at: new Date() })
        .where("account_id", "=", a.accountId)
        .where("id", "=", disabled.userId)
        .execute();
      const c = await openConversation(t, a);
      for (const assigneeId of [disabled.userId, b.userId]) {
        const res = await call<ErrorBody>(t.app, {
          method: "POST",
          url: conv(`/${c.id}/assign`),
          headers: a.headers,
          payload: { assigneeId },
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain("assigneeId is not an active user of this account");
      }
    });
  });

  describe("success", () => {
    it("opens a conversation with a new contact, numbered per account", async () => {
      const a = await createAccount(t.ctx);
      const b = await createAccount(t.ctx);
      const email = `${unique("new")}@Example.test`;
      const first = await openConversation(t, a, {
        subject: "  Where is my parcel? ",
        contact: { name: "Lina", email: ` ${email} `, phone: "+962 79 000 1111" },
        body: "Hello,\n  it has been   a week.",
        tags: ["Shipping", " shipping ", "VIP  Customer", "شحن"],
        priority: "high",
        type: "complaint",
        channel: "web",
      });
      expect(first).toMatchObject({
        number: 1,
        subject: "Where is my parcel?",
        status: "new",
        priority: "high",
        type: "complaint",
        channel: "web",
        language: "en",
        assigneeId: null,
        teamId: null,
        tags: ["shipping", "vip customer", "شحن"],
        preview: "Hello, it has been a week.",
        contact: { id: first.contactDetail.id, name: "Lina" },
        contactDetail: {
          name: "Lina",
          emails: [email.toLowerCase()],
          phones: ["+962790001111"],
          language: "en",
        },
      });
      // The new contact as the creation answered it is the contact as stored.
      const stored = await call(t.app, {
        method: "GET",
        url: `/api/v1/contacts/${first.contactDetail.id}`,
        headers: a.headers,
      });
      expect(stored.body).toEqual(first.contactDetail);
      const second = await openConversation(t, a);
      expect(second.number).toBe(2);
      expect(second.channel).toBe("api");
      expect((await openConversation(t, b)).number).toBe(1);

      const messages = await call<Page<{ kind: string; authorName: string; authorContactId: number }>>(
        t.app,
        {
          method: "GET",
          url: conv(`/${first.id}/messages`),
          headers: a.headers,
        },
      );
      expect(messages.body.items).toEqual([
        expect.objectContaining({
          kind: "inbound",
          authorName: "Lina",
          authorContactId: first.contactDetail.id,
        }),
      ]);
      const types = await t.ctx.db
        .selectFrom("events")
        .select("type")
        .where("account_id", "=", a.accountId)
        .where("type", "in", ["conversation.created", "contact.created", "message.created"])
        .orderBy("id")
        .execute();
      expect(types.map((e) => e.type)).toEqual([
        "contact.created",
        "conversation.created",
        "message.created",
        "contact.created",
        "conversation.created",
        "message.created",
      ]);
      const contactCreated = await t.ctx.db
        .selectFrom("events")
        .select(["subject_id", "after"])
        .where("account_id", "=", a.accountId)
        .where("type", "=", "contact.created")
        .orderBy("id")
        .executeTakeFirstOrThrow();
      expect(contactCreated).toEqual({
        subject_id: first.contactDetail.id,
        after: { name: "Lina", emails: [email.toLowerCase()], phones: ["+962790001111"], language: "en" },
      });
    });

    it("reuses the contact that owns the email or the phone", async () => {
      const a = await createAccount(t.ctx);
      const email = `${unique("same")}@example.test`;
      const first = await openConversation(t, a, { contact: { name: "Omar", email, phone: "0501234567" } });
      const byEmail = await openConversation(t, a, {
        contact: { name: "Someone else", email: email.toUpperCase() },
      });
      const byPhone = await openConversation(t, a, {
        contact: { name: "Omar again", phone: "٠٥٠ ١٢٣ ٤٥٦٧" },
      });
      expect(byEmail.contactDetail.id).toBe(first.contactDetail.id);
      expect(byPhone.contactDetail.id).toBe(first.contactDetail.id);
      expect(byPhone.contact.name).toBe("Omar");
      const contacts = await t.ctx.db
        .selectFrom("contacts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", a.accountId)
        .executeTakeFirstOrThrow();
      expect(Number(contacts.n)).toBe(1);
      const list = await call<Page<{ id: number }>>(t.app, {
        method: "GET",
        url: `/api/v1/contacts/${first.contactDetail.id}/conversations`,
        headers: a.headers,
      });
      expect(list.body.items.map((c) => c.id)).toEqual([byPhone.id, byEmail.id, first.id]);
    });

    it("follows a customer's email to whichever contact holds it now", async () => {
      const a = await createAccount(t.ctx);
      const first = `${unique("moved")}@example.test`;
      const second = `${unique("kept")}@example.test`;
      const before = await openConversation(t, a, { contact: { name: "Huda", email: first } });
      const again = await openConversation(t, a, { contact: { name: "Huda", email: first } });
      expect(again.contactDetail.id).toBe(before.contactDetail.id);
      // The contact gives up that address: the next conversation from it gets a contact of its own.
      const patched = await call(t.app, {
        method: "PATCH",
        url: `/api/v1/contacts/${before.contactDetail.id}`,
        headers: a.headers,
        payload: { emails: [second] },
      });
      expect(patched.status).toBe(200);
      const after = await openConversation(t, a, { contact: { name: "Someone new", email: first } });
      expect(after.contactDetail.id).not.toBe(before.contactDetail.id);
      expect(after.contactDetail).toMatchObject({ name: "Someone new", emails: [first] });
      const byNew = await openConversation(t, a, { contact: { name: "Huda", email: second } });
      expect(byNew.contactDetail.id).toBe(before.contactDetail.id);
    });

    it("numbers concurrent creations distinctly and shares one new contact between them", async () => {
      const a = await createAccount(t.ctx);
      const email = `${unique("race")}@example.test`;
      const made = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call<ConversationDetail>(t.app, {
            method: "POST",
            url: conv(),
            headers: a.headers,
            payload: { subject: `Race ${i}`, contact: { name: "Racer", email }, body: "same customer" },
          }),
        ),
      );
      expect(made.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(made.map((r) => r.body.number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(made.map((r) => r.body.contactDetail.id)).size).toBe(1);
      const contacts = await t.ctx.db
        .selectFrom("contacts")
        .select("id")
        .where("account_id", "=", a.accountId)
        .execute();
      expect(contacts).toHaveLength(1);
      const created = await t.ctx.db
        .selectFrom("events")
        .select("subject_id")
        .where("account_id", "=", a.accountId)
        .where("type", "=", "contact.created")
        .execute();
      expect(created).toEqual([{ subject_id: contacts[0]?.id }]);
    });

    it("detects Arabic unless a language is given", async () => {
      const a = await createAccount(t.ctx);
      const ar = await openConversation(t, a, { subject: "طلب استرجاع", body: "أريد إرجاع المنتج" });
      expect(ar.language).toBe("ar");
      expect(ar.contactDetail.language).toBe("ar");
      const mixed = await openConversation(t, a, { subject: "Refund", body: "شكرا" });
      expect(mixed.language).toBe("ar");
      const given = await openConversation(t, a, { subject: "طلب", body: "مرحبا", language: "en" });
      expect(given.language).toBe("en");
    });

    it("changes fields with one event holding before and after, and sets solvedAt", async () => {
      const a = await createAccount(t.ctx);
      const team = await insertTeam(t, a.accountId);
      const c = await openConversation(t, a, { tags: ["a"] });
      const res = await call<ConversationDetail>(t.app, {
        method: "PATCH",
        url: conv(`/${c.id}`),
        headers: a.headers,
        payload: {
          status: "solved",
          priority: "urgent",
          tags: ["B", "a"],
          teamId: team,
          subject: "New subject",
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: "solved",
        priority: "urgent",
        tags: ["b", "a"],
        teamId: team,
        subject: "New subject",
      });
      const row = await t.ctx.db
        .selectFrom("conversations")
        .select(["solved_at", "search_text"])
        .where("account_id", "=", a.accountId)
        .where("id", "=", c.id)
        .executeTakeFirstOrThrow();
      expect(row.solved_at).toBeInstanceOf(Date);
      expect(row.search_text).toBe("new subject");
      const reopened = await call<ConversationDetail>(t.app, {
        method: "PATCH",
        url: conv(`/${c.id}`),
        headers: a.headers,
        payload: { status: "open", priority: "urgent" },
      });
      expect(reopened.body.status).toBe("open");
      const after = await t.ctx.db
        .selectFrom("conversations")
        .select("solved_at")
        .where("account_id", "=", a.accountId)
        .where("id", "=", c.id)
        .executeTakeFirstOrThrow();
      expect(after.solved_at).toBeNull();

      const events = await call<{ items: AuditEvent[] }>(t.app, {
        method: "GET",
        url: conv(`/${c.id}/events`),
        headers: a.headers,
      });
      expect(events.body.items.map((e) => e.type)).toEqual([
        "conversation.created",
        "conversation.updated",
        "conversation.updated",
      ]);
      expect(events.body.items[1]).toMatchObject({
        actorUserId: a.userId,
        actorName: "Owner Person",
        subjectType: "conversation",
        subjectId: c.id,
        before: {
          status: "new",
          priority: "normal",
          tags: ["a"],
          teamId: null,
          subject: "Order has not arrived",
        },
        after: {
          status: "solved",
          priority: "urgent",
          tags: ["b", "a"],
          teamId: team,
          subject: "New subject",
        },
      });
      // Only the status changed the second time.
      expect(events.body.items[2]?.after).toEqual({ status: "open" });
    });

    it("assigns with a reason, records it and notifies the new assignee", async () => {
      const a = await createAccount(t.ctx);
      const agent = await createUser(t.ctx, a.accountId, "agent", { name: "Huda" });
      const other = await createUser(t.ctx, a.accountId, "agent");
      const team = await insertTeam(t, a.accountId);
      const c = await openConversation(t, a);
      const res = await call<ConversationDetail>(t.app, {
        method: "POST",
        url: conv(`/${c.id}/assign`),
        headers: other.headers,
        payload: { assigneeId: agent.userId, teamId: team, reason: "Speaks Arabic" },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assigneeId: agent.userId, teamId: team });
      const events = await call<{ items: AuditEvent[] }>(t.app, {
        method: "GET",
        url: conv(`/${c.id}/events`),
        headers: agent.headers,
      });
      const assigned = events.body.items.find((e) => e.type === "conversation.assigned");
      expect(assigned).toMatchObject({
        actorUserId: other.userId,
        before: { assigneeId: null, teamId: null },
        after: { assigneeId: agent.userId, teamId: team, reason: "Speaks Arabic" },
      });
      const notes = await call<Page<Notification>>(t.app, {
        method: "GET",
        url: "/api/v1/notifications",
        headers: agent.headers,
      });
      expect(notes.body.items).toEqual([
        expect.objectContaining({
          kind: "assigned",
          conversationId: c.id,
          conversationNumber: c.number,
          readAt: null,
        }),
      ]);
      // Taking it yourself notifies nobody; assigning the same agent again changes nothing.
      await call(t.app, {
        method: "POST",
        url: conv(`/${c.id}/assign`),
        headers: other.headers,
        payload: { assigneeId: other.userId },
      });
      const again = await call(t.app, {
        method: "POST",
        url: conv(`/${c.id}/assign`),
        headers: other.headers,
        payload: { assigneeId: other.userId, reason: "still me" },
      });
      expect(again.status).toBe(200);
      const mine = await call<Page<Notification>>(t.app, {
        method: "GET",
        url: "/api/v1/notifications",
        headers: other.headers,
      });
      expect(mine.body.items).toEqual([]);
      const all = await call<{ items: AuditEvent[] }>(t.app, {
        method: "GET",
        url: conv(`/${c.id}/events`),
        headers: a.headers,
      });
      expect(all.body.items.filter((e) => e.type === "conversation.assigned")).toHaveLength(2);
      // Unassigning through PATCH is an assignment too.
      const unassigned = await call<ConversationDetail>(t.app, {
        method: "PATCH",
        url: conv(`/${c.id}`),
        headers: a.headers,
        payload: { assigneeId: null, reason: "Back to the queue" },
      });
      expect(unassigned.body.assigneeId).toBeNull();
      const last = await call<{ items: AuditEvent[] }>(t.app, {
        method: "GET",
        url: conv(`/${c.id}/events`),
        headers: a.headers,
      });
      expect(last.body.items.at(-1)).toMatchObject({
        type: "conversation.assigned",
        before: { assigneeId: other.userId },
        after: { assigneeId: null, reason: "Back to the queue" },
      });
    });

    it("makes POST /conversations idempotent with an Idempotency-Key", async () => {
      const a = await createAccount(t.ctx);
      const key = unique("key");
      const payload = {
        subject: "Once",
        contact: { name: "K", email: `${unique("k")}@example.test` },
        body: "only once",
      };
      const first = await call<ConversationDetail>(t.app, {
        method: "POST",
        url: conv(),
        headers: { ...a.headers, "idempotency-key": key },
        payload,
      });
      const second = await call<ConversationDetail>(t.app, {
        method: "POST",
        url: conv(),
        headers: { ...a.headers, "idempotency-key": key },
        payload,
      });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers["idempotent-replayed"]).toBe("true");
      expect(second.body.id).toBe(first.body.id);
      const count = await t.ctx.db
        .selectFrom("conversations")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", a.accountId)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
      const other = await call<ErrorBody>(t.app, {
        method: "POST",
        url: conv(),
        headers: { ...a.headers, "idempotency-key": key },
        payload: { ...payload, body: "something else" },
      });
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe("idempotency_conflict");
    });
  });
});
