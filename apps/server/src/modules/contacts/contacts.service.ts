import type { Contact, Language, Page } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { type Actor, diff, recordEvent } from "../../platform/events";
import { decodeCursor, encodeCursor, PAGE_DEFAULT } from "../../platform/pagination";
import { searchDocument } from "../../platform/text";
import {
  type ContactJson,
  type ContactRow,
  contactIdByIdentifier,
  deleteContactRow,
  deleteIdentifiers,
  findContact,
  type IdentifierRow,
  identifiersOf,
  insertContact,
  insertIdentifiers,
  listContactRows,
  type NewContactValues,
  updateContactRow,
} from "./contacts.repo";

/** What a contact is made of, as given by a caller. */
export interface ContactInput {
  name: string;
  emails?: string[] | undefined;
  phones?: string[] | undefined;
  language?: Language | null | undefined;
  company?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
}

const EMAIL = /^[^\s@"<>(),;:\\]+@[^\s@"<>(),;:\\.]+(\.[^\s@"<>(),;:\\.]+)+$/;
const ATTRIBUTES_MAX_BYTES = 16_384;

/** Trims and lower-cases an email; throws 400 when it is not an address. */
export function normalizeContactEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new AppError("validation_failed", { detail: "validation.email_invalid" });
  }
  return email;
}

/**
 * Reduces a phone number to digits with an optional leading +: Arabic-Indic
 * and Persian digits become Latin, spaces, dashes, dots and brackets go, and
 * a 00 international prefix becomes +. Throws 400 unless 6 to 15 digits remain.
 */
export function normalizePhone(raw: string): string {
  let phone = raw
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\s\-.()\u200e\u200f\u202a-\u202e]/g, "");
  if (phone.startsWith("00")) phone = `+${phone.slice(2)}`;
  if (!/^\+?\d{6,15}$/.test(phone)) {
    throw new AppError("validation_failed", { detail: "validation.phone_invalid" });
  }
  return phone;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function checkAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(attributes).length > ATTRIBUTES_MAX_BYTES) {
    throw new AppError("validation_failed", { detail: "validation.attributes_too_large" });
  }
  return attributes;
}

function bouncesOf(identifiers: IdentifierRow[]): Pick<Contact, "bounces"> {
  const bounces = identifiers.flatMap((i) =>
    i.kind === "email" && i.bounced_at
      ? [{ email: i.value, bouncedAt: new Date(i.bounced_at).toISOString(), reason: i.bounce_reason ?? null }]
      : [],
  );
  return bounces.length ? { bounces } : {};
}

function present(row: ContactRow, identifiers: IdentifierRow[]): Contact {
  const mine = identifiers.filter((i) => i.contact_id === row.id);
  return {
    id: row.id,
    name: row.name,
    emails: mine.filter((i) => i.kind === "email").map((i) => i.value),
    phones: mine.filter((i) => i.kind === "phone").map((i) => i.value),
    // Present only when an address bounced, so contacts without bounces look as before.
    ...bouncesOf(mine),
    language: row.language as Language | null,
    company: row.company,
    attributes: (row.attributes ?? {}) as Record<string, unknown>,
    createdAt: row.created_at.toISOString(),
  };
}

function searchOf(name: string, emails: string[], phones: string[], company: string | null) {
  return searchDocument(name, emails.join(" "), phones.join(" "), company);
}

function identifierRows(emails: string[], phones: string[]) {
  return [
    ...emails.map((value, position) => ({ kind: "email" as const, value, position })),
    ...phones.map((value, position) => ({ kind: "phone" as const, value, position })),
  ];
}

async function refuseTaken(
  db: Executor,
  accountId: number,
  identifiers: { kind: "email" | "phone"; value: string }[],
  ownId: number | null,
): Promise<void> {
  for (const i of identifiers) {
    const owner = await contactIdByIdentifier(db, accountId, i.kind, i.value);
    if (owner !== undefined && owner !== ownId) throw new AppError("duplicate_contact", { value: i.value });
  }
}

/** Loads one contact of the account for the API; 404 when it is not there (or belongs to another account). */
export async function getContact(db: Executor, accountId: number, id: number): Promise<Contact> {
  const row = await findContact(db, accountId, id);
  if (!row) throw new AppError("not_found", { resource: "resource.contact" });
  return present(row, await identifiersOf(db, accountId, [id]));
}

