import { type RawBuilder, sql } from "kysely";
import type { Executor } from "../../platform/db";

/** A contacts row as the service reads it. */
export interface ContactRow {
  id: number;
  name: string;
  language: string | null;
  company: string | null;
  attributes: unknown;
  created_at: Date;
  updated_at: Date;
}

/** One stored email or phone. */
export interface IdentifierRow {
  contact_id: number;
  kind: "email" | "phone";
  value: string;
  position: number;
  /** Set when mail to this address bounced; read by the contact's presentation. */
  bounced_at?: Date | string | null;
  bounce_reason?: string | null;
}

const contactColumns = [
  "id",
  "name",
  "language",
  "company",
  "attributes",
  "created_at",
  "updated_at",
] as const;

/** Inserts a contact row with its search columns. */
export async function insertContact(
  db: Executor,
  accountId: number,
  values: {
    name: string;
    language: string | null;
    company: string | null;
    attributes: Record<string, unknown>;
    search: { text: string; terms: string };
    at: Date;
  },
): Promise<ContactRow> {
  return db
    .insertInto("contacts")
    .values({
      account_id: accountId,
      name: values.name,
      language: values.language,
      company: values.company,
      attributes: JSON.stringify(values.attributes),
      search_text: values.search.text,
      search_tsv: sql<string>`to_tsvector('simple', ${values.search.terms})`,
      created_at: values.at,
      updated_at: values.at,
    })
    .returning(contactColumns)
    .executeTakeFirstOrThrow();
}

/** Updates a contact row; the search columns are always rewritten. */
export async function updateContactRow(
  db: Executor,
  accountId: number,
  id: number,
  values: {
    name: string;
    language: string | null;
    company: string | null;
    attributes: Record<string, unknown>;
    search: { text: string; terms: string };
    at: Date;
  },
): Promise<ContactRow> {
  return db
    .updateTable("contacts")
    .set({
      name: values.name,
      language: values.language,
      company: values.company,
      attributes: JSON.stringify(values.attributes),
      search_text: values.search.text,
      search_tsv: sql<string>`to_tsvector('simple', ${values.search.terms})`,
      updated_at: values.at,
    })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .returning(contactColumns)
    .executeTakeFirstOrThrow();
}

/** Deletes a contact row (its identifiers go with it). */
export async function deleteContactRow(db: Executor, accountId: number, id: number): Promise<void> {
  await db.deleteFrom("contacts").where("account_id", "=", accountId).where("id", "=", id).execute();
}

