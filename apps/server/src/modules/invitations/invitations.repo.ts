import type { Executor } from "../../platform/db";

const columns = [
  "invitations.id",
  "invitations.account_id",
  "invitations.email",
  "invitations.name",
  "invitations.role",
  "invitations.invited_by",
  "invitations.expires_at",
  "invitations.accepted_at",
  "invitations.revoked_at",
  "invitations.created_at",
] as const;

/** The account's invitations, newest first. */
export function listInvitations(db: Executor, accountId: number, limit: number) {
  return db
    .selectFrom("invitations")
    .select(columns)
    .where("account_id", "=", accountId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Whether an email already signs in somewhere (emails are global across accounts). */
export async function emailTaken(db: Executor, email: string): Promise<boolean> {
  const row = await db
    .selectFrom("login_identities")
    .select("email")
    .where("email", "=", email)
    .executeTakeFirst();
  return row !== undefined;
}

/** The account's pending invitations for an email, locked. */
export function pendingForEmail(db: Executor, accountId: number, email: string, now: Date) {
  return db
    .selectFrom("invitations")
    .select(columns)
    .where("account_id", "=", accountId)
    .where("email", "=", email)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .forUpdate()
    .execute();
}

/** Stores an invitation by its token's hash. */
export function insertInvitation(
  db: Executor,
  input: {
    accountId: number;
    email: string;
    name: string | null;
    role: string;
    tokenHash: string;
    invitedBy: number;
    expiresAt: Date;
    now: Date;
  },
) {
  return db
    .insertInto("invitations")
    .values({
      account_id: input.accountId,
      email: input.email,
      name: input.name,
      role: input.role,
      token_hash: input.tokenHash,
      invited_by: input.invitedBy,
      expires_at: input.expiresAt,
      accepted_at: null,
      revoked_at: null,
      created_at: input.now,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** One invitation of the account, locked. */
export function findInvitationForUpdate(db: Executor, accountId: number, id: number) {
  return db
    .selectFrom("invitations")
    .select(columns)
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** An invitation by its token's hash, with the account's name; locked when `lock` is set. */
export function findByTokenHash(db: Executor, accountId: number, tokenHash: string, lock: boolean) {
  const q = db
    .selectFrom("invitations")
    .innerJoin("accounts", "accounts.id", "invitations.account_id")
    .select([...columns, "accounts.name as account_name"])
    .where("invitations.account_id", "=", accountId)
    .where("invitations.token_hash", "=", tokenHash);
  return (lock ? q.forUpdate("invitations") : q).executeTakeFirst();
}

/** Marks invitations revoked. */
export async function markRevoked(db: Executor, accountId: number, ids: number[], now: Date) {
  if (ids.length === 0) return;
  await db
    .updateTable("invitations")
    .set({ revoked_at: now })
    .where("account_id", "=", accountId)
    .where("id", "in", ids)
    .execute();
}

/** Marks an invitation accepted. */
export async function markAccepted(db: Executor, accountId: number, id: number, now: Date) {
  await db
    .updateTable("invitations")
    .set({ accepted_at: now })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}
