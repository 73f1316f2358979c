import type { Role } from "@khidma/contracts";
import type { FastifyInstance, InjectOptions } from "fastify";
import { type AppContext, buildApp } from "../app";
import { createAccountWithOwner, insertUser } from "../modules/accounts/accounts.service";
import { API_TOKEN_PREFIX } from "../platform/auth";
import { type Clock, systemClock } from "../platform/clock";
import { type Config, loadConfig } from "../platform/config";
import { type DatabaseHandle, openDatabase } from "../platform/db";
import { migrateToLatest } from "../platform/migrate";
import { createHub } from "../platform/realtime";
import { hashToken, makeAccountToken } from "../platform/tokens";

/** A running app for integration tests, on PGlite in memory or on TEST_DATABASE_URL. */
export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  close(): Promise<void>;
}

/** Which database the suite runs on, for test titles. */
export const testDatabase = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";

/** Starts an app on a fresh in-memory PGlite, or on the PostgreSQL named by TEST_DATABASE_URL. */
export async function createTestApp(
  opts: { clock?: Clock; config?: Partial<Config>; redisUrl?: string | null } = {},
): Promise<TestApp> {
  const url = process.env.TEST_DATABASE_URL || null;
  const handle: DatabaseHandle = await openDatabase({ databaseUrl: url, dataDir: ":memory:", poolSize: 4 });
  await migrateToLatest(handle.db as never);
  const config = {
    ...loadConfig({}),
    databaseUrl: url,
    dataDir: ":memory:",
    demo: false,
    trustProxy: true,
    policyGuard: true,
    ...opts.config,
  };
  // In-process unless a test asks for Redis (opts.redisUrl, e.g. TEST_REDIS_URL).
  const hub = await createHub({ redisUrl: opts.redisUrl ?? null });
  const ctx: AppContext = {
    db: handle.db,
    clock: opts.clock ?? systemClock,
    config,
    dbKind: handle.kind,
    hub,
  };
  const app = await buildApp(ctx);
  await app.ready();
  return {
    app,
    ctx,
    close: async () => {
      await app.close();
      await hub.close();
      await handle.close();
    },
  };
}

let seq = 0;
/** A string unique within this test process, for emails and names. */
export function unique(label = "x"): string {
  seq += 1;
  return `${label}${process.pid}${Date.now().toString(36)}${seq}`;
}

/** A user made by the factories, with a Bearer token and headers ready to send. */
export interface TestUser {
  accountId: number;
  userId: number;
  email: string;
  password: string;
  role: Role;
  token: string;
  headers: Record<string, string>;
}

/** Issues an API token for a user directly in the database. */
export async function issueToken(ctx: AppContext, accountId: number, userId: number): Promise<string> {
  const token = makeAccountToken(API_TOKEN_PREFIX, accountId);
  await ctx.db
    .insertInto("api_tokens")
    .values({
      account_id: accountId,
      user_id: userId,
      name: "test",
      token_hash: hashToken(token),
      prefix: token.slice(0, 12),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return token;
}

/** Creates a new account with its owner. */
export async function createAccount(
  ctx: AppContext,
  opts: { language?: "ar" | "en" } = {},
): Promise<TestUser> {
  const email = `${unique("owner")}@example.test`;
  const password = "correct horse battery staple";
  const { accountId, userId } = await createAccountWithOwner(ctx.db, {
    accountName: unique("Account "),
    email,
    name: "Owner Person",
    password,
    language: opts.language ?? "en",
  });
  const token = await issueToken(ctx, accountId, userId);
  return {
    accountId,
    userId,
    email,
    password,
    role: "owner",
    token,
    headers: { authorization: `Bearer ${token}` },
  };
}

/** Adds a user with the given role to an account. */
export async function createUser(
  ctx: AppContext,
  accountId: number,
  role: Role,
  opts: { name?: string } = {},
): Promise<TestUser> {
  const email = `${unique(role)}@example.test`;
  const password = "another long passphrase";
  const { id } = await ctx.db
    .transaction()
    .execute((tx) =>
      insertUser(tx, { accountId, email, name: opts.name ?? `${role} ${unique()}`, role, password }),
    );
  const token = await issueToken(ctx, accountId, id);
  return {
    accountId,
    userId: id,
    email,
    password,
    role,
    token,
    headers: { authorization: `Bearer ${token}` },
  };
}

/** Sends a request and parses the JSON answer. */
export async function call<T = unknown>(
  app: FastifyInstance,
  options: InjectOptions,
): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const res = await app.inject(options);
  let body: unknown = res.body;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.statusCode, body: body as T, headers: res.headers };
}