/** Creates a contact inside the caller's transaction and records `contact.created`. */
export async function insertContactIn(
  tx: Executor,
  actor: Actor,
  at: Date,
  input: ContactInput,
): Promise<Contact> {
  const emails = unique((input.emails ?? []).map(normalizeContactEmail));
  const phones = unique((input.phones ?? []).map(normalizePhone));
  const name = input.name.trim();
  const company = input.company?.trim() || null;
  const attributes = checkAttributes(input.attributes ?? {});
  const identifiers = identifierRows(emails, phones);
  await refuseTaken(tx, actor.accountId, identifiers, null);
  const row = await insertContact(tx, actor.accountId, {
    name,
    language: input.language ?? null,
    company,
    attributes,
    search: searchOf(name, emails, phones, company),
    at,
  });
  const taken = await insertIdentifiers(tx, actor.accountId, row.id, identifiers);
  // Another writer stored the same address between our check and our insert.
  if (taken[0]) throw new AppError("duplicate_contact", { value: taken[0].value });
  const contact = present(
    row,
    identifiers.map((i) => ({ ...i, contact_id: row.id })),
  );
  await recordEvent(tx, actor, {
    type: "contact.created",
    subjectType: "contact",
    subjectId: row.id,
    after: { name, emails, phones, language: contact.language, company, attributes },
  });
  return contact;
}

/** Creates a contact in its own transaction; 409 duplicate_contact when an email or phone is taken. */
export async function createContact(ctx: AppContext, actor: Actor, input: ContactInput): Promise<Contact> {
  return ctx.db.transaction().execute((tx) => insertContactIn(tx, actor, ctx.clock.now(), input));
}

/** The customer's email and phone as stored (normalised); 400 when neither is given. */
export function contactIdentity(input: { email?: string | undefined; phone?: string | undefined }): {
  email: string | null;
  phone: string | null;
} {
  const email = input.email !== undefined ? normalizeContactEmail(input.email) : null;
  const phone = input.phone !== undefined ? normalizePhone(input.phone) : null;
  if (email === null && phone === null) {
    throw new AppError("validation_failed", { detail: "validation.contact_identity" });
  }
  return { email, phone };
}

/**
 * A new customer as another module's statement stores it (see
 * insertConversationsWithMessages), with the `after` of its contact.created
 * event: the same row, identifiers and event as findOrCreateContact makes.
 */
export function newContact(
  input: { name: string },
  identity: { email: string | null; phone: string | null },
  language: Language | null,
  at: Date,
): { create: NewContactValues; createdAfter: Record<string, unknown> } {
  const name = input.name.trim();
  const emails = identity.email ? [identity.email] : [];
  const phones = identity.phone ? [identity.phone] : [];
  return {
    create: { name, language, ...identity, search: searchOf(name, emails, phones, null), at },
    createdAfter: { name, emails, phones, language },
  };
}

/** A contact another module read as JSON in a combined statement (timestamps as text). */
export function presentContactJson(json: ContactJson): Contact {
  const { identifiers, ...row } = json;
  return present(
    { ...row, created_at: new Date(row.created_at), updated_at: new Date(row.updated_at) },
    identifiers,
  );
}

/**
 * The contact that owns the email (first) or the phone, or a new one made
 * from the input, inside the caller's transaction. A concurrent creation of
 * the same customer ends with both callers holding the one stored contact.
 */
