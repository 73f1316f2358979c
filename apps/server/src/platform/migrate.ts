import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as m0001 from "../migrations/0001_init";
import * as m0002 from "../migrations/0002_inbox_indexes";
import * as m0003 from "../migrations/0003_totp_last_step";
import * as m0004 from "../migrations/0004_email";
import * as m0005 from "../migrations/0005_jobs";
import * as m0006 from "../migrations/0006_realtime";
import * as m0007 from "../migrations/0007_live_chat";
import * as m0008 from "../migrations/0008_offline_reply";
import * as m0009 from "../migrations/0009_widget_reply_inbox";
import * as m0010 from "../migrations/0010_messages_by_seq";

const migrations: Record<string, Migration> = {
  "0001_init": m0001,
  "0002_inbox_indexes": m0002,
  "0003_totp_last_step": m0003,
  "0004_email": m0004,
  "0005_jobs": m0005,
  "0006_realtime": m0006,
  "0007_live_chat": m0007,
  "0008_offline_reply": m0008,
  "0009_widget_reply_inbox": m0009,
  "0010_messages_by_seq": m0010,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Applies pending migrations, forward only. Kysely's migrator holds a
 * PostgreSQL advisory lock while it runs, so several nodes may start at once.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(),
    migrationTableName: "khidma_migrations",
    migrationLockTableName: "khidma_migrations_lock",
    // Features land in parallel, so a database may have run a later-numbered
    // migration before an earlier one was added; each is still applied once.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
