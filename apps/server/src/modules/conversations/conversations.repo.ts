import { type RawBuilder, sql } from "kysely";
import { type Executor, PREPARED } from "../../platform/db";
import {
  type ContactJson,
  contactJsonByIdentifier,
  createdContactJson,
  type NewContactValues,
  newContactCtes,
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

/** A new conversation's row and its first message, as insertConversationWithMessage stores them. */
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

/** What insertConversationWithMessage did: nothing when no contact has the email or phone. */
export type StoredConversation = {
  autoAssign: boolean;
  /** The contact found by email or phone, or created (null when it was given by id, or not found). */
  contact: ContactJson | null;
} & ({ row: Omit<ConversationRow, "contact_name">; messageId: number } | { row: null; messageId: null });

/**
 * Stores a conversation, its first message (from its contact) and their two
 * events in ONE statement (data-modifying CTEs), so creating a conversation
 * costs one round trip and is atomic without an explicit transaction. The
 * first message is number 1 of the conversation's sequence. A contact given
 * by email or phone is looked up by the same statement, which stores nothing
 * when there is none; it also reads whether the account assigns automatically.
 */
export async function insertConversationWithMessage(
  db: Executor,
  accountId: number,
  values: NewConversation,
): Promise<StoredConversation> {
  const m = values.message;
  const who = values.contact;
  const actor = values.actor;
  // ct: the customer found (as ContactJson; null when given by id or created
  // here) and the id the conversation takes (null: nobody found). `found` is
  // materialized so its lookup runs once, however often the statement reads it.
  let ct: RawBuilder<unknown>;
  let before = sql``;
  // A created contact's event comes first, so the audit log reads in order.
  let contactEvent = sql``;
  if ("id" in who) ct = sql`select null::json as contact, ${who.id}::int8 as contact_id`;
  else {
    const found = sql`found as materialized (select ${contactJsonByIdentifier(accountId, who.email, who.phone)} as contact),`;
    if (who.orCreate) {
      const created = newContactCtes(accountId, who.orCreate.create);
      before = sql`${found}
    ${created.ctes},`;
      ct = sql`select found.contact, coalesce((found.contact->>'id')::int8, ${created.id}) as contact_id from found`;
      contactEvent = sql`select ${accountId}::int8, ${actor.userId}::int8, ${actor.tokenId}::int8, 'contact.created',
             'contact', nc.id, ${JSON.stringify(who.orCreate.createdAfter)}::jsonb, ${values.at}::timestamptz
        from nc
      union all
      `;
    } else {
      before = found;
      ct = sql`select found.contact, (found.contact->>'id')::int8 as contact_id from found`;
    }
  }
  // Raw SQL rather than the query builder: this runs once per new
  // conversation, and building the statement cost more than sending it.
  const { rows } = await sql<
    Omit<ConversationRow, "contact_name"> & {
      message_id: number | null;
      contact: ContactJson | null;
      auto_assign: boolean | null;
    }
  >`${sql.raw(PREPARED)}
    with ${before}
    ct as (${ct}),
    c as (
      insert into conversations (account_id, number, subject, status, priority, type, channel, language,
                                 contact_id, assignee_id, team_id, tags, preview, message_count, last_seq,
                                 last_message_at, solved_at, search_text, search_tsv, created_at, updated_at)
      select ${accountId}::int8, ${values.number}::int8, ${values.subject}::text, 'new', ${values.priority}::text,
             ${values.type}::text, ${values.channel}::text, ${values.language}::text, ct.contact_id,
             null, null, ${values.tags}::text[], ${values.preview}::text, 1, 1, ${values.at}::timestamptz, null,
             ${values.search.text}::text, to_tsvector('simple', ${values.search.terms}::text),
             ${values.at}::timestamptz, ${values.at}::timestamptz
        from ct where ct.contact_id is not null
      returning *
    ),
    m as (
      insert into messages (account_id, conversation_id, kind, body, author_user_id, author_contact_id,
                            mentions, search_text, search_tsv, created_at, seq)
      select ${accountId}::int8, c.id, ${m.kind}::text, ${m.body}::text, ${m.authorUserId}::int8,
             c.contact_id, '{}'::int8[], ${m.search.text}::text,
             to_tsvector('simple', ${m.search.terms}::text), ${values.at}::timestamptz, 1
        from c
      returning id
    ),
    e as (
      insert into events (account_id, actor_user_id, actor_token_id, type, subject_type, subject_id, after, created_at)
      ${contactEvent}select ${accountId}::int8, ${actor.userId}::int8, ${actor.tokenId}::int8, 'conversation.created',
             'conversation', c.id,
             ${JSON.stringify(values.createdAfter)}::jsonb || jsonb_build_object('contactId', c.contact_id),
             ${values.at}::timestamptz
        from c
      union all
      select ${accountId}::int8, ${actor.userId}::int8, ${actor.tokenId}::int8, 'message.created',
             'message', m.id, jsonb_build_object('conversationId', c.id, 'kind', ${m.kind}::text),
             ${values.at}::timestamptz
        from c, m
    )
    select ${rowColumnsSql}, m.id as message_id,
           ct.contact,
           (select rs.auto_assign from routing_settings rs where rs.account_id = ${accountId}) as auto_assign
      from ct left join (c cross join m) on true`.execute(db);
  const row = rows[0];
  if (!row) throw new Error("the conversation was not stored");
  const { message_id, contact: found, auto_assign, ...conversation } = row;
  const autoAssign = auto_assign ?? false;
  if (message_id === null) return { row: null, messageId: null, contact: null, autoAssign };
  // Given by id: the caller has the contact. Found: as the database read it. Created: as stored here.
  const contact =
    "id" in who
      ? null
      : (found ?? (who.orCreate ? createdContactJson(conversation.contact_id, who.orCreate.create) : null));
  return { row: conversation, messageId: message_id, contact, autoAssign };
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
