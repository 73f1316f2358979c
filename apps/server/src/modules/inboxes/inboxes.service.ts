import type { Inbox, InboxImap, InboxSmtp } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Principal } from "../../platform/auth";
import { encryptSecret } from "../../platform/crypto";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { recordEvent } from "../../platform/events";
import { canManageInboxes } from "./inboxes.policy";
import {
  findInboxRow,
  findInboxRowByAddress,
  type ImapState,
  type ImapStored,
  type InboxRow,
  insertInboxRow,
  listImapInboxRows,
  listInboxRows,
  type SmtpStored,
  saveImapStateRow,
  updateInboxRow,
} from "./inboxes.repo";

export type { ImapState, ImapStored, InboxRow, SmtpStored } from "./inboxes.repo";

/** Server settings as an admin gives them; password undefined keeps the stored one. */
export interface ServerInput {
  host: string;
  port: number;
  secure?: boolean | undefined;
  user?: string | null | undefined;
  password?: string | null | undefined;
  mailbox?: string | undefined;
}

/** What an inbox is made of, as an admin gives it. */
export interface InboxInput {
  name?: string | undefined;
  address?: string | undefined;
  signature?: string | null | undefined;
  autoAck?: boolean | undefined;
  smtp?: ServerInput | null | undefined;
  imap?: ServerInput | null | undefined;
}

const UNIQUE_VIOLATION = "23505";

function presentSmtp(s: SmtpStored): InboxSmtp {
  return { host: s.host, port: s.port, secure: s.secure, user: s.user, hasPassword: Boolean(s.passwordEnc) };
}

/** An inbox row as the API shows it: passwords never leave the server. */
export function presentInbox(row: InboxRow): Inbox {
  const imap: InboxImap | null = row.imap ? { ...presentSmtp(row.imap), mailbox: row.imap.mailbox } : null;
  return {
    id: row.id,
    channel: "email",
    name: row.name,
    address: row.address,
    signature: row.signature,
    autoAck: row.auto_ack,
    smtp: row.smtp ? presentSmtp(row.smtp) : null,
    imap,
    imapStatus: row.imap_state
      ? { lastError: row.imap_state.lastError, lastPollAt: row.imap_state.lastPollAt }
      : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

// The audit trail shows what changed, never a password (not even encrypted).
function auditView(inbox: Inbox) {
  const { createdAt: _c, updatedAt: _u, imapStatus: _s, ...rest } = inbox;
  return rest;
}

function sealServer(
  ctx: AppContext,
  input: ServerInput,
  previous: SmtpStored | null,
): SmtpStored & { mailbox?: string } {
  let passwordEnc = previous?.passwordEnc ?? null;
  if (input.password === null) passwordEnc = null;
  else if (input.password !== undefined) passwordEnc = encryptSecret(ctx.config, input.password);
  return {
    host: input.host.toLowerCase(),
    port: input.port,
    secure: input.secure ?? (input.port === 465 || input.port === 993),
    user: input.user ?? null,
    passwordEnc,
  };
}

function sealImap(ctx: AppContext, input: ServerInput, previous: ImapStored | null): ImapStored {
  return { ...sealServer(ctx, input, previous), mailbox: input.mailbox ?? previous?.mailbox ?? "INBOX" };
}

async function guardAddress<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) {
      throw new AppError("conflict", { detail: "conflict.inbox_address_taken" });
    }
    throw err;
  }
}

async function checkAddress(db: Executor, address: string, exceptId: number | null): Promise<void> {
  const owner = await findInboxRowByAddress(db, address);
  if (owner && owner.id !== exceptId)
    throw new AppError("conflict", { detail: "conflict.inbox_address_taken" });
}

/** The account's inboxes. */
export async function listInboxes(ctx: AppContext, principal: Principal): Promise<Inbox[]> {
  canManageInboxes(principal);
  return (await listInboxRows(ctx.db, principal.accountId)).map(presentInbox);
}

/** One inbox of the account; 404 otherwise. */
export async function getInbox(ctx: AppContext, principal: Principal, id: number): Promise<Inbox> {
  canManageInboxes(principal);
  const row = await findInboxRow(ctx.db, principal.accountId, id);
  if (!row) throw new AppError("not_found", { resource: "resource.inbox" });
  return presentInbox(row);
}

