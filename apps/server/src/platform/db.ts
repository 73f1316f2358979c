import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { Kysely, PostgresDialect, type Transaction } from "kysely";
import pg from "pg";
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
      max: opts.poolSize ?? 10,
      types: types as pg.CustomTypesConfig,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
