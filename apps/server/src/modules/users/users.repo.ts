import type { Executor } from "../../platform/db";

const summaryColumns = ["id", "name", "email", "role", "language", "disabled_at"] as const;

/** Every user of an account, by name. */
export function listUsers(db: Executor, accountId: number) {
  return db
    .selectFrom("users")
    .select(summaryColumns)
    .where("account_id", "=", accountId)
    .orderBy("name")
    .orderBy("id")
    .execute();
}

/** One user of an account, locked for the rest of the transaction. */
export function findUserForUpdate(db: Executor, accountId: number, userId: number) {
  return db
    .selectFrom("users")
    .select(summaryColumns)
    .where("account_id", "=", accountId)
    .where("id", "=", userId)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * The ids of the account's active owners, locked, so two changes that would
 * each leave one owner cannot both pass.
 */
export async function lockActiveOwnerIds(db: Executor, accountId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("users")
    .select("id")
    .where("account_id", "=", accountId)
    .where("role", "=", "owner")
    .where("disabled_at", "is", null)
    .orderBy("id")
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** Updates a user's name, role or disabled time. */
export async function updateUser(
  db: Executor,
  accountId: number,
  userId: number,
  patch: { name?: string; role?: string; disabled_at?: Date | null; updated_at: Date },
): Promise<void> {
  await db
    .updateTable("users")
    .set(patch)
    .where("account_id", "=", accountId)
    .where("id", "=", userId)
    .execute();
}

/** The ids of the given users that belong to the account. */
export async function existingUserIds(db: Executor, accountId: number, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("users")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", "in", ids)
    .execute();
  return rows.map((r) => r.id);
}
