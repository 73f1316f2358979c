import { sql } from "kysely";
import type { Executor } from "../../platform/db";

/** The columns of a user that make up Me. */
const meColumns = [
  "users.id",
  "users.account_id",
  "users.name",
  "users.email",
  "users.role",
  "users.language",
  "users.totp_enabled",
  "accounts.name as account_name",
] as const;

/** Finds the user an email signs in as, with what sign-in needs to check. */
export function findSignInUser(db: Executor, email: string) {
  return db
    .selectFrom("login_identities")
    .innerJoin("users", (j) =>
      j
        .onRef("users.account_id", "=", "login_identities.account_id")
        .onRef("users.id", "=", "login_identities.user_id"),
    )
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select([...meColumns, "users.password_hash", "users.totp_secret", "users.disabled_at"])
    .where("login_identities.email", "=", email)
    .executeTakeFirst();
}

/** One user of an account with its account's name. */
export function findMe(db: Executor, accountId: number, userId: number) {
  return db
    .selectFrom("users")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select(meColumns)
    .where("users.account_id", "=", accountId)
    .where("users.id", "=", userId)
    .executeTakeFirst();
}

/** The secrets of a user, for checks that need them; never presented. */
export function findUserSecrets(db: Executor, accountId: number, userId: number) {
  return db
    .selectFrom("users")
    .select(["email", "password_hash", "totp_secret", "totp_pending_secret", "totp_enabled"])
    .where("account_id", "=", accountId)
    .where("id", "=", userId)
    .executeTakeFirst();
}

/** Updates a user's own settings and secrets. */
export async function updateUserSelf(
  db: Executor,
  accountId: number,
  userId: number,
  patch: {
    name?: string;
    language?: string | null;
    password_hash?: string;
    totp_secret?: string | null;
    totp_pending_secret?: string | null;
    totp_enabled?: boolean;
    totp_last_step?: number | null;
    updated_at: Date;
  },
): Promise<void> {
  await db
    .updateTable("users")
    .set(patch)
    .where("account_id", "=", accountId)
    .where("id", "=", userId)
    .execute();
}

/**
 * Records that a user's authenticator code of a time step was used, unless a
 * code of that step or a later one already was; false means a replay. One
 * conditional update, so concurrent attempts with the same code cannot both win.
 */
export async function claimTotpStep(
  db: Executor,
  accountId: number,
  userId: number,
  step: number,
): Promise<boolean> {
  const res = await db
    .updateTable("users")
    .set({ totp_last_step: step })
    .where("account_id", "=", accountId)
    .where("id", "=", userId)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Deletes one session. */
export async function deleteSession(db: Executor, accountId: number, tokenHash: string): Promise<number> {
  const res = await db
    .deleteFrom("sessions")
    .where("account_id", "=", accountId)
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Deletes every session of a user, except the one kept (the caller's own, when given). */
export async function deleteUserSessions(
  db: Executor,
  accountId: number,
  userId: number,
  keepTokenHash: string | null,
): Promise<number> {
  let q = db.deleteFrom("sessions").where("account_id", "=", accountId).where("user_id", "=", userId);
  if (keepTokenHash) q = q.where("token_hash", "!=", keepTokenHash);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The latest lock among throttle keys, if any is still locked. */
export async function latestLock(db: Executor, keys: string[], now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom("login_throttle")
    .select((eb) => eb.fn.max("locked_until").as("until"))
    .where("key", "in", keys)
    .where("locked_until", ">", now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : null;
}

/**
 * Counts a failure against a throttle key in one statement, so concurrent
 * attempts on several nodes add up: a stale window starts over, and the
 * failure that reaches the limit sets the lock.
 */
export async function addThrottleFailure(
  db: Executor,
  input: { key: string; now: Date; windowStart: Date; limit: number; lockedUntil: Date },
): Promise<void> {
  const { key, now, windowStart, limit, lockedUntil } = input;
  const fresh = sql<boolean>`login_throttle.window_start < ${windowStart}`;
  const failures = sql<number>`case when ${fresh} then 1 else login_throttle.failures + 1 end`;
  await db
    .insertInto("login_throttle")
    .values({
      key,
      failures: 1,
      window_start: now,
      locked_until: limit <= 1 ? lockedUntil : null,
    })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        failures,
        window_start: sql`case when ${fresh} then ${now}::timestamptz else login_throttle.window_start end`,
        locked_until: sql`case when ${failures} >= ${limit} then ${lockedUntil}::timestamptz
          when ${fresh} then null else login_throttle.locked_until end`,
      }),
    )
    .execute();
}

/** Forgets the failures of a throttle key. */
export async function clearThrottle(db: Executor, key: string): Promise<void> {
  await db.deleteFrom("login_throttle").where("key", "=", key).execute();
}