/** Creates an email inbox; its address is unique among active inboxes of all accounts. */
export async function createInbox(
  ctx: AppContext,
  principal: Principal,
  input: InboxInput & { name: string; address: string },
): Promise<Inbox> {
  canManageInboxes(principal);
  const address = input.address.trim().toLowerCase();
  const name = input.name.trim();
  const smtp = input.smtp ? sealServer(ctx, input.smtp, null) : null;
  const imap = input.imap ? sealImap(ctx, input.imap, null) : null;
  return guardAddress(() =>
    ctx.db.transaction().execute(async (tx) => {
      await checkAddress(tx, address, null);
      const at = ctx.clock.now();
      const row = await insertInboxRow(tx, principal.accountId, {
        name,
        address,
        signature: input.signature ?? null,
        autoAck: input.autoAck ?? false,
        smtp,
        imap,
        at,
      });
      const inbox = presentInbox(row);
      await recordEvent(tx, principal, {
        type: "inbox.created",
        subjectType: "inbox",
        subjectId: row.id,
        after: auditView(inbox),
        at,
      });
      return inbox;
    }),
  );
}

/** Changes an inbox; a changed mailbox starts fetching afresh. */
export async function updateInbox(
  ctx: AppContext,
  principal: Principal,
  id: number,
  input: InboxInput,
): Promise<Inbox> {
  canManageInboxes(principal);
  if (Object.values(input).every((v) => v === undefined)) {
    throw new AppError("validation_failed", { detail: "validation.empty_update" });
  }
  return guardAddress(() =>
    ctx.db.transaction().execute(async (tx) => {
      const row = await findInboxRow(tx, principal.accountId, id, { forUpdate: true });
      if (!row) throw new AppError("not_found", { resource: "resource.inbox" });
      const at = ctx.clock.now();
      const address = input.address?.trim().toLowerCase();
      if (address !== undefined && address !== row.address) await checkAddress(tx, address, id);
      const imap =
        input.imap === undefined
          ? undefined
          : input.imap === null
            ? null
            : sealImap(ctx, input.imap, row.imap);
      const mailboxChanged =
        imap !== undefined &&
        (imap === null ||
          !row.imap ||
          imap.host !== row.imap.host ||
          imap.user !== row.imap.user ||
          imap.mailbox !== row.imap.mailbox);
      const updated = await updateInboxRow(tx, principal.accountId, id, {
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(address !== undefined ? { address } : {}),
        ...(input.signature !== undefined ? { signature: input.signature } : {}),
        ...(input.autoAck !== undefined ? { autoAck: input.autoAck } : {}),
        ...(input.smtp !== undefined
          ? { smtp: input.smtp === null ? null : sealServer(ctx, input.smtp, row.smtp) }
          : {}),
        ...(imap !== undefined ? { imap } : {}),
        ...(mailboxChanged ? { imapState: null } : {}),
        at,
      });
      const before = auditView(presentInbox(row));
      const after = auditView(presentInbox(updated));
      await recordEvent(tx, principal, {
        type: "inbox.updated",
        subjectType: "inbox",
        subjectId: id,
        before,
        after,
        at,
      });
      return presentInbox(updated);
    }),
  );
}

/**
 * Disables an inbox: it stops receiving and fetching, its address is free
 * again, and its conversations keep their history.
 */
export async function deleteInbox(ctx: AppContext, principal: Principal, id: number): Promise<void> {
  canManageInboxes(principal);
  await ctx.db.transaction().execute(async (tx) => {
    const row = await findInboxRow(tx, principal.accountId, id, { forUpdate: true });
    if (!row) throw new AppError("not_found", { resource: "resource.inbox" });
    const at = ctx.clock.now();
    await updateInboxRow(tx, principal.accountId, id, { disabledAt: at, at });
    await recordEvent(tx, principal, {
      type: "inbox.deleted",
      subjectType: "inbox",
      subjectId: id,
      before: auditView(presentInbox(row)),
      at,
    });
  });
}

/** The active inbox receiving mail at an address (any account), for the SMTP receiver. */
export function inboxByAddress(db: Executor, address: string): Promise<InboxRow | undefined> {
  return findInboxRowByAddress(db, address);
}

/** One active inbox of an account, for services (no policy: callers have checked access). */
export function inboxOfAccount(db: Executor, accountId: number, id: number): Promise<InboxRow | undefined> {
  return findInboxRow(db, accountId, id);
}

/** Active inboxes with IMAP settings, across accounts. */
export function imapInboxes(db: Executor): Promise<InboxRow[]> {
  return listImapInboxRows(db);
}

/** Records the IMAP fetcher's progress in a mailbox. */
export function saveImapState(db: Executor, accountId: number, id: number, state: ImapState): Promise<void> {
  return saveImapStateRow(db, accountId, id, state);
}