/** One contact of the account, optionally locked for update. */
export async function findContact(
  db: Executor,
  accountId: number,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<ContactRow | undefined> {
  let q = db
    .selectFrom("contacts")
    .select(contactColumns)
    .where("account_id", "=", accountId)
    .where("id", "=", id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Contacts newest first, after the keyset position `beforeId`. */
export async function listContactRows(
  db: Executor,
  accountId: number,
  opts: { beforeId: number | null; limit: number },
): Promise<ContactRow[]> {
  let q = db.selectFrom("contacts").select(contactColumns).where("account_id", "=", accountId);
  if (opts.beforeId !== null) q = q.where("id", "<", opts.beforeId);
  return q.orderBy("id", "desc").limit(opts.limit).execute();
}

/** The identifiers of some contacts, in their stored order. */
export async function identifiersOf(
  db: Executor,
  accountId: number,
  contactIds: number[],
): Promise<IdentifierRow[]> {
  if (contactIds.length === 0) return [];
  return db
    .selectFrom("contact_identifiers")
    .select(["contact_id", "kind", "value", "position", "bounced_at", "bounce_reason"])
    .where("account_id", "=", accountId)
    .where("contact_id", "in", contactIds)
    .orderBy("contact_id")
    .orderBy("kind")
    .orderBy("position")
    .execute();
}

/** The contact that owns an email or phone, if any. */
export async function contactIdByIdentifier(
  db: Executor,
  accountId: number,
  kind: "email" | "phone",
  value: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("contact_identifiers")
    .select("contact_id")
    .where("account_id", "=", accountId)
    .where("kind", "=", kind)
    .where("value", "=", value)
    .executeTakeFirst();
  return row?.contact_id;
}

/**
 * Stores identifiers for a contact. The primary key (account, kind, value)
 * settles races between two writers; the values another contact already
 * holds are returned instead of raising, so the transaction stays usable.
 */
export async function insertIdentifiers(
  db: Executor,
  accountId: number,
  contactId: number,
  identifiers: { kind: "email" | "phone"; value: string; position: number }[],
): Promise<{ kind: "email" | "phone"; value: string }[]> {
  if (identifiers.length === 0) return [];
  const inserted = await db
    .insertInto("contact_identifiers")
    .values(identifiers.map((i) => ({ account_id: accountId, contact_id: contactId, ...i })))
    .onConflict((oc) => oc.columns(["account_id", "kind", "value"]).doNothing())
    .returning(["kind", "value"])
    .execute();
  const stored = new Set(inserted.map((r) => `${r.kind}:${r.value}`));
  return identifiers.filter((i) => !stored.has(`${i.kind}:${i.value}`));
}

/** Removes every identifier of one kind from a contact. */
export async function deleteIdentifiers(
  db: Executor,
  accountId: number,
  contactId: number,
  kind: "email" | "phone",
): Promise<void> {
  await db
    .deleteFrom("contact_identifiers")
    .where("account_id", "=", accountId)
    .where("contact_id", "=", contactId)
    .where("kind", "=", kind)
    .execute();
}

/** A contact with its identifiers as one JSON value (timestamps as text), as presentContactJson reads it. */
export interface ContactJson {
  id: number;
  name: string;
  language: string | null;
  company: string | null;
  attributes: unknown;
  created_at: string;
  updated_at: string;
  identifiers: {
    contact_id: number;
    kind: "email" | "phone";
    value: string;
    position: number;
    bounced_at: string | null;
    bounce_reason: string | null;
  }[];
}

/**
 * A contact as one JSON value (ContactJson), built from a contacts row
 * aliased `ct` and its identifier rows aliased `i`, which `identifiers`
 * names (a FROM item with its conditions).
 */
function contactJsonObject(identifiers: RawBuilder<unknown>) {
  return sql`json_build_object(
           'id', ct.id, 'name', ct.name, 'language', ct.language, 'company', ct.company,
           'attributes', ct.attributes, 'created_at', ct.created_at, 'updated_at', ct.updated_at,
           'identifiers', (select coalesce(json_agg(json_build_object(
               'contact_id', i.contact_id, 'kind', i.kind, 'value', i.value, 'position', i.position,
               'bounced_at', i.bounced_at, 'bounce_reason', i.bounce_reason)
             order by i.kind, i.position), '[]')
             from ${identifiers}))`;
}

/**
 * A scalar subquery for statements that read several things in one round
 * trip: the contact that owns the email (first) or the phone, as ContactJson,
 * or null. The account, the email and the phone are values, or columns of
 * the enclosing statement. Two lookups rather than one with OR: each is
 * then one probe of the identifiers' primary key, whether email and phone
 * are values or columns.
 */
export function contactJsonByIdentifier(
  accountId: number | RawBuilder<number>,
  email: string | null | RawBuilder<string | null>,
  phone: string | null | RawBuilder<string | null>,
) {
  return sql<ContactJson | null>`(select ${contactJsonObject(
    sql`contact_identifiers i where i.account_id = ct.account_id and i.contact_id = ct.id`,
  )}
      from contacts ct
     where ct.account_id = ${accountId}
       and ct.id = coalesce(
             (select ci.contact_id from contact_identifiers ci
               where ci.account_id = ${accountId} and ci.kind = 'email' and ci.value = ${email}::text),
             (select ci.contact_id from contact_identifiers ci
               where ci.account_id = ${accountId} and ci.kind = 'phone' and ci.value = ${phone}::text)))`;
}

/** A new contact that another module's statement stores (see insertConversationsWithMessages). */
export interface NewContactValues {
  name: string;
  language: string | null;
  email: string | null;
  phone: string | null;
  search: { text: string; terms: string };
  at: Date;
}

/**
 * A contact another statement stored under `id` from these values, as
 * ContactJson (identifiers by kind, as the database orders them), built here
 * rather than read back.
 */
export function createdContactJson(id: number, v: NewContactValues): ContactJson {
  const at = v.at.toISOString();
  const identifiers: ContactJson["identifiers"] = [];
  for (const [kind, value] of [
    ["email", v.email],
    ["phone", v.phone],
  ] as const) {
    if (value !== null)
      identifiers.push({ contact_id: id, kind, value, position: 0, bounced_at: null, bounce_reason: null });
  }
  return {
    id,
    name: v.name,
    language: v.language,
    company: null,
    attributes: {},
    created_at: at,
    updated_at: at,
    identifiers,
  };
}
