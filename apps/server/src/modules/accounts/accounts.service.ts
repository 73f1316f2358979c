import type { Language, Role } from "@khidma/contracts";
import type { Db, Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { recordEvent } from "../../platform/events";
import { hashPassword } from "../../platform/passwords";

/** Normalises an email for comparison and the sign-in directory. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Creates a user in an account and registers its sign-in email, in the caller's transaction. */
export async function insertUser(
  tx: Executor,
  input: {
    accountId: number;
    email: string;
    name: string;
    role: Role;
    password: string;
    language?: Language | null;
    actorUserId?: number | null;
  },
): Promise<{ id: number }> {
  const email = normalizeEmail(input.email);
  const taken = await tx
    .selectFrom("login_identities")
    .select("email")
    .where("email", "=", email)
    .executeTakeFirst();
  if (taken) throw new AppError("conflict", { detail: "conflict.email_taken" });
  const user = await tx
    .insertInto("users")
    .values({
      account_id: input.accountId,
      email,
      name: input.name.trim(),
      role: input.role,
      password_hash: await hashPassword(input.password),
      language: input.language ?? null,
      totp_secret: null,
      totp_pending_secret: null,
      disabled_at: null,
    })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  await tx
    .insertInto("login_identities")
    .values({ email, account_id: input.accountId, user_id: user.id })
    .execute();
  await recordEvent(
    tx,
    { accountId: input.accountId, userId: input.actorUserId ?? null },
    {
      type: "user.created",
      subjectType: "user",
      subjectId: user.id,
      after: { email, name: input.name, role: input.role },
    },
  );
  return user;
}

/** Creates an account and its owner in one transaction. */
export async function createAccountWithOwner(
  db: Db,
  input: {
    accountName: string;
    email: string;
    name: string;
    password: string;
    /** The account's default language. */
    language?: Language;
    /** The owner's own UI language; none means the browser's. */
    userLanguage?: Language | null;
  },
): Promise<{ accountId: number; userId: number }> {
  return db.transaction().execute(async (tx) => {
    const account = await tx
      .insertInto("accounts")
      .values({ name: input.accountName, default_language: input.language ?? "ar" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordEvent(
      tx,
      { accountId: account.id, userId: null },
      {
        type: "account.created",
        subjectType: "account",
        subjectId: account.id,
        after: { name: input.accountName },
      },
    );
    const user = await insertUser(tx, {
      accountId: account.id,
      email: input.email,
      name: input.name,
      role: "owner",
      password: input.password,
      language: input.userLanguage ?? null,
    });
    return { accountId: account.id, userId: user.id };
  });
}
