import { sql } from "kysely";
import type { Executor } from "../../platform/db";

/** The account's teams by name. */
export function listTeams(db: Executor, accountId: number) {
  return db
    .selectFrom("teams")
    .select(["id", "name"])
    .where("account_id", "=", accountId)
    .orderBy(sql`lower(name)`)
    .orderBy("id")
    .execute();
}

/** The members of the given teams, as (team, user) pairs. */
export function listMembers(db: Executor, accountId: number, teamIds: number[]) {
  if (teamIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("team_members")
    .select(["team_id", "user_id"])
    .where("account_id", "=", accountId)
    .where("team_id", "in", teamIds)
    .orderBy("user_id")
    .execute();
}

/** One team of the account, locked. */
export function findTeamForUpdate(db: Executor, accountId: number, id: number) {
  return db
    .selectFrom("teams")
    .select(["id", "name"])
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** Whether another team of the account already has this name (case-insensitive). */
export async function nameTaken(db: Executor, accountId: number, name: string, exceptId: number | null) {
  let q = db
    .selectFrom("teams")
    .select("id")
    .where("account_id", "=", accountId)
    .where(sql<boolean>`lower(name) = lower(${name})`);
  if (exceptId !== null) q = q.where("id", "!=", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Creates a team. */
export function insertTeam(db: Executor, accountId: number, name: string, now: Date) {
  return db
    .insertInto("teams")
    .values({ account_id: accountId, name, created_at: now })
    .returning(["id", "name"])
    .executeTakeFirstOrThrow();
}

/** Renames a team. */
export async function renameTeam(db: Executor, accountId: number, id: number, name: string) {
  await db
    .updateTable("teams")
    .set({ name })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}

/** Replaces a team's members. */
export async function replaceMembers(db: Executor, accountId: number, teamId: number, userIds: number[]) {
  await db
    .deleteFrom("team_members")
    .where("account_id", "=", accountId)
    .where("team_id", "=", teamId)
    .execute();
  if (userIds.length === 0) return;
  await db
    .insertInto("team_members")
    .values(userIds.map((userId) => ({ account_id: accountId, team_id: teamId, user_id: userId })))
    .execute();
}

/** Deletes a team (its member rows go with it). */
export async function deleteTeam(db: Executor, accountId: number, id: number) {
  await db.deleteFrom("teams").where("account_id", "=", accountId).where("id", "=", id).execute();
}
