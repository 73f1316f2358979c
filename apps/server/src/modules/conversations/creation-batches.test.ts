import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchDocument } from "../../platform/text";
import { createAccount, createTestApp, type TestApp, testDatabase, unique } from "../../test/harness";
import { newContact } from "../contacts/contacts.service";
import { openConversation } from "./conversations.fixtures";
import {
  insertConversationsWithMessages,
  insertConversationWithMessage,
  type NewConversation,
  type StoredConversation,
} from "./conversations.repo";
import { CreationBatches } from "./creation-batches";

describe(`creation batches (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const at = new Date("2026-03-01T10:00:00.123Z");

  /** A conversation of `who`, created with its customer when `create` is set. */
  function conversation(
    number: number,
    who: { name: string; email?: string; phone?: string },
    create: boolean,
    actor: { userId: number | null; tokenId: number | null },
  ): NewConversation {
    const identity = { email: who.email ?? null, phone: who.phone ?? null };
    const subject = `طلب رقم ${number}`;
    const body = `Body of ${number}: أريد استرجاع المبلغ`;
    const values = {
      number,
      subject,
      priority: number % 2 ? "high" : "normal",
      type: number % 2 ? "return" : null,
      channel: "api",
      language: "ar",
      tags: number % 2 ? ["refund", "vip"] : [],
    };
    return {
      ...values,
      contact: create ? { ...identity, orCreate: newContact(who, identity, "ar", at) } : identity,
      preview: body,
      search: searchDocument(subject),
      at,
      message: { kind: "inbound", body, authorUserId: null, search: searchDocument(body) },
      actor,
      createdAfter: { ...values, status: "new" },
    };
  }

  /**
   * Everything an account holds about its conversations, with ids replaced by
   * what they stand for (numbers and names), so two accounts can be compared.
   */
  async function dump(accountId: number) {
    const q = <T>(query: ReturnType<typeof sql<T>>) => query.execute(t.ctx.db).then((r) => r.rows);
    const conversations = await q(sql`
      select c.number, c.subject, c.status, c.priority, c.type, c.channel, c.language, k.name as contact,
             c.tags, c.preview, c.message_count, c.last_seq, c.last_message_at = ${at} as last_at_given,
             c.search_text, c.search_tsv::text as tsv, c.created_at = ${at} as created_at_given,
             c.updated_at = ${at} as updated_at_given, c.assignee_id, c.team_id
        from conversations c join contacts k on k.account_id = c.account_id and k.id = c.contact_id
       where c.account_id = ${accountId} order by c.number`);
    const messages = await q(sql`
      select c.number, m.kind, m.body, m.author_user_id, k.name as author, m.mentions, m.search_text,
             m.search_tsv::text as tsv, m.created_at = ${at} as created_at_given, m.seq
        from messages m join conversations c on c.account_id = m.account_id and c.id = m.conversation_id
        join contacts k on k.account_id = m.account_id and k.id = m.author_contact_id
       where m.account_id = ${accountId} order by c.number`);
    const contacts = await q(sql`
      select k.name, k.language, k.company, k.attributes, k.search_text, k.search_tsv::text as tsv,
             k.created_at = ${at} as created_at_given, k.updated_at = ${at} as updated_at_given,
             (select json_agg(json_build_array(i.kind, i.value, i.position) order by i.kind)
                from contact_identifiers i where i.account_id = k.account_id and i.contact_id = k.id) as identifiers
        from contacts k where k.account_id = ${accountId} order by k.name`);
    // Each event's subject by its number or name; the order is compared per conversation.
    const events = await q<{ type: string; name: string; after: unknown; number: number }>(sql`
      select e.type, e.actor_user_id is not null as by_user, e.actor_token_id is not null as by_token,
             coalesce(c.number, mc.number, -1) as number, coalesce(k.name, '') as name,
             e.after - 'contactId' - 'conversationId' as after, e.created_at = ${at} as created_at_given
        from events e
        left join conversations c on e.subject_type = 'conversation' and c.account_id = e.account_id and c.id = e.subject_id
        left join messages m on e.subject_type = 'message' and m.account_id = e.account_id and m.id = e.subject_id
        left join conversations mc on mc.account_id = m.account_id and mc.id = m.conversation_id
        left join contacts k on e.subject_type = 'contact' and k.account_id = e.account_id and k.id = e.subject_id
       where e.account_id = ${accountId} and e.subject_type in ('contact', 'conversation', 'message')
       order by e.id`);
    return { conversations, messages, contacts, events };
  }

  /** What a store call answered, without the ids that differ between accounts. */
  function outcome(s: StoredConversation) {
    if (!s.row) return { stored: false, contact: s.contact, autoAssign: s.autoAssign };
    const { id: _id, contact_id: _contactId, ...row } = s.row;
    const contact = s.contact
      ? {
          ...s.contact,
          id: s.contact.id === s.row.contact_id,
          created_at: new Date(s.contact.created_at).getTime() === at.getTime(),
          updated_at: new Date(s.contact.updated_at).getTime() === at.getTime(),
          identifiers: s.contact.identifiers.map(({ contact_id, ...i }) => ({
            ...i,
            own: contact_id === s.contact?.id,
          })),
        }
      : null;
    return { stored: true, row, contact, autoAssign: s.autoAssign, messageId: s.messageId > 0 };
  }

  it("stores several conversations in one statement exactly as one statement each would", async () => {
    // Two accounts with the same customers; one gets the batch, the other each conversation alone.
    const stores = [
      (accountId: number, list: NewConversation[]) =>
        insertConversationsWithMessages(t.ctx.db, accountId, list),
      async (accountId: number, list: NewConversation[]) => {
        const out: StoredConversation[] = [];
        for (const v of list) out.push(await insertConversationWithMessage(t.ctx.db, accountId, v));
        return out;
      },
    ];
    const results = [];
    for (const store of stores) {
      const owner = await createAccount(t.ctx);
      const returning = `returning@example.test`;
      const first = await openConversation(t, owner, { contact: { name: "Returning", email: returning } });
      const asUser = { userId: owner.userId, tokenId: null };
      const asToken = { userId: null, tokenId: 1 };
      const list = [
        conversation(101, { name: "Returning", email: returning }, false, asUser),
        conversation(102, { name: "New by phone", phone: "+962790000001" }, true, asUser),
        conversation(103, { name: "Returning", email: returning, phone: "+962790000009" }, true, asToken),
        conversation(104, { name: "Nobody", email: "nobody@example.test" }, false, asUser),
        conversation(
          105,
          { name: "New by both", email: "both@example.test", phone: "+962790000002" },
          true,
          asToken,
        ),
        {
          ...conversation(106, { name: "Returning" }, false, asUser),
          contact: { id: first.contactDetail.id },
        },
      ];
      const stored = await store(owner.accountId, list);
      results.push({ outcomes: stored.map(outcome), data: await dump(owner.accountId) });
    }
    const [batched, alone] = results;
    expect(batched?.outcomes.map((o) => o.stored)).toEqual([true, true, true, false, true, true]);
    expect(batched?.data.contacts.map((c) => (c as { name: string }).name)).toEqual([
      "New by both",
      "New by phone",
      "Returning",
    ]);
    // Each conversation's events in order: its new contact's, its own, its message's.
    expect(batched?.data.events.map((e) => `${e.type} ${e.number === -1 ? e.name : e.number}`)).toEqual([
      "contact.created Returning",
      "conversation.created 1",
      "message.created 1",
      "conversation.created 101",
      "message.created 101",
      "contact.created New by phone",
      "conversation.created 102",
      "message.created 102",
      "conversation.created 103",
      "message.created 103",
      "contact.created New by both",
      "conversation.created 105",
      "message.created 105",
      "conversation.created 106",
      "message.created 106",
    ]);
    expect(batched).toEqual(alone);
  });

  it("stores what waits together, and each one alone when their statement fails", async () => {
    const owner = await createAccount(t.ctx);
    const batches = new CreationBatches(t.ctx.db, 1);
    const actor = { userId: owner.userId, tokenId: null };
    const shared = `${unique("shared")}@example.test`;
    const xmin = async (numbers: number[]) =>
      (
        await sql<{ number: number; xmin: string }>`
          select number, xmin::text as xmin from conversations
           where account_id = ${owner.accountId} and number = any(${numbers}::int8[]) order by number`.execute(
          t.ctx.db,
        )
      ).rows.map((r) => r.xmin);

    // The first runs alone; the three that come meanwhile wait and go in one statement.
    const first = [201, 202, 203, 204].map((n) =>
      batches.store(
        owner.accountId,
        conversation(n, { name: `C${n}`, email: `${unique("c")}@example.test` }, true, actor),
      ),
    );
    const stored = await Promise.all(first);
    expect(stored.every((s) => s.row !== null)).toBe(true);
    const [alone, ...together] = await xmin([201, 202, 203, 204]);
    expect(new Set(together).size).toBe(1);
    expect(together[0]).not.toBe(alone);

    // Two new customers with one email: their statement fails, and each is stored on its own.
    const second = [
      conversation(301, { name: "Someone", email: `${unique("c")}@example.test` }, true, actor),
      conversation(302, { name: "Twin A", email: shared }, true, actor),
      conversation(303, { name: "Twin B", email: shared }, true, actor),
      conversation(304, { name: "Someone else", phone: "+962790000003" }, true, actor),
    ].map((v) =>
      batches.store(owner.accountId, v).then(
        (s) => s.row?.number ?? null,
        (err: { code?: string }) => err.code,
      ),
    );
    const settled = await Promise.all(second);
    expect(settled[0]).toBe(301);
    expect(settled[3]).toBe(304);
    // The twins, stored on their own at once: one makes the contact; the other finds it (one
    // statement after the other) or meets the unique email (side by side; the service then retries).
    const twins = [settled[1], settled[2]];
    expect(twins.filter((x) => x === "23505").length).toBeLessThanOrEqual(1);
    expect(twins.every((x, i) => x === 302 + i || x === "23505")).toBe(true);
    const withShared = await sql<{ n: number }>`
      select count(*)::int as n from contact_identifiers
       where account_id = ${owner.accountId} and kind = 'email' and value = ${shared}`.execute(t.ctx.db);
    expect(withShared.rows[0]?.n).toBe(1);
    const numbers = await sql<{ number: number }>`
      select number from conversations where account_id = ${owner.accountId} and number >= 300 order by number`.execute(
      t.ctx.db,
    );
    expect(numbers.rows.map((r) => r.number)).toEqual(settled.filter((x) => typeof x === "number"));
  });
});