export async function findOrCreateContact(
  tx: Executor,
  actor: Actor,
  at: Date,
  input: { name: string; email?: string | undefined; phone?: string | undefined; language: Language | null },
  /** The caller has just looked and found none: skip straight to creating (a race is still handled). */
  opts: { lookedUp?: boolean } = {},
): Promise<{ contact: Contact; created: boolean }> {
  const email = input.email !== undefined ? normalizeContactEmail(input.email) : null;
  const phone = input.phone !== undefined ? normalizePhone(input.phone) : null;
  if (email === null && phone === null) {
    throw new AppError("validation_failed", { detail: "validation.contact_identity" });
  }
  const existing = opts.lookedUp ? undefined : await lookup(tx, actor.accountId, email, phone);
  if (existing !== undefined)
    return { contact: await getContact(tx, actor.accountId, existing), created: false };

  const name = input.name.trim();
  const emails = email ? [email] : [];
  const phones = phone ? [phone] : [];
  const row = await insertContact(tx, actor.accountId, {
    name,
    language: input.language,
    company: null,
    attributes: {},
    search: searchOf(name, emails, phones, null),
    at,
  });
  const identifiers = identifierRows(emails, phones);
  const taken = await insertIdentifiers(tx, actor.accountId, row.id, identifiers);
  if (taken.length > 0) {
    await deleteContactRow(tx, actor.accountId, row.id);
    const winner = await lookup(tx, actor.accountId, email, phone);
    if (winner === undefined) throw new AppError("conflict", { detail: "conflict.retry" });
    return { contact: await getContact(tx, actor.accountId, winner), created: false };
  }
  await recordEvent(tx, actor, {
    type: "contact.created",
    subjectType: "contact",
    subjectId: row.id,
    after: { name, emails, phones, language: input.language },
  });
  return {
    contact: present(
      row,
      identifiers.map((i) => ({ ...i, contact_id: row.id })),
    ),
    created: true,
  };
}

async function lookup(
  db: Executor,
  accountId: number,
  email: string | null,
  phone: string | null,
): Promise<number | undefined> {
  if (email !== null) {
    const id = await contactIdByIdentifier(db, accountId, "email", email);
    if (id !== undefined) return id;
  }
  if (phone !== null) return contactIdByIdentifier(db, accountId, "phone", phone);
  return undefined;
}

/** Contacts of the account, newest first. */
export async function listContacts(
  ctx: AppContext,
  actor: Actor,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Contact>> {
  const limit = query.limit ?? PAGE_DEFAULT;
  const beforeId = query.cursor ? (decodeCursor(query.cursor, ["n"])[0] as number) : null;
  const rows = await listContactRows(ctx.db, actor.accountId, { beforeId, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const identifiers = await identifiersOf(
    ctx.db,
    actor.accountId,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => present(r, identifiers)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
  };
}

/** Changes a contact; given email or phone lists replace the stored ones. Records `contact.updated`. */
export async function updateContact(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: Partial<ContactInput>,
): Promise<Contact> {
  if (Object.keys(input).length === 0) {
    throw new AppError("validation_failed", { detail: "validation.empty_update" });
  }
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findContact(tx, actor.accountId, id, { forUpdate: true });
    if (!row) throw new AppError("not_found", { resource: "resource.contact" });
    const before = present(row, await identifiersOf(tx, actor.accountId, [id]));
    const emails = input.emails ? unique(input.emails.map(normalizeContactEmail)) : before.emails;
    const phones = input.phones ? unique(input.phones.map(normalizePhone)) : before.phones;
    const name = input.name !== undefined ? input.name.trim() : before.name;
    const company = input.company !== undefined ? input.company?.trim() || null : before.company;
    const language = input.language !== undefined ? input.language : before.language;
    const attributes = input.attributes !== undefined ? checkAttributes(input.attributes) : before.attributes;

    const changes = diff(
      {
        name: before.name,
        emails: before.emails,
        phones: before.phones,
        language: before.language,
        company: before.company,
        attributes: before.attributes,
      },
      { name, emails, phones, language, company, attributes },
    );
    if (!changes) return before;

    const identifiers = identifierRows(emails, phones);
    await refuseTaken(tx, actor.accountId, identifiers, id);
    for (const kind of ["email", "phone"] as const) {
      const field = kind === "email" ? "emails" : "phones";
      if (!(field in changes.after)) continue;
      await deleteIdentifiers(tx, actor.accountId, id, kind);
      const taken = await insertIdentifiers(
        tx,
        actor.accountId,
        id,
        identifiers.filter((i) => i.kind === kind),
      );
      if (taken[0]) throw new AppError("duplicate_contact", { value: taken[0].value });
    }
    const updated = await updateContactRow(tx, actor.accountId, id, {
      name,
      language,
      company,
      attributes,
      search: searchOf(name, emails, phones, company),
      at: ctx.clock.now(),
    });
    await recordEvent(tx, actor, {
      type: "contact.updated",
      subjectType: "contact",
      subjectId: id,
      before: changes.before,
      after: changes.after,
    });
    return present(
      updated,
      identifiers.map((i) => ({ ...i, contact_id: id })),
    );
  });
}
