import { sql } from "kysely";
import { type Executor, PREPARED } from "../../platform/db";
import {
  type ContactJson,
  contactJsonByIdentifier,
  createdContactJson,
  type NewContactValues,
} from "../contacts/contacts.repo";

/** A conversation row with its contact's name. */
export interface ConversationRow {
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
  message_count: number;
  last_message_at: Date;
  solved_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns a service may change on a conversation. */
export interface ConversationChanges {
  subject?: string;
  status?: string;
  priority?: string;
  type?: string | null;
  language?: string | null;
  assignee_id?: number | null;
  team_id?: number | null;
  tags?: string[];
  preview?: string;
  message_count?: number;
  last_message_at?: Date;
  solved_at?: Date | null;
  search?: { text: string; terms: string };
  updated_at: Date;
}

/** Filters of the inbox list; `assigneeId: null` means unassigned. */
export interface ConversationFilters {
  assigneeId?: number | null;
  status?: string;
  teamId?: number;
  tag?: string;
  contactId?: number;
}

/** The conversation's own columns, as a row of "c". */
export const rowColumns = [
  "c.id",
  "c.number",
  "c.subject",
  "c.status",
  "c.priority",
  "c.type",
  "c.channel",
  "c.language",
  "c.contact_id",
  "c.assignee_id",
  "c.team_id",
  "c.tags",
  "c.preview",
  "c.message_count",
  "c.last_message_at",
  "c.solved_at",
  "c.created_at",
  "c.updated_at",
] as const;

/**
 * rowColumns as the select list of a raw statement, built once: referencing
 * each column with sql.ref on every call made Kysely parse eighteen
 * references per statement, most of the cost of building one.
 */
export const rowColumnsSql = sql.raw(rowColumns.join(", "));

const columns = [
  ...rowColumns,
  // A scalar subquery rather than a join: the planner then chooses the
  // inbox index on conversations alone and looks up one name per returned row.
  sql<string>`(select ct.name from contacts ct where ct.account_id = c.account_id and ct.id = c.contact_id)`.as(
    "contact_name",
  ),
] as const;

function selectConversations(db: Executor, accountId: number) {
  return db.selectFrom("conversations as c").select(columns).where("c.account_id", "=", accountId);
}

/**
 * Takes the account's next `count` conversation numbers in a statement of its
 * own and returns the last; call it outside any transaction. Its commit does
 * not wait for the disk (synchronous_commit off for this statement only): the
 * write-ahead log is flushed in order, so the later, synchronous commit of a
 * conversation that uses a number makes the counter durable too. A crash
 * before that commit can hand the numbers out again, to conversations that
 * then get them first. Without this, every creation in an account would queue
 * for one disk flush.
 */
export async function reserveConversationNumbers(
  db: Executor,
  accountId: number,
  count: number,
): Promise<number> {
  const { rows } = await sql<{ conversation_seq: number }>`${sql.raw(PREPARED)}
    update accounts set conversation_seq = conversation_seq + ${count}::int8
     where id = ${accountId} and set_config('synchronous_commit', 'off', true) is not null
    returning conversation_seq`.execute(db);
  const row = rows[0];
  if (!row) throw new Error("account not found");
  return row.conversation_seq;
}

/** The account's next conversation number, in a statement of its own (see reserveConversationNumbers). */
export function nextConversationNumber(db: Executor, accountId: number): Promise<number> {
  return reserveConversationNumbers(db, accountId, 1);
}

/** A new conversation's row and its first message, as insertConversationsWithMessages stores them. */
export interface NewConversation {
  number: number;
  subject: string;
  priority: string;
  type: string | null;
  channel: string;
  language: string | null;
  /**
   * The customer: a contact of the account, or its email or phone to find it
   * by in the same statement; with `orCreate`, the same statement creates it
   * when none has them (with the `after` of its contact.created event).
   */
  contact:
    | { id: number }
    | {
        email: string | null;
        phone: string | null;
        orCreate?: { create: NewContactValues; createdAfter: Record<string, unknown> };
      };
  tags: string[];
  preview: string;
  search: { text: string; terms: string };
  at: Date;
  message: {
    kind: string;
    body: string;
    authorUserId: number | null;
    search: { text: string; terms: string };
  };
  /** Who did it, for the two event rows. */
  actor: { userId: number | null; tokenId: number | null };
  /** The `after` of the conversation.created event, without the contact's id. */
  createdAfter: Record<string, unknown>;
}

/** What insertConversationsWithMessages did with one: nothing when no contact has the email or phone. */
export type StoredConversation = {
  autoAssign: boolean;
  /** The contact found by email or phone, or created (null when it was given by id, or not found). */
  contact: ContactJson | null;
} & ({ row: Omit<ConversationRow, "contact_name">; messageId: number } | { row: null; messageId: null });

/**
 * Stores conversations of one account, each with its first message (from its
 * contact, number 1 of the conversation's sequence) and their events, in ONE
 * statement (data-modifying CTEs): atomic without an explicit transaction,
 * one round trip however many there are. A customer given by email or phone
 * is looked up by the same statement; with `orCreate`, it is created when
 * nobody has them, else that conversation is not stored. The statement also
 * reads whether the account assigns automatically. A busy server stores the
 * conversations that arrive together this way (see creation-batches.ts): the
 * statement's fixed costs (a round trip, planning and starting a dozen
 * steps, a commit and its disk flush) are paid once for all of them. The
 * rows travel as one JSON array, so the statement's text is the same for any
 * number of them and it is prepared once. Returns what each one did, in the
 * order given. It is all or nothing: an email or phone stored twice (by two
 * of these, or by another request meanwhile) fails the whole statement.
 */
export async function insertConversationsWithMessages(
  db: Executor,
  accountId: number,
  list: NewConversation[],
): Promise<StoredConversation[]> {
  const rowsJson = JSON.stringify(
    list.map((v, i) => {
      const who = v.contact;
      const create = "id" in who ? undefined : who.orCreate;
      return {
        i,
        account_id: accountId,
        number: v.number,
        subject: v.subject,
        priority: v.priority,
        type: v.type,
        channel: v.channel,
        language: v.language,
        tags: v.tags,
        preview: v.preview,
        s_text: v.search.text,
        s_terms: v.search.terms,
        at: v.at.toISOString(),
        kind: v.message.kind,
        body: v.message.body,
        author: v.message.authorUserId,
        m_text: v.message.search.text,
        m_terms: v.message.search.terms,
        actor_user: v.actor.userId,
        actor_token: v.actor.tokenId,
        created_after: v.createdAfter,
        contact_id: "id" in who ? who.id : null,
        email: "id" in who ? null : who.email,
        phone: "id" in who ? null : who.phone,
        create: create !== undefined,
        c_name: create?.create.name ?? null,
        c_language: create?.create.language ?? null,
        c_text: create?.create.search.text ?? null,
        c_terms: create?.create.search.terms ?? null,
        c_after: create?.createdAfter ?? null,
      };
    }),
  );
  // The account as a column, not a value: planned for a value, PostgreSQL
  // believes a new account's statistics (no contacts yet) and may read all
  // of its identifiers instead of probing the primary key.
  const found = contactJsonByIdentifier(sql.ref("r.account_id"), sql.ref("r.email"), sql.ref("r.phone"));
  const { rows } = await sql<
    Omit<ConversationRow, "contact_name"> & {
      i: number;
      message_id: number | null;
      contact: ContactJson | null;
      auto_assign: boolean | null;
    }
  >`${sql.raw(PREPARED)}
    with r as materialized (
      select * from jsonb_to_recordset(${rowsJson}::jsonb) as r(
        i int, account_id int8, number int8, subject text, priority text, type text, channel text, language text, tags jsonb,
        preview text, s_text text, s_terms text, at timestamptz, kind text, body text, author int8, m_text text,
        m_terms text, actor_user int8, actor_token int8, created_after jsonb, contact_id int8, email text, phone text,
        "create" boolean, c_name text, c_language text, c_text text, c_terms text, c_after jsonb)
    ),
    -- The customer found by email or phone (null when given by id, or nobody has them).
    found as materialized (
      select r.i, case when r.contact_id is null then ${found} end as contact from r
    ),
    nc as materialized (
      select r.i, nextval(pg_get_serial_sequence('contacts', 'id')) as id
        from r join found f on f.i = r.i
       where r."create" and f.contact is null
    ),
    nci as (
      insert into contacts (id, account_id, name, language, company, attributes, search_text, search_tsv,
                            created_at, updated_at)
      overriding system value
      select nc.id, ${accountId}::int8, r.c_name, r.c_language, null, '{}'::jsonb, r.c_text,
             to_tsvector('simple', r.c_terms), r.at, r.at
        from nc join r on r.i = nc.i
    ),
    ni as (
      insert into contact_identifiers (account_id, contact_id, kind, value, position)
      select ${accountId}::int8, nc.id, x.kind, x.value, 0
        from nc join r on r.i = nc.i, lateral (values ('email', r.email), ('phone', r.phone)) as x(kind, value)
       where x.value is not null
    ),
    ct as materialized (
      select r.i, f.contact, coalesce(r.contact_id, (f.contact->>'id')::int8, nc.id) as contact_id
        from r join found f on f.i = r.i left join nc on nc.i = r.i
    ),
    c as (
      insert into conversations (account_id, number, subject, status, priority, type, channel, language,
                                 contact_id, assignee_id, team_id, tags, preview, message_count, last_seq,
                                 last_message_at, solved_at, search_text, search_tsv, created_at, updated_at)
      select ${accountId}::int8, r.number, r.subject, 'new', r.priority, r.type, r.channel, r.language,
             ct.contact_id, null, null, array(select jsonb_array_elements_text(r.tags)), r.preview, 1, 1, r.at,
             null, r.s_text, to_tsvector('simple', r.s_terms), r.at, r.at
        from r join ct on ct.i = r.i
       where ct.contact_id is not null
      returning *
    ),
    m as (
      insert into messages (account_id, conversation_id, kind, body, author_user_id, author_contact_id,
                            mentions, search_text, search_tsv, created_at, seq)
      select ${accountId}::int8, c.id, r.kind, r.body, r.author, c.contact_id, '{}'::int8[], r.m_text,
             to_tsvector('simple', r.m_terms), r.at, 1
        from c join r on r.number = c.number
      returning id, conversation_id
    ),
    e as (
      -- Each conversation's events in the order they happened: its contact, itself, its message.
      insert into events (account_id, actor_user_id, actor_token_id, type, subject_type, subject_id, after, created_at)
      select ${accountId}::int8, x.actor_user, x.actor_token, x.type, x.subject_type, x.subject_id, x.after, x.at
        from (
          select r.i, 1 as step, r.actor_user, r.actor_token, 'contact.created' as type,
                 'contact' as subject_type, nc.id as subject_id, r.c_after as after, r.at
            from nc join r on r.i = nc.i
          union all
          select r.i, 2, r.actor_user, r.actor_token, 'conversation.created', 'conversation', c.id,
                 r.created_after || jsonb_build_object('contactId', c.contact_id), r.at
            from c join r on r.number = c.number
          union all
          select r.i, 3, r.actor_user, r.actor_token, 'message.created', 'message', m.id,
                 jsonb_build_object('conversationId', c.id, 'kind', r.kind), r.at
            from m join c on c.id = m.conversation_id join r on r.number = c.number
        ) x
       order by x.i, x.step
    )
    select r.i, ${rowColumnsSql}, m.id as message_id, ct.contact,
           (select rs.auto_assign from routing_settings rs where rs.account_id = ${accountId}) as auto_assign
      from r join ct on ct.i = r.i
      left join c on c.number = r.number
      left join m on m.conversation_id = c.id`.execute(db);
  const stored: StoredConversation[] = new Array(list.length);
  for (const row of rows) {
    const { i, message_id, contact: found, auto_assign, ...conversation } = row;
    const v = list[i];
    if (!v) continue;
    const autoAssign = auto_assign ?? false;
    const create = "id" in v.contact ? undefined : v.contact.orCreate;
    stored[i] =
      message_id === null
        ? { row: null, messageId: null, contact: null, autoAssign }
        : {
            row: conversation,
            messageId: message_id,
            // Given by id: the caller has the contact. Found: as the database read it. Created: as stored here.
            contact: found ?? (create ? createdContactJson(conversation.contact_id, create.create) : null),
            autoAssign,
          };
  }
  // The statement answers one row per conversation given; it committed, so
  // a missing one is a fault to report, never a reason to store it again.
  for (let i = 0; i < list.length; i++)
    if (!stored[i]) throw new Error("a stored conversation was not read back");
  return stored;
}

/** One conversation, its first message and events, in one statement (see insertConversationsWithMessages). */
export async function insertConversationWithMessage(
  db: Executor,
  accountId: number,
  values: NewConversation,
): Promise<StoredConversation> {
  const [stored] = await insertConversationsWithMessages(db, accountId, [values]);
  if (!stored) throw new Error("the conversation was not stored");
  return stored;
}

/** One conversation of the account; `forUpdate` locks it for the rest of the transaction. */
export async function findConversation(
  db: Executor,
  accountId: number,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<ConversationRow | undefined> {
  let q = selectConversations(db, accountId).where("c.id", "=", id);
  if (opts.forUpdate) q = q.forUpdate("c");
  return q.executeTakeFirst();
}

/** Several conversations of the account, locked in id order (a stable order avoids deadlocks). */
export async function lockConversations(
  db: Executor,
  accountId: number,
  ids: number[],
): Promise<ConversationRow[]> {
  if (ids.length === 0) return [];
  return selectConversations(db, accountId).where("c.id", "in", ids).orderBy("c.id").forUpdate("c").execute();
}

/** The conversations of the account that have a team, locked in id order. */
export async function lockConversationsOfTeam(
  db: Executor,
  accountId: number,
  teamId: number,
): Promise<ConversationRow[]> {
  return selectConversations(db, accountId)
    .where("c.team_id", "=", teamId)
    .orderBy("c.id")
    .forUpdate("c")
    .execute();
}

/** Writes changed columns of a conversation. */
export async function updateConversationRow(
  db: Executor,
  accountId: number,
  id: number,
  changes: ConversationChanges,
): Promise<void> {
  const { search, ...rest } = changes;
  await db
    .updateTable("conversations")
    .set({
      ...rest,
      ...(search
        ? {
            search_text: search.text,
            search_tsv: sql<string>`to_tsvector('simple', ${search.terms})`,
          }
        : {}),
    })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}

/**
 * The query of one inbox page, newest activity first. The keyset
 * (last_message_at, id) matches the order of the conversations_* indexes, so
 * PostgreSQL walks an index from the cursor and stops after `limit` rows
 * instead of sorting the account's conversations.
 */
export function inboxQuery(
  db: Executor,
  accountId: number,
  filters: ConversationFilters,
  opts: { after: { at: Date; id: number } | null; limit: number },
) {
  let q = selectConversations(db, accountId);
  if (filters.assigneeId === null) q = q.where("c.assignee_id", "is", null);
  else if (filters.assigneeId !== undefined) q = q.where("c.assignee_id", "=", filters.assigneeId);
  if (filters.status !== undefined) q = q.where("c.status", "=", filters.status);
  if (filters.teamId !== undefined) q = q.where("c.team_id", "=", filters.teamId);
  if (filters.contactId !== undefined) q = q.where("c.contact_id", "=", filters.contactId);
  if (filters.tag !== undefined) {
    const tag = filters.tag;
    q = q.where(sql<boolean>`c.tags @> array[${tag}]::text[]`);
  }
  const after = opts.after;
  if (after) {
    q = q.where((eb) => eb(eb.refTuple("c.last_message_at", "c.id"), "<", eb.tuple(after.at, after.id)));
  }
  return q.orderBy("c.last_message_at", "desc").orderBy("c.id", "desc").limit(opts.limit);
}

/** One page of the inbox (see inboxQuery). */
export async function listConversationRows(
  db: Executor,
  accountId: number,
  filters: ConversationFilters,
  opts: { after: { at: Date; id: number } | null; limit: number },
): Promise<ConversationRow[]> {
  return inboxQuery(db, accountId, filters, opts).execute();
}

/**
 * Unsolved conversations per status, with how many of them are the user's
 * and how many are unassigned: one index-only pass over the partial
 * conversations_unsolved index, whose size follows the backlog.
 */
export async function countUnsolved(
  db: Executor,
  accountId: number,
  userId: number,
  unsolved: readonly string[],
): Promise<{ status: string; all: number; mine: number; unassigned: number }[]> {
  const rows = await db
    .selectFrom("conversations")
    .select((eb) => [
      "status",
      eb.fn.countAll<number>().as("all"),
      sql<number>`count(*) filter (where assignee_id = ${userId})`.as("mine"),
      sql<number>`count(*) filter (where assignee_id is null)`.as("unassigned"),
    ])
    .where("account_id", "=", accountId)
    .where("status", "in", unsolved)
    .groupBy("status")
    .execute();
  return rows.map((r) => ({
    status: r.status,
    all: Number(r.all),
    mine: Number(r.mine),
    unassigned: Number(r.unassigned),
  }));
}

/**
 * Conversations with one status, counted up to `cap`: solved and closed ones
 * grow without bound, and an exact count of a million would read a million
 * index entries on every inbox refresh.
 */
export async function countStatusUpTo(
  db: Executor,
  accountId: number,
  status: string,
  cap: number,
): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom("conversations")
        .select(sql<number>`1`.as("one"))
        .where("account_id", "=", accountId)
        .where("status", "=", status)
        .limit(cap)
        .as("s"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Which of the ids are active (not disabled) users of the account. */
export async function activeUserIds(db: Executor, accountId: number, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("users")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", "in", ids)
    .where("disabled_at", "is", null)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Whether the team exists in the account. The row is key-share locked, so a
 * deletion of the team running at the same time finishes first and the
 * answer is then "no", rather than the assignment failing on the foreign key.
 */
export async function teamExists(db: Executor, accountId: number, id: number): Promise<boolean> {
  const row = await db
    .selectFrom("teams")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .forKeyShare()
    .executeTakeFirst();
  return row !== undefined;
}

/** An event row with its actor's name. */
export interface EventRow {
  id: number;
  actor_user_id: number | null;
  actor_name: string | null;
  type: string;
  subject_type: string;
  subject_id: number | null;
  before: unknown;
  after: unknown;
  created_at: Date;
}

/** The events about one subject, oldest first. */
export async function subjectEvents(
  db: Executor,
  accountId: number,
  subjectType: string,
  subjectId: number,
  limit: number,
): Promise<EventRow[]> {
  return db
    .selectFrom("events as e")
    .leftJoin("users as u", (j) =>
      j.onRef("u.account_id", "=", "e.account_id").onRef("u.id", "=", "e.actor_user_id"),
    )
    .select([
      "e.id",
      "e.actor_user_id",
      "u.name as actor_name",
      "e.type",
      "e.subject_type",
      "e.subject_id",
      "e.before",
      "e.after",
      "e.created_at",
    ])
    .where("e.account_id", "=", accountId)
    .where("e.subject_type", "=", subjectType)
    .where("e.subject_id", "=", subjectId)
    .orderBy("e.id")
    .limit(limit)
    .execute();
}
