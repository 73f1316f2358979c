import { type RawBuilder, sql } from "kysely";
import type { Executor } from "../../platform/db";

/**
 * The search read model: conversations, messages and contacts, read through
 * their search_text / search_tsv columns. Every query is scoped by account_id
 * and written so PostgreSQL can use the (account_id, search_tsv) and
 * (account_id, search_text gin_trgm_ops) GIN indexes of each table.
 */

/**
 * What to match, built from quoted lexemes and folded text only:
 * `words` is the tsquery of the query's whole words (their stems), `prefix`
 * the same with the last word also as the start of a longer word, and
 * `fragments` parts of words that must all occur in search_text (LIKE on the
 * trigram index). A row matches on any of them; whole-word matches rank
 * first.
 */
export interface SearchFilter {
  words: string | null;
  prefix: string | null;
  fragments: string[];
}

/** A conversation hit with the data of its summary and the text to excerpt. */
export interface ConversationHitRow {
  id: number;
  number: number;
  subject: string;
  status: string;
  priority: string;
  type: string | null;
  channel: string;
  language: string | null;
  contact_id: number;
  contact_name: string;
  assignee_id: number | null;
  team_id: number | null;
  tags: string[];
  preview: string;
  last_message_at: Date;
  created_at: Date;
  updated_at: Date;
  /** The best matching message, or null when the subject is the best match. */
  message_id: number | null;
  /** The text the hit was found in: the message body or the subject. */
  matched_text: string;
  score: number;
}

/** A contact hit. */
export interface ContactHitRow {
  id: number;
  name: string;
  language: string | null;
  company: string | null;
  attributes: unknown;
  created_at: Date;
}

/** An email or phone of a contact. */
export interface IdentifierRow {
  contact_id: number;
  kind: "email" | "phone";
  value: string;
}

/**
 * How many of the most recent matching rows of each table are ranked. A word
 * that occurs in half of a million messages would otherwise make every search
 * rank half a million rows; a help desk wants the recent ones anyway.
 */
export const RANK_WINDOW = 100;

/**
 * How many of an account's newest rows are scanned directly before the index
 * is read (see newestMatches): a word found in more than RANK_WINDOW of them
 * (1 message in 100) fills the window from this walk alone. Subjects and
 * contacts are fewer than messages, so fewer of them are walked.
 */
export const RECENT_WALK = { messages: 10_000, conversations: 4_000, contacts: 2_000 } as const;

/** A table the search reads. */
export type SearchTable = keyof typeof RECENT_WALK;

// Constants of the ranking, inlined as SQL literals (they are ours, not input).
// More than any partial match can score (relevance below 1, freshness below
// FRESHNESS_WEIGHT), so whole-word matches always come first.
const WHOLE_WORD_BONUS = 2;
// ts_rank is small (0.06 for one word in a short message): scale it before
// squashing so that one, two or three matching words differ.
const RELEVANCE_SCALE = 10;
// Weight of freshness against relevance, and the age (days) at which it halves.
const FRESHNESS_WEIGHT = 0.3;
const FRESHNESS_HALF_LIFE_DAYS = 30;
// A subject that matches says more than one message among many.
const SUBJECT_BOOST = 1.5;

