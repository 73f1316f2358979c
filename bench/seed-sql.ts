import type pg from "pg";
import { TAGS } from "./corpus";
import type { PoolSizes } from "./seed-pools";
import { insertContacts } from "./seed-pools";

/**
 * The bulk SQL of the seeder: one INSERT ... SELECT over generate_series per
 * table, picking text from the pools with a hash of the conversation number,
 * so a million rows go in with a handful of statements.
 */

/** Conversations span the last year, newest with the highest number. */
const SPAN_SECONDS = 365 * 24 * 3600;
const AGENTS_PER_ACCOUNT = 10;
/** One contact per this many conversations: returning customers. */
export const CONVERSATIONS_PER_CONTACT = 4;

// The same multiplicative hash as mix() in seed-pools.ts, of the number g.
const hash = (g: string, salt: number) => `((${g}::bigint * 2654435761 + ${salt}) % 4294967291)`;

/** Secondary indexes of the bulk-loaded tables: dropped before the load, rebuilt after it (returns their DDL). */
export async function dropSecondaryIndexes(client: pg.Client): Promise<string[]> {
  const res = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i
      where i.indrelid in ('contacts'::regclass, 'contact_identifiers'::regclass,
                           'conversations'::regclass, 'messages'::regclass)
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
  );
  for (const row of res.rows) await client.query(`drop index ${row.name}`);
  return res.rows.map((r) => r.def);
}

/** Adds agents (sharing the owner's password hash) and three teams to an account. */
async function addPeople(
  client: pg.Client,
  accountId: number,
  key: string,
): Promise<{ agents: number[]; teams: number[] }> {
  const agents = await client.query<{ id: number }>(
    `insert into users (account_id, email, name, role, password_hash, language)
     select $1, 'agent' || i || '.' || $2 || '@bench.khidma.test', 'وكيل ' || i, 'agent',
            (select password_hash from users where account_id = $1 and role = 'owner' limit 1), 'ar'
       from generate_series(1, $3::int) i
     returning id::int`,
    [accountId, key, AGENTS_PER_ACCOUNT],
  );
  await client.query(
    `insert into login_identities (email, account_id, user_id)
     select email, account_id, id from users where account_id = $1 and role = 'agent'`,
    [accountId],
  );
  const teams = await client.query<{ id: number }>(
    `insert into teams (account_id, name) select $1, t from unnest(array['الدعم','Billing','Delivery']) t
     returning id::int`,
    [accountId],
  );
  return { agents: agents.rows.map((r) => r.id), teams: teams.rows.map((r) => r.id) };
}

/** Fills one account: contacts, then n conversations with one inbound message each. */
export async function fillAccount(
  client: pg.Client,
  account: { accountId: number; key: string; conversations: number },
  pool: PoolSizes,
): Promise<void> {
  const n = account.conversations;
  const { agents, teams } = await addPeople(client, account.accountId, account.key);
  const now = new Date();
  await insertContacts(client, account.accountId, Math.max(2, Math.ceil(n / CONVERSATIONS_PER_CONTACT)), now);
  if (n === 0) return;

  // Contacts by language, numbered from 0, so a conversation in Arabic goes to an Arabic-speaking contact.
  await client.query(`drop table if exists cmap`);
  await client.query(
    `create temp table cmap as
       select language as lang, (row_number() over (partition by language order by id) - 1)::int as k, id
         from contacts where account_id = $1`,
    [account.accountId],
  );
  await client.query(`alter table cmap add primary key (lang, k)`);
  const counts = await client.query<{ lang: string; n: number }>(
    `select lang, count(*)::int as n from cmap group by lang`,
  );
  const contactsOf = (lang: string) => counts.rows.find((r) => r.lang === lang)?.n ?? 1;

  await client.query(
    `insert into conversations (account_id, number, subject, status, priority, type, channel, language,
        contact_id, assignee_id, team_id, tags, preview, message_count, last_seq, last_message_at, solved_at,
        search_text, search_tsv, created_at, updated_at)
     select $1, x.g, b.subject, x.status,
            (array['low','normal','normal','normal','high','urgent'])[1 + (x.h / 3) % 6],
            (array[null,'question','complaint','technical','return','suggestion','sales'])[1 + (x.h / 11) % 7],
            case when x.h % 10 < 7 then 'web' else 'api' end,
            x.lang, m.id,
            case when x.h % 4 = 0 then null
                 else ($4::bigint[])[1 + (x.h / 4) % array_length($4::bigint[], 1)] end,
            case when x.h % 2 = 0 then null
                 else ($5::bigint[])[1 + (x.h / 2) % array_length($5::bigint[], 1)] end,
            case x.h % 5 when 0 then array[($6::text[])[1 + (x.h / 5) % 8]]
                         when 1 then array[($6::text[])[1 + (x.h / 5) % 8], ($6::text[])[1 + (x.h / 41) % 8]]
                         else '{}'::text[] end,
            b.preview, 1, 1, x.at,
            case when x.status in ('solved','closed') then x.at end,
            b.subject_text, b.subject_tsv,
            x.at - interval '5 minutes', x.at
       from (select g, h, lang,
                    (array['new','open','open','pending','on_hold','solved','solved','solved','closed','closed'])
                      [1 + (h / 13) % 10] as status,
                    $3::timestamptz - (((($2::bigint - g) * ${SPAN_SECONDS}.0) / $2::bigint) + h % 300)
                      * interval '1 second' as at
               from (select g, ${hash("g", 0)} as h, case when g % 3 = 0 then 'en' else 'ar' end as lang
                       from generate_series(1, $2::int) g) s) x
       join bench_bodies b on b.lang = x.lang
                          and b.k = x.h % (case x.lang when 'en' then $7::int else $8::int end)
       join cmap m on m.lang = x.lang
                  and m.k = (x.h / 17) % (case x.lang when 'en' then $9::int else $10::int end)
      order by x.g`,
    [account.accountId, n, now, agents, teams, TAGS, pool.en, pool.ar, contactsOf("en"), contactsOf("ar")],
  );

  // The message is the pool entry its conversation was made from.
  await client.query(
    `insert into messages (account_id, conversation_id, kind, body, author_contact_id,
        search_text, search_tsv, created_at, seq)
     select c.account_id, c.id, 'inbound', b.body, c.contact_id,
            b.body_text, b.body_tsv, c.last_message_at, 1
       from (select c.account_id, c.id, c.contact_id, c.language, c.last_message_at,
                    ${hash("c.number", 0)} as h
               from conversations c where c.account_id = $1) c
       join bench_bodies b on b.lang = c.language
                          and b.k = c.h % (case c.language when 'en' then $2::int else $3::int end)
      order by c.id`,
    [account.accountId, pool.en, pool.ar],
  );
  await client.query(`update accounts set conversation_seq = $2 where id = $1`, [account.accountId, n]);
}
