import type { Executor } from "../../platform/db";

const columns = ["id", "name", "prefix", "user_id", "last_used_at", "created_at", "revoked_at"] as const;

/** The account's live tokens, newest first; only one user's when userId is given. */
export function listTokens(db: Executor, accountId: number, userId: number | null) {
  let q = db
    .selectFrom("api_tokens")
    .select(columns)
    .where("account_id", "=", accountId)
    .where("revoked_at", "is", null);
  if (userId !== null) q = q.where("user_id", "=", userId);
  return q.orderBy("id", "desc").execute();
}

/** Stores a token by its hash. */
export function insertToken(
  db: Executor,
  input: { accountId: number; userId: number; name: string; tokenHash: string; prefix: string; now: Date },
) {
  return db
    .insertInto("api_tokens")
    .values({
      account_id: input.accountId,
      user_id: input.userId,
      name: input.name,
      token_hash: input.tokenHash,
      prefix: input.prefix,
      last_used_at: null,
      revoked_at: null,
      created_at: input.now,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** One token of the account, locked. */
export function findTokenForUpdate(db: Executor, accountId: number, id: number) {
  return db
    .selectFrom("api_tokens")
    .select(columns)
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** Revokes one token. */
export async function revokeToken(db: Executor, accountId: number, id: number, now: Date): Promise<void> {
  await db
    .updateTable("api_tokens")
    .set({ revoked_at: now })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}

/** Revokes every live token of a user; returns how many. */
export async function revokeUserTokens(db: Executor, accountId: number, userId: number, now: Date) {
  const res = await db
    .updateTable("api_tokens")
    .set({ revoked_at: now })
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