function escapeLike(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The match condition on alias `x`. */
function matches(filter: SearchFilter): RawBuilder<boolean> {
  const conditions: RawBuilder<boolean>[] = [];
  // The prefix query holds every key of the word query too.
  const tsquery = filter.prefix ?? filter.words;
  if (tsquery) conditions.push(sql<boolean>`x.search_tsv @@ to_tsquery('simple', ${tsquery})`);
  if (filter.fragments.length) {
    conditions.push(
      sql<boolean>`(${sql.join(
        // search_text and the fragments are both folded and lower-cased, so
        // LIKE suffices; it uses the same trigram index and runs several
        // times faster than ILIKE on Arabic text.
        filter.fragments.map((f) => sql`x.search_text like ${escapeLike(f)}`),
        sql` and `,
      )})`,
    );
  }
  return conditions.length ? sql<boolean>`(${sql.join(conditions, sql` or `)})` : sql<boolean>`false`;
}

/**
 * How well a row matches: WHOLE_WORD_BONUS for whole words, so they come
 * before partial matches whatever their age, plus ts_rank (times `boost`)
 * squashed into [0, 1). ts_rank's flag 1 divides by 1 + log(length): a short
 * message about the words outranks a long one that mentions them once. A
 * match on fragments alone has no rank.
 */
function relevance(alias: string, filter: SearchFilter, boost = 1): RawBuilder<number> {
  const tsv = sql.ref(`${alias}.search_tsv`);
  const whole = filter.words
    ? sql<number>`case when ${tsv} @@ to_tsquery('simple', ${filter.words}) then ${sql.lit(WHOLE_WORD_BONUS)} else 0 end`
    : sql<number>`0`;
  const tsquery = filter.prefix ?? filter.words;
  if (!tsquery) return whole;
  const r = sql<number>`(ts_rank(${tsv}, to_tsquery('simple', ${tsquery}), 1) * ${sql.lit(RELEVANCE_SCALE * boost)})`;
  return sql<number>`(${whole} + ${r} / (${r} + 1))`;
}

/** A matching row. */
export interface Hit {
  id: number;
}

/**
 * The newest rows of a table that match, newest first, at most RANK_WINDOW.
 *
 * The plan is fixed rather than left to the planner, whose estimates for
 * words missing from the statistics, prefixes, several words and LIKE are
 * poor: a word wrongly thought common makes it walk the primary key (or scan
 * the table) over the whole account, about a second for an absent word in a
 * million messages. So, first the account's RECENT_WALK newest rows by
 * primary key: bounded work, and all a common word needs. Only when that
 * does not fill the window, the older rows through the GIN index alone
 * (sequential and plain index scans are switched off for that one
 * statement); their matches are then few, about 1 in 100 or less.
 * `walkSize` is RECENT_WALK's unless a test needs a small one.
 */
export async function newestMatches(
  db: Executor,
  table: SearchTable,
  accountId: number,
  filter: SearchFilter,
  walkSize: number = RECENT_WALK[table],
): Promise<Hit[]> {
  const t = sql.table(table);
  const match = matches(filter);
  const walk = sql.lit(walkSize);
  const recent = await sql<Hit>`
    select x.id
    from (
      select id, search_tsv, search_text from ${t}
      where account_id = ${accountId} order by id desc limit ${walk}
    ) x
    where ${match}
    order by x.id desc
    limit ${sql.lit(RANK_WINDOW)}
  `.execute(db);
  if (recent.rows.length >= RANK_WINDOW) return recent.rows;

  const walked = await sql<{ oldest: number | null; walked_rows: number | string }>`
    select min(id) as oldest, count(*) as walked_rows
    from (select id from ${t} where account_id = ${accountId} order by id desc limit ${walk}) w
  `.execute(db);
  const { oldest, walked_rows } = walked.rows[0] ?? { oldest: null, walked_rows: 0 };
  // The walk saw every row of the account: nothing older to look at.
  if (oldest === null || Number(walked_rows) < walkSize) return recent.rows;

  const older = await db.transaction().execute(async (tx) => {
    await sql`set local enable_seqscan = off`.execute(tx);
    await sql`set local enable_indexscan = off`.execute(tx);
    return sql<Hit>`
      select x.id
      from ${t} x
      where x.account_id = ${accountId} and x.id < ${oldest} and ${match}
      order by x.id desc
      limit ${sql.lit(RANK_WINDOW - recent.rows.length)}
    `.execute(tx);
  });
  return [...recent.rows, ...older.rows];
}

function idList(ids: number[]): RawBuilder<unknown> {
  return ids.length ? sql.join(ids) : sql`null`;
}

/**
 * Conversations whose subject or any message (replies, inbound and internal
 * notes) matches, one row per conversation with its best match, best first:
 * relevance (ts_rank) blended with how recent the conversation is.
 */
export async function searchConversationRows(
  db: Executor,
  accountId: number,
  filter: SearchFilter,
  opts: { limit: number; now: Date },
): Promise<ConversationHitRow[]> {
  const messageHits = await newestMatches(db, "messages", accountId, filter);
  const subjectHits = await newestMatches(db, "conversations", accountId, filter);
  if (messageHits.length === 0 && subjectHits.length === 0) return [];
  const result = await sql<ConversationHitRow>`
    with hits as (
      select x.conversation_id, x.id as message_id, ${relevance("x", filter)} as rank
      from messages x
      where x.account_id = ${accountId} and x.id in (${idList(messageHits.map((h) => h.id))})
      union all
      select x.id, null, ${relevance("x", filter, SUBJECT_BOOST)}
      from conversations x
      where x.account_id = ${accountId} and x.id in (${idList(subjectHits.map((h) => h.id))})
    ),
    best as (
      select distinct on (conversation_id) conversation_id, message_id, rank
      from hits
      order by conversation_id, rank desc, message_id desc nulls first
    )
    select
      c.id, c.number, c.subject, c.status, c.priority, c.type, c.channel, c.language,
      c.contact_id, ct.name as contact_name, c.assignee_id, c.team_id, c.tags, c.preview,
      c.last_message_at, c.created_at, c.updated_at,
      best.message_id,
      coalesce(m.body, c.subject) as matched_text,
      best.rank
        + ${sql.lit(FRESHNESS_WEIGHT)} / (1 + greatest(0, extract(epoch from (${opts.now}::timestamptz - c.last_message_at)))
          / ${sql.lit(FRESHNESS_HALF_LIFE_DAYS * 86_400)})
        as score
    from best
    join conversations c on c.account_id = ${accountId} and c.id = best.conversation_id
    join contacts ct on ct.account_id = c.account_id and ct.id = c.contact_id
    left join messages m on m.account_id = ${accountId} and m.id = best.message_id
    order by score desc, c.last_message_at desc, c.id desc
    limit ${opts.limit}
  `.execute(db);
  return result.rows.map((r) => ({ ...r, score: Number(r.score) }));
}

/** Contacts whose name, emails, phones or company match, best first. */
export async function searchContactRows(
  db: Executor,
  accountId: number,
  filter: SearchFilter,
  opts: { limit: number },
): Promise<ContactHitRow[]> {
  const hits = await newestMatches(db, "contacts", accountId, filter);
  if (hits.length === 0) return [];
  const result = await sql<ContactHitRow>`
    select x.id, x.name, x.language, x.company, x.attributes, x.created_at
    from contacts x
    where x.account_id = ${accountId} and x.id in (${idList(hits.map((h) => h.id))})
    order by ${relevance("x", filter)} desc, x.id desc
    limit ${opts.limit}
  `.execute(db);
  return result.rows;
}

/** The emails and phones of some contacts, in their stored order. */
export async function contactIdentifiers(
  db: Executor,
  accountId: number,
  contactIds: number[],
): Promise<IdentifierRow[]> {
  if (contactIds.length === 0) return [];
  return db
    .selectFrom("contact_identifiers")
    .select(["contact_id", "kind", "value"])
    .where("account_id", "=", accountId)
    .where("contact_id", "in", contactIds)
    .orderBy("contact_id")
    .orderBy("kind")
    .orderBy("position")
    .execute();
}
