import type { Language, Role, UserSummary } from "@khidma/contracts";
import type { AppContext } from "../../app";
import { forgetCachedPrincipals, type Principal } from "../../platform/auth";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { diff, recordEvent } from "../../platform/events";
import { revokeTokensOfUser } from "../api-tokens/api-tokens.service";
import { endUserSessions } from "../auth/auth.service";
import { canChangeUser, canListUsers, canManageUsers } from "./users.policy";
import {
  existingUserIds,
  findUserForUpdate,
  listUsers as listUserRows,
  lockActiveOwnerIds,
  updateUser as updateUserRow,
} from "./users.repo";

type UserRow = {
  id: number;
  name: string;
  email: string;
  role: string;
  language: string | null;
  disabled_at: Date | null;
};

/** A user as GET /users lists it: the summary with its disabled flag always present. */
export type ListedUser = UserSummary & { disabled: boolean };

function toSummary(row: UserRow): ListedUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role as Role,
    language: (row.language as Language | null) ?? null,
    disabled: row.disabled_at !== null,
  };
}

/** Every user of the caller's account, disabled ones flagged. */
export async function listUsers(ctx: AppContext, principal: Principal): Promise<ListedUser[]> {
  canListUsers(principal);
  const rows = await listUserRows(ctx.db, principal.accountId);
  return rows.map(toSummary);
}

/** Throws 400 unless every id names a user of the account; used where users are referenced (teams). */
export async function assertUsersOfAccount(db: Executor, accountId: number, ids: number[]): Promise<void> {
  const wanted = [...new Set(ids)];
  const found = await existingUserIds(db, accountId, wanted);
  if (found.length !== wanted.length) {
    throw new AppError("validation_failed", { detail: "validation.member_ids" });
  }
}

/**
 * Changes a user's name, role or disabled state. The account always keeps an
 * active owner, nobody disables themselves, and disabling a user ends their
 * sessions and revokes their API tokens in the same transaction.
 */
export async function updateUser(
  ctx: AppContext,
  principal: Principal,
  userId: number,
  patch: { name?: string; role?: Role; disabled?: boolean },
): Promise<ListedUser> {
  canManageUsers(principal);
  const updated = await ctx.db.transaction().execute(async (tx) => {
    // Owners are locked before the target, in one order for every change, so
    // two concurrent changes wait for each other instead of deadlocking.
    const owners =
      patch.role !== undefined || patch.disabled === true
        ? await lockActiveOwnerIds(tx, principal.accountId)
        : [];
    const target = await findUserForUpdate(tx, principal.accountId, userId);
    if (!target) throw new AppError("not_found", { resource: "resource.user" });
    const before = toSummary(target);
    canChangeUser(principal, before, patch.role);

    const wanted: { name?: string; role?: Role; disabled?: boolean } = {};
    if (patch.name !== undefined) wanted.name = patch.name.trim();
    if (patch.role !== undefined) wanted.role = patch.role;
    if (patch.disabled !== undefined) wanted.disabled = patch.disabled;
    const changes = diff({ name: before.name, role: before.role, disabled: before.disabled }, wanted);
    if (!changes) return before;

    if (changes.after.disabled === true && target.id === principal.userId) {
      throw new AppError("conflict", { detail: "conflict.self" });
    }
    const stopsBeingActiveOwner =
      before.role === "owner" &&
      !before.disabled &&
      ((changes.after.role !== undefined && changes.after.role !== "owner") ||
        changes.after.disabled === true);
    if (stopsBeingActiveOwner && !owners.some((id) => id !== target.id)) {
      throw new AppError("conflict", { detail: "conflict.last_owner" });
    }

    const now = ctx.clock.now();
    await updateUserRow(tx, principal.accountId, target.id, {
      ...(changes.after.name !== undefined ? { name: changes.after.name } : {}),
      ...(changes.after.role !== undefined ? { role: changes.after.role } : {}),
      ...(changes.after.disabled !== undefined ? { disabled_at: changes.after.disabled ? now : null } : {}),
      updated_at: now,
    });
    let ended: { sessions: number; tokens: number } | undefined;
    if (changes.after.disabled === true) {
      ended = {
        sessions: await endUserSessions(tx, principal.accountId, target.id),
        tokens: await revokeTokensOfUser(tx, principal.accountId, target.id, now),
      };
    }
    await recordEvent(tx, principal, {
      type: "user.updated",
      subjectType: "user",
      subjectId: target.id,
      before: changes.before,
      after: ended ? { ...changes.after, ended } : changes.after,
    });
    return { ...before, ...changes.after };
  });
  // A cached token of this user must not keep the old role or access.
  await forgetCachedPrincipals(ctx.hub);
  return updated;
}
