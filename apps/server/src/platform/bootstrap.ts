import type { FastifyBaseLogger } from "fastify";
import { createAccountWithOwner } from "../modules/accounts/accounts.service";
import type { Config } from "./config";
import type { Db } from "./db";
import { randomSecret } from "./tokens";

/**
 * On an empty database, creates the first account and its owner from
 * KHIDMA_ADMIN_EMAIL / KHIDMA_ADMIN_PASSWORD, or with a generated password
 * printed once. Returns the new account, or null when one already existed.
 */
export async function bootstrapFirstAccount(
  db: Db,
  config: Config,
  log: FastifyBaseLogger,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ accountId: number; userId: number } | null> {
  const existing = await db.selectFrom("accounts").select("id").limit(1).executeTakeFirst();
  if (existing) return null;
  const email = config.adminEmail ?? "admin@khidma.local";
  const generated = !config.adminPassword;
  const password = config.adminPassword ?? randomSecret(12);
  const created = await createAccountWithOwner(db, {
    accountName: "Khidma",
    email,
    name: "Admin",
    password,
    language: "ar",
  });
  log.info({ accountId: created.accountId, email }, "created the first account");
  if (generated) {
    print("");
    print("  Khidma created the first account. Sign in with:");
    print(`    email:    ${email}`);
    print(`    password: ${password}`);
    print("  This password is shown only once. Set KHIDMA_ADMIN_PASSWORD to choose your own.");
    print("");
  }
  return created;
}
