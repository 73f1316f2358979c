import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../apps/server/src/platform/db";
import { migrateToLatest } from "../apps/server/src/platform/migrate";

/**
 * The benchmarks' own database, apart from the one the tests use, so a
 * million seeded rows never slow a test run. BENCH_DATABASE_URL overrides it.
 */
export const BENCH_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/khidma_bench";

/** Creates the benchmark database when it does not exist yet. */
export async function ensureDatabase(url = BENCH_DATABASE_URL): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/** Drops the benchmark database, for a fresh seed. */
export async function dropDatabase(url = BENCH_DATABASE_URL): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/** Opens the benchmark database through the server's own driver setup and applies migrations. */
export async function openBenchDatabase(url = BENCH_DATABASE_URL): Promise<DatabaseHandle> {
  await ensureDatabase(url);
  const handle = await openDatabase({ databaseUrl: url, dataDir: ":memory:", poolSize: 4 });
  await migrateToLatest(handle.db as never);
  return handle;
}

/** A plain pg client on the benchmark database, for bulk SQL. */
export async function connectRaw(url = BENCH_DATABASE_URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
