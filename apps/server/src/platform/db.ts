import { createHash } from "node:crypto";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { type CompiledQuery, Kysely, PostgresDialect, type PostgresPool, type Transaction } from "kysely";
import pg from "pg";
import { defaultPoolSize } from "./config";
import type { Database } from "./db-types";
import { lockDataDir } from "./lock";
import { PGliteDialect } from "./pglite-dialect";

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or a transaction: repositories accept both. */
export type Executor = Kysely<Database>;

/** An open database with the means to close it. */
export interface DatabaseHandle {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

const INT8 = 20;
const INT8_ARRAY = 1016;
const NUMERIC = 1700;

/**
 * Statements whose text starts with this comment run as named prepared
 * statements on PostgreSQL: each pooled connection parses and plans them once,
 * then only binds and executes. Mark the hot statements of fixed shape whose
 * best plan does not depend on their parameters (lookups and inserts by key);
 * PGlite ignores the comment.
 */
export const PREPARED = "/* prepared */ ";

/** A compiled query, marked to run as a prepared statement (see PREPARED). */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  return { ...query, sql: PREPARED + query.sql };
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `k_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** The pool Kysely uses, giving the statements marked PREPARED a name so pg prepares them once per connection. */
function preparingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, ReturnType<typeof wrap>>();
  const wrap = (client: pg.PoolClient) => ({
    // biome-ignore lint/suspicious/noExplicitAny: pg's own overloads (text, config object or cursor)
    query(text: any, values?: readonly unknown[]) {
      if (typeof text === "string" && text.startsWith(PREPARED))
        return client.query({ name: statementName(text), text, values: values as unknown[] });
      return client.query(text, values as unknown[]);
    },
    release() {
      client.release();
    },
  });
  return {
    async connect() {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        w = wrap(client);
        wrapped.set(client, w);
      }
      return w as unknown as Awaited<ReturnType<PostgresPool["connect"]>>;
    },
    end: () => pool.end(),
  };
}

const toNumber = (v: string) => Number(v);
const toNumberArray = (v: string) =>
  v === "{}"
    ? []
    : v
        .slice(1, -1)
        .split(",")
        .map((x) => Number(x));

/**
 * Opens PostgreSQL when a URL is given, otherwise PGlite under dataDir (or in
 * memory for ":memory:"). Both drivers return int8 as number, timestamps as
 * Date and jsonb as parsed values, so repositories see the same types.
 */
export async function openDatabase(opts: {
  databaseUrl: string | null;
  dataDir: string;
  poolSize?: number;
}): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const types = {
      getTypeParser(oid: number, format?: "text" | "binary") {
        if (oid === INT8 || oid === NUMERIC) return toNumber;
        if (oid === INT8_ARRAY) return toNumberArray;
        return pg.types.getTypeParser(oid, format);
      },
    };
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? defaultPoolSize(),
      types: types as pg.CustomTypesConfig,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }

  const memory = opts.dataDir === ":memory:";
  const release = memory ? () => {} : lockDataDir(opts.dataDir);
  try {
    const client = await PGlite.create({
      ...(memory ? {} : { dataDir: path.join(opts.dataDir, "pg") }),
      extensions: { pg_trgm, btree_gin },
      parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [INT8_ARRAY]: toNumberArray },
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
    return {
      db,
      kind: "pglite",
      close: async () => {
        await db.destroy();
        await client.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
