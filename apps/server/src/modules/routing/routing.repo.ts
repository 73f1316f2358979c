import { sql } from "kysely";
import type { Executor } from "../../platform/db";

/** The statuses whose conversations count against an agent's capacity. */
const OPEN_STATUSES = ["new", "open", "pending", "on_hold"];

/** The defaults of an account that never saved its routing settings. */
export const ROUTING_DEFAULTS = { auto_assign: false, default_capacity: 10 };

/** The account's routing settings (defaults when never saved). */
export async function findSettings(db: Executor, accountId: number) {
  const row = await db
    .selectFrom("routing_settings")
    .select(["auto_assign", "default_capacity"])
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row ?? ROUTING_DEFAULTS;
}

/** Saves the account's routing settings. */
export async function saveSettings(
  db: Executor,
  accountId: number,
  values: { auto_assign: boolean; default_capacity: number },
  at: Date,
): Promise<void> {
  await db
    .insertInto("routing_settings")
    .values({ account_id: accountId, ...values, updated_at: at })
    .onConflict((oc) => oc.column("account_id").doUpdateSet({ ...values, updated_at: at }))
    .execute();
}

/**
 * Locks the round-robin cursor of a team (0: the whole account) and returns
 * the last agent it chose. The lock serialises automatic assignments of the
 * same pool, so two new conversations never both take an agent's last slot.
 */
export async function lockCursor(tx: Executor, accountId: number, teamId: number): Promise<number> {
  await tx
    .insertInto("routing_cursors")
    .values({ account_id: accountId, team_id: teamId })
    .onConflict((oc) => oc.columns(["account_id", "team_id"]).doNothing())
    .execute();
  const row = await tx
    .selectFrom("routing_cursors")
    .select("last_user_id")
    .where("account_id", "=", accountId)
    .where("team_id", "=", teamId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.last_user_id;
}

/** Moves a team's cursor to the agent just chosen. */
export async function moveCursor(tx: Executor, accountId: number, teamId: number, userId: number) {
  await tx
    .updateTable("routing_cursors")
    .set({ last_user_id: userId })
    .where("account_id", "=", accountId)
    .where("team_id", "=", teamId)
    .execute();
}

/** An agent automatic assignment may consider, with their load. */
export interface AgentLoad {
  id: number;
  name: string;
  capacity: number | null;
  open: number;
}

/**
 * The active agents of the account (or of one team) among `userIds`, or all
 * of them when `userIds` is null, with the number of open conversations each
 * is assigned, in id order.
 */
export async function agentLoads(
  db: Executor,
  accountId: number,
  opts: { teamId: number | null; userIds: number[] | null },
): Promise<AgentLoad[]> {
  if (opts.userIds && opts.userIds.length === 0) return [];
  let q = db
    .selectFrom("users")
    .select([
      "users.id",
      "users.name",
      "users.capacity",
      (eb) =>
        eb
          .selectFrom("conversations")
          .select(sql<number>`count(*)::int`.as("n"))
          .where("conversations.account_id", "=", accountId)
          .whereRef("conversations.assignee_id", "=", "users.id")
          .where("conversations.status", "in", OPEN_STATUSES)
          .as("open"),
    ])
    .where("users.account_id", "=", accountId)
    .where("users.disabled_at", "is", null);
  if (opts.userIds) q = q.where("users.id", "in", opts.userIds);
  if (opts.teamId !== null) {
    const teamId = opts.teamId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("team_members")
          .select("team_members.user_id")
          .where("team_members.account_id", "=", accountId)
          .where("team_members.team_id", "=", teamId)
          .whereRef("team_members.user_id", "=", "users.id"),
      ),
    );
  }
  const rows = await q.orderBy("users.id").execute();
  return rows.map((r) => ({ id: r.id, name: r.name, capacity: r.capacity, open: Number(r.open ?? 0) }));
}

/** Sets an agent's capacity (null: the account default); false when no such user. */
export async function setCapacity(
  db: Executor,
  accountId: number,
  userId: number,
  capacity: number | null,
  at: Date,
): Promise<{ before: number | null } | null> {
  const current = await db
    .selectFrom("users")
    .select("capacity")
    .where("account_id", "=", accountId)
    .where("id", "=", userId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) return null;
  await db
    .updateTable("users")
    .set({ capacity, updated_at: at })
    .where("account_id", "=", accountId)
    .where("id", "=", userId)
    .execute();
  return { before: current.capacity };
}

/** Unassigned conversations waiting for an agent (new or open), the longest waiting first. */
export async function waitingConversationIds(
  db: Executor,
  accountId: number,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom("conversations")
    .select("id")
    .where("account_id", "=", accountId)
    .where("status", "in", ["new", "open"])
    .where("assignee_id", "is", null)
    .orderBy("last_message_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
