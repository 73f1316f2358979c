import pino from "pino";
import { buildApp } from "../apps/server/src/app";
import { systemClock } from "../apps/server/src/platform/clock";
import { loadConfig } from "../apps/server/src/platform/config";
import { openDatabase } from "../apps/server/src/platform/db";
import { migrateToLatest } from "../apps/server/src/platform/migrate";
import { createHub } from "../apps/server/src/platform/realtime";

/**
 * A stand-in for apps/server/src/main.ts, used by run.ts only when the real
 * bundle fails to start: the same app (buildApp) on the same database setup,
 * web role only, with the same pino logger.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(handle.db as never);
  const hub = await createHub({ redisUrl: config.redisUrl });
  const ctx = { db: handle.db, clock: systemClock, config, dbKind: handle.kind, hub };
  const app = await buildApp(ctx, { logger: pino({ level: config.logLevel }) });
  await app.listen({ port: config.port, host: config.host });
  const stop = async () => {
    await app.close();
    await hub.close();
    await handle.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
