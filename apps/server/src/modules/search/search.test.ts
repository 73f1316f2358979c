import type { Contact, ConversationDetail, SearchResults } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
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

interface SeedMessage {
  body: string;
  kind: "reply" | "note";
}

describe(`search (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-03-01T09:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  /** Opens a conversation through the API, with its first message, then posts the others. */
  async function seedConversation(
    user: TestUser,
    input: {
      subject: string;
      body?: string;
      contact?: { name: string; email?: string; phone?: string };
      messages?: SeedMessage[];
    },
  ): Promise<{ conversationId: number; contactId: number }> {
    const opened = await call<ConversationDetail>(t.app, {
      method: "POST",
      url: "/api/v1/conversations",
      headers: user.headers,
      payload: {
        subject: input.subject,
        contact: input.contact ?? { name: "Customer", email: `${unique("c")}@example.test` },
        body: input.body ?? "Hello",
      },
    });
    if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
    for (const m of input.messages ?? []) {
      const posted = await call(t.app, {
        method: "POST",
        url: `/api/v1/conversations/${opened.body.id}/messages`,
        headers: user.headers,
        payload: m,
      });
      if (posted.status !== 201) throw new Error(`post: ${posted.status} ${JSON.stringify(posted.body)}`);
    }
    return { conversationId: opened.body.id, contactId: opened.body.contact.id };
  }

  /** Creates a contact through the API. */
  async function seedContact(
    user: TestUser,
    input: { name: string; emails?: string[]; phones?: string[]; company?: string },
  ): Promise<Contact> {
    const res = await call<Contact>(t.app, {
      method: "POST",
      url: "/api/v1/contacts",
      headers: user.headers,
      payload: input,
    });
    if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function find(user: TestUser, q: string, extra = "") {
    return call<SearchResults>(t.app, {
      method: "GET",
      url: `/api/v1/search?q=${encodeURIComponent(q)}${extra}`,
      headers: user.headers,
    });
  }
  const ids = (res: { body: SearchResults }) => res.body.conversations.map((c) => c.id).sort((a, b) => a - b);

  it("refuses a search without credentials (401)", async () => {
    const res = await call(t.app, { method: "GET", url: "/api/v1/search?q=refund" });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("refuses an empty, missing, blank or too long q with a translated 400", async () => {
    const owner = await createAccount(t.ctx);
    const empty = await find(owner, "");
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({
      error: { code: "validation_failed", message: expect.stringContaining("q must be at least 1") },
    });
    const missing = await call(t.app, { method: "GET", url: "/api/v1/search", headers: owner.headers });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { message: expect.stringContaining("q is required") } });
    const blank = await find(owner, "  \t ");
    expect(blank.status).toBe(400);
    expect(blank.body).toMatchObject({
      error: { code: "validation_failed", message: expect.stringContaining("other than spaces") },
    });
    const long = await find(owner, "ا".repeat(201));
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: { message: expect.stringContaining("at most 200") } });
    const arabic = await call(t.app, {
      method: "GET",
      url: `/api/v1/search?q=${encodeURIComponent("   ")}`,
      headers: { ...owner.headers, "accept-language": "ar" },
    });
    expect(arabic.status).toBe(400);
    expect(arabic.body).toMatchObject({ error: { message: expect.stringContaining("نص البحث") } });
    expect((await find(owner, "ا".repeat(200))).status).toBe(200);
  });

  it("refuses an unknown type, a limit out of range and unknown parameters (400)", async () => {
    const owner = await createAccount(t.ctx);
    expect((await find(owner, "x", "&type=tickets")).status).toBe(400);
    expect((await find(owner, "x", "&limit=0")).status).toBe(400);
    expect((await find(owner, "x", "&limit=51")).status).toBe(400);
    expect((await find(owner, "x", "&limit=two")).status).toBe(400);
    expect((await find(owner, "x", "&sort=new")).status).toBe(400);
  });

  it("finds «استرجاع» and «بالاسترجاع» when searching «الاسترجاع», and back", async () => {
    const owner = await createAccount(t.ctx);
    const plain = await seedConversation(owner, { subject: "طلب", body: "أريد استرجاع المبلغ" });
    const prefixed = await seedConversation(owner, {
      subject: "مشكلة في الطلب",
      body: "مرحبا",
      messages: [{ body: "قمت بالاسترجاع أمس ولم يصلني شيء", kind: "reply" }],
    });
    const withArticle = await seedConversation(owner, { subject: "سياسة الاسترجاع", body: "سؤال" });
    await seedConversation(owner, { subject: "سؤال عن التوصيل", body: "متى يصل؟" });

    const res = await find(owner, "الاسترجاع");
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(
      [plain.conversationId, prefixed.conversationId, withArticle.conversationId].sort((a, b) => a - b),
    );
    expect(ids(await find(owner, "استرجاع"))).toEqual(ids(res));
    expect(ids(await find(owner, "وبالاسترجاع"))).toEqual(ids(res));
    const hit = res.body.conversations.find((c) => c.id === prefixed.conversationId);
    expect(hit?.highlight).toBe("قمت بالاسترجاع أمس ولم يصلني شيء");
  });

  it("finds «إعادة» when searching «اعاده», with the original text in the highlight", async () => {
    const owner = await createAccount(t.ctx);
    const { conversationId } = await seedConversation(owner, {
      subject: "المنتج",
      body: "أرجو إعادةَ المنتج التالف",
    });
    const res = await find(owner, "اعاده");
    expect(ids(res)).toEqual([conversationId]);
    expect(res.body.conversations[0]?.highlight).toBe("أرجو إعادةَ المنتج التالف");
    expect(ids(await find(owner, "الإعادة"))).toEqual([conversationId]);
  });

  it('finds "refund" when searching "refunds", and "refunds" when searching "refund"', async () => {
    const owner = await createAccount(t.ctx);
    const one = await seedConversation(owner, {
      subject: "Broken kettle",
      body: "I would like a refund, please.",
    });
    const many = await seedConversation(owner, {
      subject: "Several REFUNDS pending",
      body: "Nothing arrived.",
    });
    await seedConversation(owner, { subject: "Delivery", body: "Where is my fund?" });
    const res = await find(owner, "refunds");
    expect(ids(res)).toEqual([one.conversationId, many.conversationId].sort((a, b) => a - b));
    expect(res.body.conversations.find((c) => c.id === one.conversationId)?.highlight).toBe(
      "I would like a refund, please.",
    );
    expect(res.body.conversations.find((c) => c.id === many.conversationId)?.highlight).toBe(
      "Several REFUNDS pending",
    );
    expect(ids(await find(owner, "Refund"))).toEqual(ids(res));
  });

  it('finds "123" when searching «١٢٣» and the other way round', async () => {
    const owner = await createAccount(t.ctx);
    const latin = await seedConversation(owner, { subject: "Order 123", body: "My order number is 123" });
    const arabic = await seedConversation(owner, { subject: "طلب", body: "رقم الطلب ١٢٣ لو سمحت" });
    await seedConversation(owner, { subject: "Order 456", body: "Another order" });
    const both = [latin.conversationId, arabic.conversationId].sort((a, b) => a - b);
    expect(ids(await find(owner, "١٢٣"))).toEqual(both);
    expect(ids(await find(owner, "123"))).toEqual(both);
  });

  it("finds a word from a part of it, Arabic or English", async () => {
    const owner = await createAccount(t.ctx);
    const fridge = await seedConversation(owner, {
      subject: "Appliance",
      body: "The refrigerator stopped cooling",
    });
    const arabic = await seedConversation(owner, { subject: "جهاز", body: "الثلاجة لا تعمل منذ أسبوع" });
    const returns = await seedConversation(owner, { subject: "سياسة الاسترجاع", body: "سؤال" });
    expect(ids(await find(owner, "frigera"))).toEqual([fridge.conversationId]);
    expect(ids(await find(owner, "refrig"))).toEqual([fridge.conversationId]);
    expect(ids(await find(owner, "ثلاج"))).toEqual([arabic.conversationId]);
    expect(ids(await find(owner, "لاجة"))).toEqual([arabic.conversationId]);
    // The start of a word with a clitic the stored word does not have.
    expect(ids(await find(owner, "بالاستر"))).toEqual([returns.conversationId]);
  });

  it("lists whole-word matches before partial ones", async () => {
    const owner = await createAccount(t.ctx);
    const partial = await seedConversation(owner, { subject: "Border crossing", body: "Customs held it" });
    clock.advance(60_000);
    const whole = await seedConversation(owner, { subject: "Old question", body: "Where is my order?" });
    clock.advance(60_000);
    const newer = await seedConversation(owner, { subject: "Recorder", body: "It records nothing" });
    const res = await find(owner, "order");
    expect(res.body.conversations.map((c) => c.id)).toEqual([
      whole.conversationId,
      newer.conversationId,
      partial.conversationId,
    ]);
  });

  it("searches internal notes too, returning each conversation once", async () => {
    const owner = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const { conversationId } = await seedConversation(owner, {
      subject: "Invoice question",
      body: "Where is my invoice?",
      messages: [
        { body: "Customer is a VIP; escalate to billing", kind: "note" },
        { body: "Billing will reply today", kind: "reply" },
        { body: "billing confirmed the escalation", kind: "note" },
      ],
    });
    const res = await find(agent, "escalate billing");
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([conversationId]);
    expect(res.body.conversations[0]?.highlight).toMatch(/escalat/i);
    expect(res.body.conversations[0]).toMatchObject({
      id: conversationId,
      subject: "Invoice question",
      contact: { name: "Customer" },
      status: expect.any(String),
      tags: [],
    });
    const onlyNote = await find(agent, "VIP");
    expect(onlyNote.body.conversations[0]?.highlight).toBe("Customer is a VIP; escalate to billing");
  });

  it("never returns another account's conversations or contacts", async () => {
    const mine = await createAccount(t.ctx);
    const theirs = await createAccount(t.ctx);
    const word = `zephyr${Date.now().toString(36)}`;
    const own = await seedConversation(mine, {
      subject: `About ${word}`,
      body: "Hello",
      contact: { name: `Nadia ${word}`, email: `${unique("n")}@example.test` },
    });
    await seedConversation(theirs, {
      subject: `Also ${word}`,
      body: `${word} here`,
      contact: { name: `Omar ${word}`, email: `${unique("o")}@example.test` },
      messages: [{ body: `${word} again`, kind: "note" }],
    });
    const res = await find(mine, word);
    expect(ids(res)).toEqual([own.conversationId]);
    expect(res.body.contacts.map((c) => c.id)).toEqual([own.contactId]);
    const partial = await find(mine, word.slice(2, 9));
    expect(ids(partial)).toEqual([own.conversationId]);
    expect(partial.body.contacts.map((c) => c.id)).toEqual([own.contactId]);
  });

  it("finds contacts by folded name, part of an email, phone digits and company", async () => {
    const owner = await createAccount(t.ctx);
    const email = `${unique("sara.k")}@mail-example.test`;
    const contact = await seedContact(owner, {
      name: "سارة أحمد",
      emails: [email],
      phones: ["+966 50 123 4567"],
      company: "Nakheel Trading",
    });
    for (const q of [
      "ساره احمد",
      "أحمد",
      email.slice(0, 10),
      "mail-example",
      "0501234567",
      "50 123 4567",
      "nakheel",
    ]) {
      const res = await find(owner, q, "&type=contacts");
      expect(res.status, q).toBe(200);
      expect(
        res.body.contacts.map((c) => c.id),
        q,
      ).toEqual([contact.id]);
      expect(res.body.conversations).toEqual([]);
    }
    const res = await find(owner, "سارة");
    expect(res.body.contacts).toEqual([contact]);
    const conversationsOnly = await find(owner, "سارة", "&type=conversations");
    expect(conversationsOnly.body.contacts).toEqual([]);
  });

  it("ranks a closer match first and honours the limit", async () => {
    const owner = await createAccount(t.ctx);
    const filler = "We looked at many things in this long message about the order and the shipment. ";
    const weak = await seedConversation(owner, {
      subject: "Shipment",
      body: `${filler.repeat(10)} Maybe a warranty applies.`,
    });
    const strong = await seedConversation(owner, {
      subject: "Warranty claim",
      body: "Is the warranty still valid?",
    });
    const res = await find(owner, "warranty");
    expect(res.body.conversations.map((c) => c.id)).toEqual([strong.conversationId, weak.conversationId]);
    const limited = await find(owner, "warranty", "&limit=1");
    expect(limited.body.conversations.map((c) => c.id)).toEqual([strong.conversationId]);
  });

  it("treats tsquery operators and LIKE wildcards in q as plain text", async () => {
    const owner = await createAccount(t.ctx);
    const { conversationId } = await seedConversation(owner, {
      subject: "Discount of 50% on item_7",
      body: "Hello",
    });
    for (const q of ["'&|!():*\\ <-> foo", "' OR 1=1 --", "a:* & !b", "%", "___", "\\", "😀🎉", "«»؟،"]) {
      const res = await find(owner, q);
      expect(res.status, q).toBe(200);
      expect(res.body.conversations, q).toEqual([]);
    }
    expect(ids(await find(owner, "50%"))).toEqual([conversationId]);
    expect(ids(await find(owner, "item_7"))).toEqual([conversationId]);
  });

  it("is described in the OpenAPI document", async () => {
    const res = await call<{ paths: Record<string, unknown> }>(t.app, {
      method: "GET",
      url: "/api/v1/openapi.json",
    });
    expect(res.body.paths).toHaveProperty("/api/v1/search");
  });
});
