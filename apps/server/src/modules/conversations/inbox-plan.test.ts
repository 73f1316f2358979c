import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createTestApp, createUser, type TestApp, testDatabase } from "../../test/harness";
import { insertTeam, openConversation } from "./conversations.fixtures";
import { type ConversationFilters, inboxQuery } from "./conversations.repo";

const ROWS = 20_000;

/**
 * The inbox must stay a short index walk however many conversations an
 * account holds: every view and filter is checked for an index scan with no
 * Sort node above it (a sort would read the whole set before the LIMIT).
 */
describe(`inbox query plans (${testDatabase})`, () => {
  let t: TestApp;
  let accountId: number;
  let agentId: number;
  let teamId: number;
  beforeAll(async () => {
    t = await createTestApp();
    const owner = await createAccount(t.ctx);
    accountId = owner.accountId;
    agentId = (await createUser(t.ctx, accountId, "agent")).userId;
    teamId = await insertTeam(t, accountId);
    const seed = await openConversation(t, owner);
    const contactId = seed.contactDetail.id;
    await sql`
      insert into conversations (account_id, number, subject, status, priority, channel, contact_id,
        assignee_id, team_id, tags, last_message_at, created_at, updated_at)
      select ${accountId}, 100 + g, 'Bulk ' || g,
        (array['new','open','pending','on_hold','solved','closed'])[1 + g % 6], 'normal', 'api', ${contactId},
        case when g % 4 = 0 then null else ${agentId}::bigint end,
        case when g % 10 = 0 then ${teamId}::bigint else null end,
        case when g % 50 = 0 then array['vip'] else '{}'::text[] end,
        timestamptz '2026-01-01' + (g / 3) * interval '1 second',
        now(), now()
      from generate_series(1, ${ROWS}) g`.execute(t.ctx.db);
    await sql`analyze conversations`.execute(t.ctx.db);
  }, 120_000);
  afterAll(() => t.close());

  async function plan(filters: ConversationFilters, withCursor: boolean): Promise<string> {
    const after = withCursor ? { at: new Date("2026-01-01T01:00:00.000Z"), id: 5_000_000 } : null;
    const rows = await inboxQuery(t.ctx.db, accountId, filters, { after, limit: 26 }).explain();
    return rows.map((r) => String(Object.values(r)[0])).join("\n");
  }

  const cases: [string, () => ConversationFilters, RegExp][] = [
    ["all", () => ({}), /conversations_(inbox|status|team|unassigned|assignee)/],
    // Three rows in four are the agent's here, so walking the whole inbox in order is as good a plan.
    ["mine", () => ({ assigneeId: agentId }), /conversations_(assignee|inbox)/],
    ["unassigned", () => ({ assigneeId: null }), /conversations_unassigned/],
    ["status", () => ({ status: "open" }), /conversations_status/],
    ["mine + status", () => ({ assigneeId: agentId, status: "pending" }), /conversations_(assignee|status)/],
    ["unassigned + status", () => ({ assigneeId: null, status: "new" }), /conversations_(unassigned|status)/],
    ["team", () => ({ teamId }), /conversations_team/],
  ];

  for (const [name, filters, index] of cases) {
    it(`walks an index without sorting: ${name}`, async () => {
      for (const withCursor of [false, true]) {
        const text = await plan(filters(), withCursor);
        expect(text, text).toMatch(index);
        expect(text, text).not.toMatch(/\bSort\b/);
        expect(text, text).not.toMatch(/Seq Scan on conversations/);
      }
    });
  }
});
