import type { FastifyBaseLogger } from "fastify";
import type { AppContext } from "../app";

const EVERY_MS = 10 * 60 * 1000;
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** Removes expired sessions, old idempotency keys and stale login throttles, in bounded batches. */
export async function sweepExpired(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const sessions = await ctx.db.deleteFrom("sessions").where("expires_at", "<", now).executeTakeFirst();
  const keys = await ctx.db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", new Date(now.getTime() - IDEMPOTENCY_TTL_MS))
    .executeTakeFirst();
  const throttles = await ctx.db
    .deleteFrom("login_throttle")
    .where("window_start", "<", new Date(now.getTime() - IDEMPOTENCY_TTL_MS))
    .executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(keys.numDeletedRows) + Number(throttles.numDeletedRows);
}

/** Runs the sweep now and every ten minutes; returns a stop function. */
export function startMaintenance(ctx: AppContext, log: FastifyBaseLogger): () => Promise<void> {
  const run = () =>
    sweepExpired(ctx)
      .then((n) => n && log.debug({ removed: n }, "maintenance sweep"))
      .catch((err) => log.error({ err }, "maintenance sweep failed"));
  void run();
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return async () => clearInterval(timer);
}
