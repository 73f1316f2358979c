import type { Executor } from "../../platform/db";

/** Stored outgoing server settings; the password is encrypted. */
export interface SmtpStored {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  passwordEnc: string | null;
}

/** Stored mailbox settings for IMAP fetching. */
export interface ImapStored extends SmtpStored {
  mailbox: string;
}

/** Where the IMAP fetcher is in a mailbox. */
export interface ImapState {
  uidValidity: string | null;
  lastUid: number;
  lastError: string | null;
  lastPollAt: string | null;
}

/** An inbox row. */
export interface InboxRow {
  account_id: number;
  id: number;
  channel: string;
  name: string;
  address: string;
  signature: string | null;
  auto_ack: boolean;
  smtp: SmtpStored | null;
  imap: ImapStored | null;
  imap_state: ImapState | null;
  created_at: Date;
  updated_at: Date;
  disabled_at: Date | null;
}

const columns = [
  "account_id",
  "id",
  "channel",
  "name",
  "address",
  "signature",
  "auto_ack",
  "smtp",
  "imap",
  "imap_state",
  "created_at",
  "updated_at",
  "disabled_at",
] as const;

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** The account's active inboxes, oldest first. */
export async function listInboxRows(db: Executor, accountId: number): Promise<InboxRow[]> {
  return (await db
    .selectFrom("inboxes")
    .select(columns)
    .where("account_id", "=", accountId)
    .where("disabled_at", "is", null)
    .orderBy("id")
    .execute()) as InboxRow[];
}

/** One active inbox of the account. */
export async function findInboxRow(
  db: Executor,
  accountId: number,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<InboxRow | undefined> {
  let q = db
    .selectFrom("inboxes")
    .select(columns)
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where("disabled_at", "is", null);
  if (opts.forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) as InboxRow | undefined;
}

/** The active inbox that receives mail at an address, in whatever account. */
export async function findInboxRowByAddress(db: Executor, address: string): Promise<InboxRow | undefined> {
  return (await db
    .selectFrom("inboxes")
    .select(columns)
    .where("address", "=", address.toLowerCase())
    .where("disabled_at", "is", null)
    .executeTakeFirst()) as InboxRow | undefined;
}

/** Every active inbox that fetches by IMAP, across accounts (the fetcher's work list). */
export async function listImapInboxRows(db: Executor): Promise<InboxRow[]> {
  return (await db
    .selectFrom("inboxes")
    .select(columns)
    .where("imap", "is not", null)
    .where("disabled_at", "is", null)
    .orderBy("id")
    .execute()) as InboxRow[];
}

/** Inserts an inbox. */
export async function insertInboxRow(
  db: Executor,
  accountId: number,
  values: {
    name: string;
    address: string;
    signature: string | null;
    autoAck: boolean;
    smtp: SmtpStored | null;
    imap: ImapStored | null;
    at: Date;
  },
): Promise<InboxRow> {
  return (await db
    .insertInto("inboxes")
    .values({
      account_id: accountId,
      channel: "email",
      name: values.name,
      address: values.address,
      signature: values.signature,
      auto_ack: values.autoAck,
      smtp: json(values.smtp),
      imap: json(values.imap),
      imap_state: null,
      created_at: values.at,
      updated_at: values.at,
      disabled_at: null,
    })
    .returning(columns)
    .executeTakeFirstOrThrow()) as InboxRow;
}

/** Changes an inbox. */
export async function updateInboxRow(
  db: Executor,
  accountId: number,
  id: number,
  set: {
    name?: string;
    address?: string;
    signature?: string | null;
    autoAck?: boolean;
    smtp?: SmtpStored | null;
    imap?: ImapStored | null;
    imapState?: ImapState | null;
    disabledAt?: Date;
    at: Date;
  },
): Promise<InboxRow> {
  return (await db
    .updateTable("inboxes")
    .set({
      ...(set.name !== undefined ? { name: set.name } : {}),
      ...(set.address !== undefined ? { address: set.address } : {}),
      ...(set.signature !== undefined ? { signature: set.signature } : {}),
      ...(set.autoAck !== undefined ? { auto_ack: set.autoAck } : {}),
      ...(set.smtp !== undefined ? { smtp: json(set.smtp) } : {}),
      ...(set.imap !== undefined ? { imap: json(set.imap) } : {}),
      ...(set.imapState !== undefined ? { imap_state: json(set.imapState) } : {}),
      ...(set.disabledAt !== undefined ? { disabled_at: set.disabledAt } : {}),
      updated_at: set.at,
    })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .returning(columns)
    .executeTakeFirstOrThrow()) as InboxRow;
}

/** Records the IMAP fetcher's progress; does not touch updated_at (not an admin change). */
export async function saveImapStateRow(
  db: Executor,
  accountId: number,
  id: number,
  state: ImapState,
): Promise<void> {
  await db
    .updateTable("inboxes")
    .set({ imap_state: JSON.stringify(state) })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}
