import type { Invitation, InvitationStatus, Me, Role } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Principal } from "../../platform/auth";
import { AppError } from "../../platform/errors";
import { recordEvent } from "../../platform/events";
import { hashToken, makeAccountToken, parseAccountToken } from "../../platform/tokens";
import { insertUser, normalizeEmail } from "../accounts/accounts.service";
import { loadMe, type SessionStart, startSession } from "../auth/auth.service";
import type { ClientInfo } from "../auth/client-info";
import { canInviteAs, canManageInvitations } from "./invitations.policy";
import {
  emailTaken,
  findByTokenHash,
  findInvitationForUpdate,
  insertInvitation,
  listInvitations as listInvitationRows,
  markAccepted,
  markRevoked,
  pendingForEmail,
} from "./invitations.repo";

/** Prefix of invitation tokens: `ki_<accountId>_<secret>`. */
export const INVITATION_TOKEN_PREFIX = "ki";
/** How long an invitation may be accepted. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const LIST_LIMIT = 200;

type InvitationRow = {
  id: number;
  email: string;
  name: string | null;
  role: string;
  invited_by: number | null;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
};

function statusOf(row: InvitationRow, now: Date): InvitationStatus {
  if (row.accepted_at) return "accepted";
  if (row.revoked_at) return "revoked";
  return row.expires_at.getTime() <= now.getTime() ? "expired" : "pending";
}

function toInvitation(row: InvitationRow, now: Date): Invitation {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    status: statusOf(row, now),
    invitedBy: row.invited_by,
    expiresAt: row.expires_at.toISOString(),
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** The account's invitations, newest first. */
export async function listInvitations(ctx: AppContext, principal: Principal): Promise<Invitation[]> {
  canManageInvitations(principal);
  const now = ctx.clock.now();
  const rows = await listInvitationRows(ctx.db, principal.accountId, LIST_LIMIT);
  return rows.map((row) => toInvitation(row, now));
}

/**
 * Invites someone by email. The link's token is returned once and stored
 * only as a hash; inviting the same email again replaces the pending
 * invitation, so a lost link can be re-sent.
 */
export async function createInvitation(
  ctx: AppContext,
  principal: Principal,
  input: { email: string; role: Role; name?: string | undefined },
): Promise<{ invitation: Invitation; url: string }> {
  canInviteAs(principal, input.role);
  const email = normalizeEmail(input.email);
  const token = makeAccountToken(INVITATION_TOKEN_PREFIX, principal.accountId);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    if (await emailTaken(tx, email)) throw new AppError("conflict", { detail: "conflict.email_taken" });
    const earlier = await pendingForEmail(tx, principal.accountId, email, now);
    await markRevoked(
      tx,
      principal.accountId,
      earlier.map((i) => i.id),
      now,
    );
    for (const old of earlier) {
      await recordEvent(tx, principal, {
        type: "invitation.revoked",
        subjectType: "invitation",
        subjectId: old.id,
        before: { status: "pending" },
        after: { status: "revoked", reason: "reissued" },
      });
    }
    const row = await insertInvitation(tx, {
      accountId: principal.accountId,
      email,
      name: input.name?.trim() ?? null,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: principal.userId,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      now,
    });
    const invitation = toInvitation(row, now);
    await recordEvent(tx, principal, {
      type: "invitation.created",
      subjectType: "invitation",
      subjectId: row.id,
      after: { email, role: row.role, name: row.name, expiresAt: invitation.expiresAt },
    });
    return { invitation, url: `/invite/${token}` };
  });
}

/** Revokes a pending invitation; 409 when it was already accepted. Revoking twice is harmless. */
export async function revokeInvitation(ctx: AppContext, principal: Principal, id: number): Promise<void> {
  canManageInvitations(principal);
  await ctx.db.transaction().execute(async (tx) => {
    const row = await findInvitationForUpdate(tx, principal.accountId, id);
    if (!row) throw new AppError("not_found", { resource: "resource.invitation" });
    if (row.accepted_at) throw new AppError("conflict", { detail: "conflict.invitation_accepted" });
    if (row.revoked_at) return;
    const now = ctx.clock.now();
    await markRevoked(tx, principal.accountId, [id], now);
    await recordEvent(tx, principal, {
      type: "invitation.revoked",
      subjectType: "invitation",
      subjectId: id,
      before: { status: statusOf(row, now) },
      after: { status: "revoked" },
    });
  });
}

function accountOfToken(token: string): number {
  const parsed = parseAccountToken(INVITATION_TOKEN_PREFIX, token);
  if (!parsed) throw new AppError("invitation_invalid");
  return parsed.accountId;
}

/** What an invitation offers, for the page that accepts it; 410 unless it is pending. */
export async function lookupInvitation(
  ctx: AppContext,
  token: string,
): Promise<{ email: string; role: Role; accountName: string; name: string | null }> {
  const accountId = accountOfToken(token);
  const row = await findByTokenHash(ctx.db, accountId, hashToken(token), false);
  if (!row || statusOf(row, ctx.clock.now()) !== "pending") throw new AppError("invitation_invalid");
  return { email: row.email, role: row.role as Role, accountName: row.account_name, name: row.name };
}

/**
 * Accepts an invitation: creates the user with the invited email and role and
 * signs them in. The invitation is locked, so a link works exactly once.
 */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; name: string; password: string },
  client: ClientInfo,
): Promise<{ user: Me; session: SessionStart }> {
  const accountId = accountOfToken(input.token);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findByTokenHash(tx, accountId, hashToken(input.token), true);
    const now = ctx.clock.now();
    if (!row || statusOf(row, now) !== "pending") throw new AppError("invitation_invalid");
    const user = await insertUser(tx, {
      accountId,
      email: row.email,
      name: input.name,
      role: row.role as Role,
      password: input.password,
      actorUserId: row.invited_by,
    });
    await markAccepted(tx, accountId, row.id, now);
    await recordEvent(
      tx,
      { accountId, userId: user.id },
      {
        type: "invitation.accepted",
        subjectType: "invitation",
        subjectId: row.id,
        before: { status: "pending" },
        after: { status: "accepted", userId: user.id },
      },
    );
    const session = await startSession(tx, ctx.clock, { accountId, userId: user.id }, client, "invitation");
    return { user: await loadMe(tx, accountId, user.id), session };
  });
}
