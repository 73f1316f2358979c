import { buildApp } from "./app";
import { jobDefinitions } from "./modules";
import { seedDemoData } from "./modules/demo/demo.service";
import { startImapFetcher } from "./modules/email/email.imap-fetcher";
import { startSmtpReceiver } from "./modules/email/email.smtp-receiver";
import { bootstrapFirstAccount } from "./platform/bootstrap";
import { systemClock } from "./platform/clock";
import { loadConfig } from "./platform/config";
import { openDatabase } from "./platform/db";
import { jobRegistry, startWorker } from "./platform/jobs";
import { DataDirLockedError } from "./platform/lock";
import { createLogger } from "./platform/logging";
import { startMaintenance } from "./platform/maintenance";
import { migrateToLatest } from "./platform/migrate";
import { createHub } from "./platform/realtime";

/** Starts Khidma in the role given by KHIDMA_ROLE: web, worker or all (default). */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  try {
    handle = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
    });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const applied = await migrateToLatest(handle.db as never);
  if (applied.length) log.info({ migrations: applied }, "applied migrations");

  const hub = await createHub({ redisUrl: config.redisUrl, logger: log });
  if (config.redisUrl) log.info("live updates shared through Redis");
  const ctx = { db: handle.db, clock: systemClock, config, dbKind: handle.kind, hub };
  const created = await bootstrapFirstAccount(handle.db, config, log);
  if (created && config.demo) {
    await seedDemoData(ctx, created.accountId, created.userId);
    log.info("added demo conversations and contacts (KHIDMA_DEMO=0 turns this off)");
  }

  const stops: (() => Promise<void>)[] = [];
  if (config.role === "all" || config.role === "worker") {
    stops.push(startMaintenance(ctx, log));
    const worker = startWorker(ctx, jobRegistry(jobDefinitions), { log });
    stops.push(() => worker.stop());
    const imap = startImapFetcher(ctx, { log });
    stops.push(() => imap.stop());
  }
  if (config.role === "all" || config.role === "web") {
    const app = await buildApp(ctx, { logger: log });
    await app.listen({ port: config.port, host: config.host });
    stops.push(() => app.close());
  }
  if ((config.role === "all" || config.role === "web") && config.smtpPort !== null) {
    // The built-in receiver answers 250 only after a message is committed; it stops first on shutdown.
    const receiver = await startSmtpReceiver(ctx, {
      port: config.smtpPort,
      host: config.host,
      log,
      tls: config.smtpTls,
    });
    stops.push(() => receiver.close());
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, "stop failed"));
    await hub.close().catch((err) => log.error({ err }, "realtime hub close failed"));
    await handle.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  process.stderr.write(
    `Khidma failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
