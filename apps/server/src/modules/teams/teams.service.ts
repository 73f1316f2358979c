import type { Team } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Principal } from "../../platform/auth";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { recordEvent } from "../../platform/events";
import { transact } from "../../platform/realtime-publish";
import { unassignTeam } from "../conversations/assignment.service";
import { assertUsersOfAccount } from "../users/users.service";
import { canListTeams, canManageTeams } from "./teams.policy";
import {
  deleteTeam as deleteTeamRow,
  findTeamForUpdate,
  insertTeam,
  listMembers,
  listTeams as listTeamRows,
  nameTaken,
  renameTeam,
  replaceMembers,
} from "./teams.repo";

const UNIQUE_VIOLATION = "23505";

// Two admins creating the same name at once: the unique index decides, and
// the loser gets the same 409 as a name found taken beforehand.
async function guardUniqueName<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) {
      throw new AppError("conflict", { detail: "conflict.team_name_taken" });
    }
    throw err;
  }
}

async function memberIdsOf(db: Executor, accountId: number, teamId: number): Promise<number[]> {
  return (await listMembers(db, accountId, [teamId])).map((m) => m.user_id);
}

async function checkName(db: Executor, accountId: number, name: string, exceptId: number | null) {
  if (await nameTaken(db, accountId, name, exceptId)) {
    throw new AppError("conflict", { detail: "conflict.team_name_taken" });
  }
}

const sorted = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** The account's teams with their members. */
export async function listTeams(ctx: AppContext, principal: Principal): Promise<Team[]> {
  canListTeams(principal);
  const teams = await listTeamRows(ctx.db, principal.accountId);
  const members = await listMembers(
    ctx.db,
    principal.accountId,
    teams.map((t) => t.id),
  );
  const byTeam = new Map<number, number[]>();
  for (const m of members) byTeam.set(m.team_id, [...(byTeam.get(m.team_id) ?? []), m.user_id]);
  return teams.map((t) => ({ id: t.id, name: t.name, memberIds: byTeam.get(t.id) ?? [] }));
}

/** Creates a team; its name is unique in the account and its members are users of the account. */
export async function createTeam(
  ctx: AppContext,
  principal: Principal,
  input: { name: string; memberIds?: number[] },
): Promise<Team> {
  canManageTeams(principal);
  const name = input.name.trim();
  const memberIds = sorted(input.memberIds ?? []);
  return guardUniqueName(() =>
    ctx.db.transaction().execute(async (tx) => {
      await checkName(tx, principal.accountId, name, null);
      await assertUsersOfAccount(tx, principal.accountId, memberIds);
      const team = await insertTeam(tx, principal.accountId, name, ctx.clock.now());
      await replaceMembers(tx, principal.accountId, team.id, memberIds);
      const created = { id: team.id, name: team.name, memberIds };
      await recordEvent(tx, principal, {
        type: "team.created",
        subjectType: "team",
        subjectId: team.id,
        after: { name, memberIds },
      });
      return created;
    }),
  );
}

/** Renames a team or replaces its members. */
export async function updateTeam(
  ctx: AppContext,
  principal: Principal,
  id: number,
  input: { name?: string; memberIds?: number[] },
): Promise<Team> {
  canManageTeams(principal);
  return guardUniqueName(() =>
    ctx.db.transaction().execute(async (tx) => {
      const team = await findTeamForUpdate(tx, principal.accountId, id);
      if (!team) throw new AppError("not_found", { resource: "resource.team" });
      const before: Team = { ...team, memberIds: await memberIdsOf(tx, principal.accountId, id) };
      const after: Team = { ...before };
      const changedBefore: Partial<Team> = {};
      const changedAfter: Partial<Team> = {};
      if (input.name !== undefined && input.name.trim() !== before.name) {
        after.name = input.name.trim();
        await checkName(tx, principal.accountId, after.name, id);
        await renameTeam(tx, principal.accountId, id, after.name);
        changedBefore.name = before.name;
        changedAfter.name = after.name;
      }
      if (input.memberIds !== undefined) {
        const memberIds = sorted(input.memberIds);
        if (JSON.stringify(memberIds) !== JSON.stringify(before.memberIds)) {
          await assertUsersOfAccount(tx, principal.accountId, memberIds);
          await replaceMembers(tx, principal.accountId, id, memberIds);
          after.memberIds = memberIds;
          changedBefore.memberIds = before.memberIds;
          changedAfter.memberIds = memberIds;
        }
      }
      if (Object.keys(changedAfter).length > 0) {
        await recordEvent(tx, principal, {
          type: "team.updated",
          subjectType: "team",
          subjectId: id,
          before: changedBefore,
          after: changedAfter,
        });
      }
      return after;
    }),
  );
}

/** Deletes a team; its conversations stay, without a team. */
export async function deleteTeam(ctx: AppContext, principal: Principal, id: number): Promise<void> {
  canManageTeams(principal);
  // transact: the conversations it detaches are announced once it commits.
  await transact(ctx, async (tx) => {
    const team = await findTeamForUpdate(tx, principal.accountId, id);
    if (!team) throw new AppError("not_found", { resource: "resource.team" });
    const memberIds = await memberIdsOf(tx, principal.accountId, id);
    const conversationsDetached = await unassignTeam(tx, principal, id, ctx.clock.now());
    await deleteTeamRow(tx, principal.accountId, id);
    await recordEvent(tx, principal, {
      type: "team.deleted",
      subjectType: "team",
      subjectId: id,
      before: { name: team.name, memberIds },
      after: { conversationsDetached },
    });
  });
}
